"""What is waiting in the broker: the depth of each Celery queue, read straight from Redis."""

from __future__ import annotations

import redis
from django.conf import settings


def queue_depths() -> dict[str, int] | None:
    """Messages waiting in each of Vetting's queues; {} in embedded mode (no broker, nothing
    waits); None when the broker does not answer (then nobody knows)."""
    if not settings.REDIS_URL:
        return {}
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        with client.pipeline(transaction=False) as pipe:
            for queue in settings.VETTING_QUEUE_NAMES:
                pipe.llen(queue)
            return dict(zip(settings.VETTING_QUEUE_NAMES, pipe.execute(), strict=True))
    except redis.RedisError:
        return None
