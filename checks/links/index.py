"""The link index: who else holds a normalised value. Backed by the LinkKey table."""

from __future__ import annotations

from uuid import UUID

from candidates.models import LinkKey


class LinkIndex:
    def holders(self, kind: str, values: list[str], exclude: UUID,
                limit: int) -> dict[str, tuple[list[UUID], int]]:
        """For each value: up to `limit` other candidates holding it, and how many there are."""
        result: dict[str, tuple[list[UUID], int]] = {}
        for value in values:
            qs = LinkKey.objects.filter(kind=kind, value=value).exclude(candidate_id=exclude)
            ids = list(qs.order_by("candidate_id").values_list("candidate_id", flat=True)[:limit])
            count = len(ids) if len(ids) < limit else qs.count()
            result[value] = (ids, count)
        return result


def link_index_for() -> LinkIndex:
    return LinkIndex()
