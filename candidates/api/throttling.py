"""Per-client rate limit. The rate is read from settings on each request so it can be tuned (and
tested) without re-importing DRF; counters live in the cache (Redis when configured).

When the cache is down the throttle fails open: a rate limit is a courtesy to the service, and
refusing every write because its counter store is away would turn a Redis fault into an outage.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

log = logging.getLogger(__name__)

# After a cache fault, skip the cache for this long: each try may cost a connect timeout.
SKIP_AFTER_FAULT_SECONDS = 5.0
_skip_until = 0.0


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def get_rate(self) -> str | None:
        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope)

    def get_cache_key(self, request, view) -> str | None:
        client = request.user
        if client is None or not getattr(client, "pk", None):
            return None  # unauthenticated requests are refused before they cost anything
        return self.cache_format % {"scope": self.scope, "ident": client.pk}

    def allow_request(self, request, view) -> bool:
        global _skip_until
        if time.monotonic() < _skip_until:
            return True
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError):
            _skip_until = time.monotonic() + SKIP_AFTER_FAULT_SECONDS
            log.warning(
                "Rate-limit store unavailable; not throttling for %.0f s",
                SKIP_AFTER_FAULT_SECONDS,
                exc_info=True,
            )
            return True
