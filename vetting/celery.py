"""The Celery app. Tasks are found in each installed app's tasks.py."""

import logging
import os
import time

from celery import Celery, Task

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
        if time.monotonic() < VettingTask._broker_down_until:
            raise BrokerUnavailable(f"broker failed within {self.BREAKER_SECONDS:.0f} s")
        try:
            return super().apply_async(*args, **kwargs)
        except Exception:
            VettingTask._broker_down_until = time.monotonic() + self.BREAKER_SECONDS
            raise


app = Celery("vetting", task_cls=VettingTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
