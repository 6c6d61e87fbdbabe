"""The Celery app the bench's workers run: Vetting's own, plus a no-op task for the ceiling.

`bench.noop` does nothing but push a token back on the private Redis, so the suite measures
a Celery round trip (publish, deliver, ack, reply) with no work in it.

Every other task's CPU and wall time in the worker are pushed to the private Redis list
`bench:task-cpu` as JSON [task name, first argument, cpu ms, wall ms]: the suite joins the
first argument with the assessment it names to price a full assessment against a link-only
refresh. A solo-pool worker runs one task at a time, so the process's CPU time over a task is
that task's.
"""

import json
import time
from functools import cache

import redis
from celery.signals import task_postrun, task_prerun
from django.conf import settings

from vetting.celery import app

__all__ = ["app"]
TASK_CPU = "bench:task-cpu"
_started: dict[str, tuple[float, float]] = {}


@cache
def _replies() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)  # one connection per worker process


@app.task(name="bench.noop", ignore_result=True)
def noop(reply_to: str) -> None:
    _replies().rpush(reply_to, b"1")


@task_prerun.connect
def _task_started(task_id=None, task=None, **_kw) -> None:
    if task is not None and task.name != "bench.noop":
        _started[task_id] = (time.process_time(), time.perf_counter())


@task_postrun.connect
def _task_done(task_id=None, task=None, args=None, **_kw) -> None:
    began = _started.pop(task_id, None)
    if began is None:
        return
    cpu, wall = time.process_time() - began[0], time.perf_counter() - began[1]
    first = str(args[0]) if args else ""
    _replies().rpush(TASK_CPU, json.dumps([task.name, first, cpu * 1000, wall * 1000]))
