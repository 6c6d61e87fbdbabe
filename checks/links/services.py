"""Link work that changes state: reassessing a crowded value's holders beyond the cap.

A change whose values have more other holders than VETTING_LINK_REASSESS_CAP writes a
LinkReassessBacklog row in its own transaction; `link_reassess_page` then requests the next page
of holders (in candidate-id order) and advances the row, and queues itself again until none are
left. If the broker is down the row stays, and `link_sweep` (periodic) queues it again: the
reassessment is delayed, never lost.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from checks.links.index import LinkIndex, Pair
from checks.models import LinkReassessBacklog

log = logging.getLogger(__name__)
SWEEP_IDLE_SECONDS = 120  # a row untouched this long lost its task (broker down, worker died)


def link_backlog_add(*, pair: Pair, after: UUID | None, exclude: UUID) -> None:
    """Inside the change's transaction: remember the rest, and queue its first page on commit."""
    row = LinkReassessBacklog.objects.create(
        kind=pair[0], value=pair[1], after=after, exclude=exclude
    )
    transaction.on_commit(lambda: _enqueue(row.pk))


def link_reassess_page(*, backlog_id: int) -> int:
    """Request reassessment of the next page of the backlog row's holders; 0 when done."""
    from candidates.pipeline import assessment_request_many

    cap = max(settings.VETTING_LINK_REASSESS_CAP, 1)
    with transaction.atomic():
        row = (
            LinkReassessBacklog.objects.select_for_update(skip_locked=True)
            .filter(pk=backlog_id)
            .first()
        )
        if row is None:  # done, or another worker holds it
            return 0
        found = LinkIndex().holders_many(
            [(row.kind, row.value)], exclude=row.exclude, limit=cap, after=row.after, count=False
        )
        rows, total = found[(row.kind, row.value)]
        page = [cid for cid, _ in rows]
        count = assessment_request_many(candidate_ids=page, trigger="link")
        if total > len(rows):
            row.after = page[-1]
            row.save(update_fields=["after", "updated_at"])
            transaction.on_commit(lambda: _enqueue(backlog_id))
        else:
            row.delete()
    return count


def link_sweep(*, limit: int = 100) -> int:
    """Periodic: queue backlog rows whose task was lost. Returns how many were queued."""
    idle_before = timezone.now() - timedelta(seconds=SWEEP_IDLE_SECONDS)
    ids = list(
        LinkReassessBacklog.objects.filter(updated_at__lt=idle_before)
        .order_by("updated_at")
        .values_list("id", flat=True)[:limit]
    )
    queued = 0
    for backlog_id in ids:
        if not _enqueue(backlog_id):
            break  # broker still down: the next sweep tries again
        queued += 1
    return queued


def _enqueue(backlog_id: int) -> bool:
    from checks.links.tasks import link_reassess_rest_task

    try:
        link_reassess_rest_task.delay(backlog_id)
    except Exception:  # the broker is down or unreachable; kombu raises many kinds
        log.warning(
            "Could not queue link backlog %s; the link sweep will retry", backlog_id, exc_info=True
        )
        return False
    return True
