"""The Celery app. Tasks are found in each installed app's tasks.py."""

import logging
import os
import time

from celery import Celery, Task
from celery.signals import task_prerun

from candidates.logcontext import request_id_var  # no Django imports: safe before setup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")

log = logging.getLogger(__name__)


class BrokerUnavailable(Exception):
    """The broker failed moments ago; the message was not sent (the sweep sends it later)."""


class VettingTask(Task):
    """Every task's base. After a failed publish, further publishes from this process fail at
    once for a few seconds instead of each waiting on the broker's timeouts: a batch of 500
    saves during a Redis outage answers as fast as one. Callers already treat a failed publish as
    "the sweep will send it", and the work waits in the database."""

    BREAKER_SECONDS = 5.0
    _broker_down_until = 0.0  # shared by every task class in the process

    def apply_async(self, *args, **kwargs):
        if self.app.conf.task_always_eager:
            return super().apply_async(*args, **kwargs)
        if request_id_var.get():  # the worker's log lines carry the request that queued it
            kwargs["headers"] = {
                **(kwargs.get("headers") or {}),
                "request_id": request_id_var.get(),
            }
        if time.monotonic() < VettingTask._broker_down_until:
            raise BrokerUnavailable(f"broker failed within {self.BREAKER_SECONDS:.0f} s")
        try:
            return super().apply_async(*args, **kwargs)
        except Exception:
            VettingTask._broker_down_until = time.monotonic() + self.BREAKER_SECONDS
            raise


@task_prerun.connect
def _replace_dropped_database_connections(sender=None, **kwargs) -> None:
    """Workers keep their connections between tasks (CELERY_DB_REUSE_MAX), and Celery then
    never checks them. A connection the database dropped (a restart, a terminated backend) is
    replaced here. With CONN_HEALTH_CHECKS the first query of the task checks it cheaply.
    Inline (eager) tasks run inside the caller's transaction and are left alone."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
    if sender is not None:
        request_id_var.set(getattr(sender.request, "request_id", None) or "")


app = Celery("vetting", task_cls=VettingTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
