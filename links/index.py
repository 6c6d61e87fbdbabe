"""The link index: who else holds a normalised value. Backed by the LinkKey table.

`LinkIndex` implements the `checks.base.LinkLookup` protocol the link checks read through, except
`resume_texts`, which reads candidate data: the candidates layer supplies it (a subclass).

Every lookup is an index range scan on LinkKey (kind, value, candidate) with a LIMIT, so its cost
does not grow with the table: a value held by 100 000 candidates costs as much as one held by 60.
Several values are looked up in one UNION ALL query, each branch with its own LIMIT (PostgreSQL
and SQLite alike). Counts stop at COUNT_CAP.

An assessment asks twice at most per step (docs/links.md): `holders_lookup` answers the holders
of all of a candidate's values and which of them are allowlisted in one statement, and
`holders_of_keys` the holders of every value a set of candidates holds (the cluster walk's next
hop), in one statement on PostgreSQL (a LATERAL join per value, each with its LIMIT), three
on SQLite, whose queries are function calls in the same process rather than round trips.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from django.db import connection
from django.db.models import Q

from checks.base import COUNT_CAP, Holders, Pair
from links.models import LinkAllowlist, LinkKey


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

    def holders_lookup(
        self,
        groups: Sequence[tuple[Iterable[Pair], int, bool]],
        *,
        exclude: UUID | None,
        allowlist: Iterable[Pair] = (),
    ) -> tuple[list[Holders], set[Pair]]:
        """Per (pairs, limit, count) group what `holders_many` answers, and which of the
        `allowlist` pairs the allowlist table holds, in one statement. An allowlisted pair is
        left out of the groups' answers (and never counted)."""
        listed = list(dict.fromkeys(allowlist))
        groups = [(list(dict.fromkeys(pairs)), limit, count) for pairs, limit, count in groups]
        branches = list(
            dict.fromkeys((pair, limit + 1) for pairs, limit, _count in groups for pair in pairs)
        )
        found: dict[tuple[Pair, int], list[tuple[UUID, str]]] = {b: [] for b in branches}
        blocked: set[Pair] = set()
        # Statements of a sane size: 200 values each, the allowlist asked in the first.
        chunks = [branches[start : start + 200] for start in range(0, len(branches), 200)]
        for n, chunk in enumerate(chunks or [[]]):
            allowed = listed if n == 0 else []
            if not chunk and not allowed:
                continue
            sql, params = _lookup_sql(chunk, exclude, allowed)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            for kind, value, cid, display, branch in rows:
                if branch < 0:  # an allowlist row
                    blocked.add((kind, value))
                else:
                    found[chunk[branch]].append((_uuid(cid), display))
        answers: list[Holders] = []
        for pairs, limit, count in groups:
            answer: Holders = {}
            for pair in pairs:
                if pair in blocked:
                    continue
                rows = found[(pair, limit + 1)]
                total = len(rows)
                if total > limit and count:
                    total = _count(pair, exclude)
                answer[pair] = (rows[:limit], total)
            answers.append(answer)
        return answers, blocked

    def holders_of_keys(
        self, candidate_ids: Iterable[UUID], kinds: Iterable[str], *, limit: int
    ) -> Holders:
        """The holders (up to `limit`, not counted; the total says `limit + 1` when there are
        more) of every value of `kinds` that the candidates hold, allowlisted values left out:
        `keys_of`, `allowlisted` and `holders_many(exclude=None, count=False)` in one."""
        ids, kinds = list(candidate_ids), list(kinds)
        if not ids or not kinds:
            return {}
        if connection.vendor != "postgresql":
            pairs = {(kind, value) for _c, kind, value, _d in self.keys_of(ids, kinds)}
            pairs -= self.allowlisted(pairs)
            return self.holders_many(pairs, exclude=None, limit=limit, count=False)
        found: dict[Pair, list[tuple[UUID, str]]] = {}
        with connection.cursor() as cursor:
            cursor.execute(*_neighbours_sql(ids, kinds, limit + 1))
            for kind, value, cid, display in cursor.fetchall():
                found.setdefault((kind, value), []).append((_uuid(cid), display))
        return {pair: (rows[:limit], len(rows)) for pair, rows in found.items()}

    def keys_of(
        self, candidate_ids: Iterable[UUID], kinds: Iterable[str] | None = None
    ) -> list[tuple[UUID, str, str, str]]:
        """(candidate, kind, value, display) of the given candidates' keys. Raw SQL on
        PostgreSQL: compiling the ORM's statement cost more CPU than running it (a
        near-duplicate check's verification asks once per assessment)."""
        ids = list(candidate_ids)
        if connection.vendor != "postgresql":
            qs = LinkKey.objects.filter(candidate_id__in=ids)
            if kinds is not None:
                qs = qs.filter(kind__in=list(kinds))
            return list(qs.values_list("candidate_id", "kind", "value", "display"))
        table = connection.ops.quote_name(LinkKey._meta.db_table)
        # Only the table name is interpolated; ids and kinds are parameters.
        sql = f"SELECT candidate_id, kind, value, display FROM {table} WHERE candidate_id = ANY(%s)"  # noqa: S608
        params: list = [[_db_uuid(i) for i in ids]]
        if kinds is not None:
            sql += " AND kind = ANY(%s)"
            params.append([str(k) for k in kinds])
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(_uuid(c), k, v, d) for c, k, v, d in cursor.fetchall()]

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


def _lookup_sql(
    branches: list[tuple[Pair, int]], exclude: UUID | None, allowlist: list[Pair]
) -> tuple[str, list]:
    """`_union_sql` with a LIMIT per branch and its number as a fifth column, plus a branch of
    the allowlist table's rows matching `allowlist`, numbered -1."""
    table = connection.ops.quote_name(LinkKey._meta.db_table)
    where, extra = "kind = %s AND value = %s", []
    if exclude is not None:
        where += " AND candidate_id <> %s"
        extra.append(_db_uuid(exclude))
    # Only table names and ints are interpolated; values are parameters.
    select = "SELECT kind, value, candidate_id, display FROM " + table  # noqa: S608
    parts, params = [], []
    for i, ((kind, value), limit) in enumerate(branches):
        parts.append(
            f"SELECT h{i}.*, {i} FROM ({select} WHERE {where} "  # noqa: S608
            f"ORDER BY candidate_id LIMIT {int(limit)}) AS h{i}"
        )
        params.extend([kind, value, *extra])
    if allowlist:
        # NULL candidate and display: PostgreSQL types them from the branches before this one.
        allowed = connection.ops.quote_name(LinkAllowlist._meta.db_table)
        match = " OR ".join(["(kind = %s AND value = %s)"] * len(allowlist))
        parts.append(f"SELECT kind, value, NULL, NULL, -1 FROM {allowed} WHERE {match}")  # noqa: S608
        params.extend(x for pair in allowlist for x in pair)
    return " UNION ALL ".join(parts), params


def _neighbours_sql(ids: list[UUID], kinds: list[str], limit: int) -> tuple[str, list]:
    """PostgreSQL: the candidates' distinct values of `kinds` (their candidate_id index), each
    joined LATERAL to its first `limit` holders (an index-only range scan of
    linkkey_holders_cover per value), allowlisted values dropped by an anti-join."""
    table = connection.ops.quote_name(LinkKey._meta.db_table)
    allowed = connection.ops.quote_name(LinkAllowlist._meta.db_table)
    id_marks, kind_marks = ", ".join(["%s"] * len(ids)), ", ".join(["%s"] * len(kinds))
    # Only table names and an int are interpolated; ids and kinds are parameters.
    sql = (
        f"SELECT k.kind, k.value, h.candidate_id, h.display FROM "  # noqa: S608
        f"(SELECT DISTINCT kind, value FROM {table} "
        f"WHERE candidate_id IN ({id_marks}) AND kind IN ({kind_marks})) AS k "
        f"CROSS JOIN LATERAL (SELECT candidate_id, display FROM {table} AS x "
        f"WHERE x.kind = k.kind AND x.value = k.value "
        f"ORDER BY x.candidate_id LIMIT {int(limit)}) AS h "
        f"WHERE NOT EXISTS (SELECT 1 FROM {allowed} AS a "
        f"WHERE a.kind = k.kind AND a.value = k.value)"
    )
    return sql, [*(_db_uuid(i) for i in ids), *kinds]


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
