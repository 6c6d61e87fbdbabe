"""Link work that changes state: reassessing a crowded value's holders beyond the cap.

A change whose values have more other holders than VETTING_LINK_REASSESS_CAP writes a
LinkReassessBacklog row in its own transaction; `link_reassess_page` then requests the next page
of holders (in candidate-id order) and advances the row, and queues itself again until none are
left. If the broker is down the row stays, and `link_sweep` (periodic) queues it again: the
reassessment is delayed, never lost.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from checks.base import Pair
from links import tasks
from links.index import LinkIndex
from links.models import LinkReassessBacklog
from links.queueing import enqueue, enqueue_on_commit
from links.signals import reassess_requested

SWEEP_IDLE_SECONDS = 120  # a row untouched this long lost its task (broker down, worker died)
# A backlog row for one candidate (value: its id), not a value's holders: a linked candidate that
# another transaction held when the change was written, so it could not be marked then.
ONE_CANDIDATE = "candidate"


def link_backlog_add_candidates(*, candidate_ids: list[UUID], exclude: UUID) -> None:
    """Inside the change's transaction: remember candidates to reassess once their rows are
    free. The rows are durable, so a process dying after the commit loses nothing."""
    for candidate_id in candidate_ids:
        link_backlog_add(pair=(ONE_CANDIDATE, str(candidate_id)), after=None, exclude=exclude)


def link_backlog_add(*, pair: Pair, after: UUID | None, exclude: UUID) -> None:
    """Inside the change's transaction: remember the rest, and queue its first page on commit."""
    row = LinkReassessBacklog.objects.create(
        kind=pair[0], value=pair[1], after=after, exclude=exclude
    )
    _enqueue_page(row.pk, on_commit=True)


def link_reassess_page(*, backlog_id: int) -> int:
    """Request reassessment of the next page of the backlog row's holders; 0 when done."""
    cap = max(settings.VETTING_LINK_REASSESS_CAP, 1)
    with transaction.atomic():
        row = (
            LinkReassessBacklog.objects.select_for_update(skip_locked=True)
            .filter(pk=backlog_id)
            .first()
        )
        if row is None:  # done, or another worker holds it
            return 0
        if row.kind == ONE_CANDIDATE:
            count = link_reassess_request(candidate_ids=[UUID(row.value)])
            row.delete()
            return count
        found = LinkIndex().holders_many(
            [(row.kind, row.value)], exclude=row.exclude, limit=cap, after=row.after, count=False
        )
        rows, total = found[(row.kind, row.value)]
        page = [cid for cid, _ in rows]
        # A value held beyond the cap is low value by any measure: refreshed by the sweep.
        count = link_reassess_request(candidate_ids=page, low_priority=True)
        if total > len(rows):
            row.after = page[-1]
            row.save(update_fields=["after", "updated_at"])
            _enqueue_page(backlog_id, on_commit=True)
        else:
            row.delete()
    return count


def link_reassess_request(*, candidate_ids: list[UUID], low_priority: bool = False) -> int:
    """Ask the layer above to reassess these candidates (trigger "link"); how many it requested."""
    if not candidate_ids:
        return 0
    replies = reassess_requested.send(
        sender=LinkReassessBacklog,
        candidate_ids=candidate_ids,
        trigger="link",
        low_priority=low_priority,
    )
    if not replies:
        raise RuntimeError("No receiver for links.signals.reassess_requested is connected")
    return sum(count or 0 for _receiver, count in replies)


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
        if not _enqueue_page(backlog_id, on_commit=False):
            break  # broker still down: the next sweep tries again
        queued += 1
    return queued


def _enqueue_page(backlog_id: int, *, on_commit: bool) -> bool:
    what = f"link backlog {backlog_id}"
    if on_commit:
        enqueue_on_commit(tasks.link_reassess_rest_task, backlog_id, what=what)
        return True
    return enqueue(tasks.link_reassess_rest_task, backlog_id, what=what)
