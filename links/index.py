"""The link index: who else holds a normalised value. Backed by the LinkKey table.

`LinkIndex` implements the `checks.base.LinkLookup` protocol the link checks read through, except
`resume_texts`, which reads candidate data: the candidates layer supplies it (a subclass).

Every lookup is an index range scan on LinkKey (kind, value, candidate) with a LIMIT, so its cost
does not grow with the table: a value held by 100 000 candidates costs as much as one held by 60.
Several values are looked up in one UNION ALL query, each branch with its own LIMIT (PostgreSQL
and SQLite alike). Counts stop at COUNT_CAP.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db import connection
from django.db.models import Q

from checks.base import Pair
from links.models import LinkAllowlist, LinkKey

COUNT_CAP = 10_000  # related_count stops here: "10000" reads as "10 000 or more"


class LinkIndex:
    def holders_many(
        self,
        pairs: Iterable[Pair],
        *,
        exclude: UUID | None,
        limit: int,
        after: UUID | None = None,
        count: bool = True,
    ) -> dict[Pair, tuple[list[tuple[UUID, str]], int]]:
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

    def keys_of(
        self, candidate_ids: Iterable[UUID], kinds: Iterable[str] | None = None
    ) -> list[tuple[UUID, str, str, str]]:
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
        raise NotImplementedError("the candidates layer reads resume texts")

    def risk_levels(self, candidate_ids: Iterable[UUID]) -> dict[UUID, str]:
        raise NotImplementedError("the candidates layer reads risk levels")


def _fetch(pairs: list[Pair], exclude: UUID | None, limit: int, after: UUID | None) -> list:
    """Raw SQL: one UNION ALL of per-value subqueries, each an ordered index range scan with its
    own LIMIT. Wrapping each branch as a subquery keeps the LIMIT legal on SQLite as well; raw
    because compiling hundreds of ORM branches cost more than running them."""
    rows: list = []
    for start in range(0, len(pairs), 200):  # keep each statement a sane size
        sql, params = _union_sql(pairs[start : start + 200], exclude, limit, after)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows.extend(cursor.fetchall())
    return [(kind, value, _uuid(cid), display) for kind, value, cid, display in rows]


def _union_sql(
    pairs: list[Pair], exclude: UUID | None, limit: int, after: UUID | None
) -> tuple[str, list]:
    table = connection.ops.quote_name(LinkKey._meta.db_table)
    where, extra = "kind = %s AND value = %s", []
    if exclude is not None:
        where += " AND candidate_id <> %s"
        extra.append(_db_uuid(exclude))
    if after is not None:
        where += " AND candidate_id > %s"
        extra.append(_db_uuid(after))
    # Only the table name, an int and placeholders are interpolated; values are parameters.
    select = "SELECT kind, value, candidate_id, display FROM " + table  # noqa: S608
    order = f" ORDER BY candidate_id LIMIT {int(limit)}) AS h{{i}}"
    branch = "SELECT * FROM (" + select + " WHERE " + where + order  # noqa: S608
    sql = " UNION ALL ".join(branch.format(i=i) for i in range(len(pairs)))
    params: list = []
    for kind, value in pairs:
        params.extend([kind, value, *extra])
    return sql, params


_UUID_FIELD = LinkKey._meta.get_field("candidate").target_field


def _db_uuid(value: UUID):
    return _UUID_FIELD.get_db_prep_value(value, connection)


def _uuid(value) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _count(pair: Pair, exclude: UUID | None) -> int:
    qs = LinkKey.objects.filter(kind=pair[0], value=pair[1])
    if exclude is not None:
        qs = qs.exclude(candidate_id=exclude)
    return qs.values("candidate_id")[:COUNT_CAP].count()
