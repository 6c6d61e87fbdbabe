"""Link work that changes state: reassessing a crowded value's holders beyond the cap."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.db import transaction

from checks.links.index import LinkIndex


def link_reassess_page(*, kind: str, value: str, after: UUID, exclude: UUID) -> int:
    """Request reassessment of the next page of holders after `after`; queue the page after."""
    from candidates.pipeline import assessment_request_many
    from checks.links.sync import _queue_rest

    cap = max(settings.VETTING_LINK_REASSESS_CAP, 1)
    with transaction.atomic():
        rows, _ = LinkIndex().holders_many([(kind, value)], exclude=exclude, limit=cap + 1,
                                           after=after, count=False)[(kind, value)]
        page = [cid for cid, _ in rows[:cap]]
        count = assessment_request_many(candidate_ids=page, trigger="link")
        if len(rows) > cap:
            _queue_rest((kind, value), page[-1], exclude=exclude)
    return count
