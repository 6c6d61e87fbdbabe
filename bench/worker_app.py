"""The Celery app the bench's workers run: Vetting's own, plus a no-op task for the ceiling.

`bench.noop` does nothing but push a token back on the private Redis, so the suite measures
a Celery round trip (publish, deliver, ack, reply) with no work in it.
"""

from functools import cache

import redis
from django.conf import settings

from vetting.celery import app

__all__ = ["app"]


@cache
def _replies() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)  # one connection per worker process


@app.task(name="bench.noop", ignore_result=True)
def noop(reply_to: str) -> None:
    _replies().rpush(reply_to, b"1")
