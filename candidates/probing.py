"""Noticing a client that probes for other clients' candidates.

The API hides whom another client holds (candidates.api.visibility), but a signal still says a
value is held "in another source". A client posting many candidates whose values keep matching
other clients' candidates may be enumerating phone numbers or mailboxes. Counting is cheap: two
cache counters per client and hour, bumped after each assessment of a client's own write; past
`VETTING_PROBE_ALERT_MATCHES` cross-client matches in the hour, when they are also most of its
assessments, one audit event (`client.probing_suspected`) and one warning per client and hour.
Nothing is blocked: a person decides.
"""

from __future__ import annotations

import logging
import time
from uuid import UUID

from django.conf import settings
from django.core.cache import cache

from candidates.models import ApiClient, Candidate
from candidates.services import reviews

log = logging.getLogger(__name__)

WINDOW_SECONDS = 3600
# A share of cross-client matches this high is unusual: the same person applying through two
# systems happens, but not for most of a client's candidates.
PROBE_SHARE = 0.5


def probe_record(*, client_id: UUID, related_ids: set[str]) -> bool:
    """Count one assessment of `client_id`'s write; True when this one raised the alert."""
    cross = bool(related_ids) and (
        Candidate.objects.filter(pk__in=related_ids).exclude(client_id=client_id).exists()
    )
    prefix = f"vetting:probe:{client_id}:{int(time.time() // WINDOW_SECONDS)}"
    try:
        total = _bump(f"{prefix}:all")
        if not cross:
            return False
        matches = _bump(f"{prefix}:cross")
        if matches < settings.VETTING_PROBE_ALERT_MATCHES or matches < total * PROBE_SHARE:
            return False
        if not cache.add(f"{prefix}:alerted", 1, WINDOW_SECONDS * 2):
            return False
    except Exception:  # the cache is down: counting is best effort, never fails an assessment
        log.debug("Probe counters unavailable", exc_info=True)
        return False
    _alert(client_id=client_id, matches=matches, total=total)
    return True


def _bump(key: str) -> int:
    cache.add(key, 0, WINDOW_SECONDS * 2)
    return cache.incr(key)


def _alert(*, client_id: UUID, matches: int, total: int) -> None:
    client = ApiClient.objects.filter(pk=client_id).first()
    log.warning(
        "API client %s: %s of its %s assessments this hour matched other clients' candidates "
        "(possible probing)",
        client.name if client else client_id,
        matches,
        total,
    )
    reviews.audit_record(
        action="client.probing_suspected",
        client=client,
        detail={"cross_client_matches": matches, "assessments": total, "window_seconds": 3600},
    )
