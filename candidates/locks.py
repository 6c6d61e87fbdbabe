"""Candidate row locks: a bounded wait, a fixed order, and no wait at all for linked candidates.

A write locks its own candidate, then marks the candidates it is linked to for reassessment,
which writes their rows too. Two writes to linked candidates A and B would each hold one and wait
for the other: a deadlock. So:

- every write waits at most VETTING_LOCK_TIMEOUT_MS for a row (PostgreSQL `SET LOCAL
  lock_timeout`); a timeout is an OperationalError and the API answers 503 `unavailable` with
  `Retry-After`, which the client retries;
- a write locks the candidates of its own it names (one, or a batch's) first, in one statement
  in pk order (candidates.services.writes);
- linked candidates are locked in pk order with SKIP LOCKED: one another transaction holds (a
  concurrent write, an assessment being stored) gets a durable backlog row instead, worked off
  by a task after this commit (and by the link sweep if that task is lost), when this write
  holds nothing, so nobody waits for a row while holding one.
"""

from __future__ import annotations

import logging
from uuid import UUID

from django.conf import settings
from django.db import connection

from candidates.models import Candidate
from links.services import link_backlog_add_candidates

log = logging.getLogger(__name__)


def lock_timeout_set() -> None:
    """In the current transaction, wait at most VETTING_LOCK_TIMEOUT_MS for any lock."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return  # SQLite locks the whole database; it has no row locks to order
    milliseconds = int(settings.VETTING_LOCK_TIMEOUT_MS)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{milliseconds}ms'")


def linked_lock(*, candidate_ids: list[UUID]) -> tuple[list[UUID], list[UUID]]:
    """Lock the linked candidates free now, in pk order, without waiting. Returns (locked,
    busy), each in the order given; busy ones are reassessed after commit
    (`linked_reassess_after_commit`)."""
    if not candidate_ids or connection.vendor != "postgresql":
        return list(candidate_ids), []
    locked = set(
        Candidate.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in=candidate_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [pk for pk in candidate_ids if pk in locked], [
        pk for pk in candidate_ids if pk not in locked
    ]


def linked_reassess_after_commit(*, candidate_ids: list[UUID], changed: UUID) -> None:
    """Request these linked candidates' reassessment once this transaction has committed and
    released its locks; then waiting for another write's lock deadlocks nobody. The request is a
    durable backlog row written now (no lock on the busy candidates needed), queued after commit
    and swept if its task is lost."""
    if candidate_ids:
        link_backlog_add_candidates(candidate_ids=list(candidate_ids), exclude=changed)
