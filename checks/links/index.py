"""The link index: who else holds a normalised value. Backed by the LinkKey table.

Every lookup is an index range scan on LinkKey (kind, value, candidate) with a LIMIT, so its cost
does not grow with the table: a value held by 100 000 candidates costs as much as one held by 60.
Several values are looked up in one UNION ALL query where the database allows a LIMIT per branch
(PostgreSQL); SQLite gets one query per value. Counts stop at COUNT_CAP.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db import connection
from django.db.models import Q

from candidates.models import Candidate, LinkKey
from checks.models import LinkAllowlist

COUNT_CAP = 10_000  # related_count stops here: "10000" reads as "10 000 or more"
Pair = tuple[str, str]


class LinkIndex:
    def holders(self, kind: str, values: list[str], exclude: UUID,
                limit: int) -> dict[str, tuple[list[UUID], int]]:
        """For each value: up to `limit` other candidates holding it, and how many there are."""
        rows = self.holders_many([(kind, v) for v in values], exclude=exclude, limit=limit)
        return {v: ([cid for cid, _ in rows[(kind, v)][0]], rows[(kind, v)][1]) for v in values}

    def holders_many(self, pairs: Iterable[Pair], *, exclude: UUID | None, limit: int,
                     after: UUID | None = None,
                     count: bool = True) -> dict[Pair, tuple[list[tuple[UUID, str]], int]]:
        """{(kind, value): ([(candidate, display)...] up to `limit`, total count)}."""
        pairs = list(dict.fromkeys(pairs))
        found: dict[Pair, list[tuple[UUID, str]]] = {p: [] for p in pairs}
        for kind, value, cid, display in _fetch(pairs, exclude, limit + 1, after):
            found[(kind, value)].append((cid, display))
        result = {}
        for pair, rows in found.items():
            total = len(rows)
            if total > limit and count:
                total = _count(pair, exclude)
            result[pair] = (rows[:limit], total)
        return result

    def keys_of(self, candidate_ids: Iterable[UUID],
                kinds: Iterable[str] | None = None) -> list[tuple[UUID, str, str, str]]:
        """(candidate, kind, value, display) of the given candidates' keys."""
        qs = LinkKey.objects.filter(candidate_id__in=list(candidate_ids))
        if kinds is not None:
            qs = qs.filter(kind__in=list(kinds))
        return list(qs.values_list("candidate_id", "kind", "value", "display"))

    def allowlisted(self, pairs: Iterable[Pair]) -> set[Pair]:
        pairs = list(pairs)
        if not pairs:
            return set()
        query = Q()
        for kind, value in pairs:
            query |= Q(kind=kind, value=value)
        return set(LinkAllowlist.objects.filter(query).values_list("kind", "value"))

    def resume_texts(self, candidate_ids: Iterable[UUID]) -> dict[UUID, str]:
        return dict(Candidate.objects.filter(pk__in=list(candidate_ids))
                    .values_list("id", "resume_text"))


def _branch(pair: Pair, exclude: UUID | None, limit: int, after: UUID | None):
    qs = LinkKey.objects.filter(kind=pair[0], value=pair[1])
    if exclude is not None:
        qs = qs.exclude(candidate_id=exclude)
    if after is not None:
        qs = qs.filter(candidate_id__gt=after)
    return qs.order_by("candidate_id").values_list("kind", "value", "candidate_id",
                                                   "display")[:limit]


def _fetch(pairs: list[Pair], exclude: UUID | None, limit: int, after: UUID | None) -> list:
    if not pairs:
        return []
    branches = [_branch(p, exclude, limit, after) for p in pairs]
    if not connection.features.supports_slicing_ordering_in_compound or len(branches) == 1:
        return [row for b in branches for row in b]
    rows: list = []
    for start in range(0, len(branches), 100):  # keep each statement a sane size
        chunk = branches[start:start + 100]
        rows.extend(chunk[0].union(*chunk[1:], all=True) if len(chunk) > 1 else chunk[0])
    return rows


def _count(pair: Pair, exclude: UUID | None) -> int:
    qs = LinkKey.objects.filter(kind=pair[0], value=pair[1])
    if exclude is not None:
        qs = qs.exclude(candidate_id=exclude)
    return qs.values("candidate_id")[:COUNT_CAP].count()


def link_index_for() -> LinkIndex:
    return LinkIndex()
