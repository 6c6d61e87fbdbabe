"""Loading a candidate into the read-only `Subject` the checks see: one query, two when the
candidate names a vendor, whatever it holds.

The candidate's row comes with its sessions, documents, observations, contact changes and link
keys aggregated as JSON by correlated subqueries in the same statement (PostgreSQL `json_agg`,
SQLite `json_group_array`), so an assessment pays one round trip for them, not one per
relation, and builds no model instance for a child row. `subjects_load` does the same for
many candidates at once (the rules simulation's re-run, a chunk at a time).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import UUID

from django.db import connection
from django.db.models import Count, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from candidates.models import Candidate, ContactChange, Document, Observation, Session
from checks.base import (
    ContactChangeFacts,
    DocumentFacts,
    ObservationFacts,
    SessionFacts,
    Subject,
)
from links.models import LinkKey

FLAGGED_LEVELS = ("high", "critical")

# The candidate's own columns a subject reads (resume_file__metadata through its one join).
_COLUMNS = (
    "id",
    "client_id",
    "full_name",
    "email",
    "phone",
    "date_of_birth",
    "nationality",
    "claimed_location",
    "home_address",
    "shipping_address",
    "payout_account_holder",
    "payout_bank_country",
    "payout_iban_country",
    "payout_routing_number",
    "payout_account_key",
    "payout_account_last4",
    "payout_iban_last4",
    "has_payout",
    "resume_text",
    "photo_id",
    "stage",
    "vendor",
    "vendor_key",
    "payout_method",
    "referred_by",
    "references",
    "resume_file__metadata",
    "risk_level",
)

# Per relation: its model and the columns each row brings as a JSON array, the sort key last
# (rows are put in the model's order here, not by the aggregate: SQLite before 3.44 cannot order
# one). ("json", c): a JSON column, which SQLite stores as text; ("present", c): a JSON value
# that is neither SQL NULL nor JSON null.
_RELATIONS: dict[str, tuple[type, tuple]] = {
    "sessions": (
        Session,
        ("ip", "seen_at", "kind", "user_agent", "timezone", "utc_offset_minutes", "id"),
    ),
    "documents": (
        Document,
        (
            "kind",
            "issuing_country",
            "number_key",
            "number_last4",
            "expires_on",
            "mrz",
            ("json", "mrz_facts"),
            "image_id",
            "created_at",
            "id",
        ),
    ),
    "observations": (Observation, ("code", "note", "created_at", "id")),
    "contact_changes": (ContactChange, ("field", "changed_at", "stage", ("present", "old"), "id")),
    "link_keys": (LinkKey, ("kind", "value", "display", "id")),
}
_SQL = {
    "postgresql": {
        "rows": "json_agg(json_build_array({}))::text",
        "json": "{}",
        "present": "({0} IS NOT NULL AND jsonb_typeof({0}) <> 'null')",
    },
    "sqlite": {
        "rows": "json_group_array(json_array({}))",
        "json": "json({})",
        "present": "({0} IS NOT NULL AND json_type({0}) <> 'null')",
    },
}


# The candidate's columns its link keys are derived from that no check reads
# (candidates.linking.link_facts).
_KEY_COLUMNS = (
    "claimed_country",
    "external_id",
    "payout_account_email_key",
    "payout_account_email_last4",
    "payout_wallet_key",
    "payout_wallet_last4",
)


def subject_load(*, candidate_id: UUID) -> Subject | None:
    row = subject_row(candidate_id=candidate_id)
    return None if row is None else subject_from_row(row)


# What the checks that read other candidates (`Check.reads_links`) read beyond the candidate's
# own columns: a link-only refresh loads just these relations, and no vendor record.
LINK_RELATIONS = ("link_keys",)


def subject_load_with(
    *,
    candidate_id: UUID,
    relations: Collection[str] = tuple(_RELATIONS),
    vendor: bool = True,
    extra: Callable[[int], Mapping[str, Any]] | None = None,
    arg: int = 0,
    prepared: str = "",
) -> tuple[Subject, dict[str, Any]] | None:
    """The subject, and the values of the annotations `extra(arg)` in the same statement. Of
    the relations only `relations` are read (the others come empty, link keys as None: not
    loaded); with `vendor=False` no vendor record (one query fewer when the candidate names a
    vendor). For a caller that runs only some checks and knows what they read.

    `prepared` names the statement: it is then compiled once per process (and database) with
    stand-ins for the candidate and `arg`, and run with theirs in their place. Compiling the
    ORM query is most of its CPU (1.2 ms of 1.3 here); its text depends on nothing else."""
    names = [name for name in _RELATIONS if name in relations]

    def query(pk: UUID, value: int):
        annotations = dict(extra(value)) if extra else {}
        return (
            Candidate.objects.filter(pk=pk)
            .annotate(**{f"_{name}": _aggregated(name) for name in names}, **annotations)
            .values(*_COLUMNS, *(f"_{name}" for name in names), *annotations)
            .order_by("pk")[:1]
        )

    if prepared:
        row = _Prepared.get(prepared, lambda: query(_STAND_IN_ID, _STAND_IN_ARG)).first(
            candidate_id, arg
        )
    else:
        row = next(iter(query(candidate_id, arg)), None)
    if row is None:
        return None
    record = (
        _vendor_record(
            client_id=row["client_id"], vendor_key=row["vendor_key"], risk_level=row["risk_level"]
        )
        if vendor
        else None
    )
    wanted = _COLUMNS_SET.union(f"_{name}" for name in names)
    return _subject(row, vendor_record=record), {k: v for k, v in row.items() if k not in wanted}


_COLUMNS_SET = frozenset(_COLUMNS)
_STAND_IN_ID = UUID("00000000-0000-4000-8000-00000000c0de")
_STAND_IN_ARG = 2_000_000_011  # an int4 no seq reaches (a negative one the ORM folds away)


class _Prepared:
    """A `values()` query compiled once, with its stand-in values' places in the parameters
    found (the candidate's id, and `arg` where the query has one), and run as raw SQL with the
    ORM's own converters applied to its row."""

    _made: ClassVar[dict[tuple[str, str], _Prepared]] = {}

    def __init__(self, queryset) -> None:
        query = queryset.query
        compiler = query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())
        stand_in_id = Candidate._meta.pk.get_db_prep_value(_STAND_IN_ID, connection)
        self.params = list(params)
        self.slots = {
            n: "id" if p == stand_in_id else "arg"
            for n, p in enumerate(params)
            if p in (stand_in_id, _STAND_IN_ARG)
        }
        # Each in one place (the id always), or do not cache.
        if sorted(self.slots.values()) not in (["arg", "id"], ["id"]):
            raise ValueError(f"cannot prepare {self.sql!r}: stand-ins at {self.slots}")

    @classmethod
    def get(cls, name: str, build: Callable[[], Any]) -> _Prepared:
        key = (name, connection.vendor)
        if key not in cls._made:
            cls._made[key] = cls(build())
        return cls._made[key]

    def first(self, candidate_id: UUID, arg: int = 0) -> dict[str, Any] | None:
        values = {"id": Candidate._meta.pk.get_db_prep_value(candidate_id, connection), "arg": arg}
        params = list(self.params)
        for n, slot in self.slots.items():
            params[n] = values[slot]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for pos, (convs, expression) in self.converters:
            for convert in convs:
                row[pos] = convert(row[pos], expression, connection)
        return dict(zip(self.names, row, strict=True))


def subject_row(*, candidate_id: UUID) -> dict[str, Any] | None:
    """The candidate's row as `subject_load` reads it (one statement), with the columns its link
    keys are derived from: the assessment's key step reads it once for both. Every full run
    reads it, so the statement is compiled once per process (`_Prepared`)."""
    return _Prepared.get("subject_row", lambda: _row_query(_STAND_IN_ID)).first(candidate_id)


def _row_query(candidate_id: UUID):
    return (
        Candidate.objects.filter(pk=candidate_id)
        .annotate(**{f"_{name}": _aggregated(name) for name in _RELATIONS})
        .values(*_COLUMNS, *_KEY_COLUMNS, *(f"_{name}" for name in _RELATIONS))
        .order_by("pk")[:1]
    )


def subject_from_row(
    row: Mapping[str, Any], *, link_keys: tuple[tuple[str, str, str], ...] | None = None
) -> Subject:
    """The subject of a `subject_row` (plus its vendor record: one more query when it names a
    vendor); `link_keys`: the keys as the key step just wrote them, instead of those read."""
    record = _vendor_record(
        client_id=row["client_id"], vendor_key=row["vendor_key"], risk_level=row["risk_level"]
    )
    subject = _subject(row, vendor_record=record)
    return subject if link_keys is None else replace(subject, link_keys=link_keys)


def subject_link_keys(row: Mapping[str, Any]) -> dict[tuple[str, str, str], int]:
    """A `subject_row`'s stored link keys: (kind, value, display) -> the row's id."""
    return {(k, v, d): pk for k, v, d, pk in _rows(row["_link_keys"])}


def subjects_load(*, candidate_ids: list[UUID]) -> dict[UUID, Subject]:
    """Many candidates' subjects in the one statement `subject_load` uses, without their vendor
    record (for the rules simulation's re-run of checks, which reads no vendor history)."""
    rows = (
        Candidate.objects.filter(pk__in=candidate_ids)
        .annotate(**{f"_{name}": _aggregated(name) for name in _RELATIONS})
        .values(*_COLUMNS, *(f"_{name}" for name in _RELATIONS))
    )
    return {row["id"]: _subject(row, vendor_record=None) for row in rows}


def _aggregated(relation: str) -> RawSQL:
    """(SELECT <the rows as one JSON array> FROM <relation> WHERE candidate_id = <outer>.id):
    one index scan on the relation's candidate column, in the candidate's own statement."""
    model, columns = _RELATIONS[relation]
    return json_rows(model, columns, key="candidate_id", outer="id")


def json_rows(
    model: type,
    columns: tuple,
    *,
    key: str,
    outer: str,
    exclude: tuple[str, Collection[str]] | None = None,
) -> RawSQL:
    """An annotation of a Candidate query: the rows of `model` whose `key` column equals the
    candidate's `outer` column, as one JSON array of arrays of `columns` (NULL when there are
    none), less those whose `exclude[0]` column is one of `exclude[1]`."""
    sql = _SQL[connection.vendor]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    parts = [
        sql[c[0]].format(f"{table}.{quote(c[1])}")
        if isinstance(c, tuple)
        else f"{table}.{quote(c)}"
        for c in columns
    ]
    where, params = f"{table}.{quote(key)} = {quote(Candidate._meta.db_table)}.{quote(outer)}", []
    if exclude is not None and exclude[1]:
        params = list(exclude[1])
        marks = ", ".join(["%s"] * len(params))
        where += f" AND {table}.{quote(exclude[0])} NOT IN ({marks})"
    # Only model metadata is interpolated: values are parameters.
    query = f"(SELECT {sql['rows'].format(', '.join(parts))} FROM {table} WHERE {where})"  # noqa: S608
    return RawSQL(query, params, output_field=TextField())  # noqa: S611  (values are parameters)


def vendor_record(candidate: Candidate) -> tuple[int, int] | None:
    return _vendor_record(
        client_id=candidate.client_id,
        vendor_key=candidate.vendor_key,
        risk_level=candidate.risk_level,
    )


def _vendor_record(*, client_id: UUID, vendor_key: str, risk_level: str) -> tuple[int, int] | None:
    """The vendor's other assessed candidates of the same client, and how many are high or
    critical: counts per level straight off `cand_client_vendor` (an index-only scan; the
    candidate's own level is taken off afterwards rather than filtered, which would need the
    table), never a row per candidate."""
    if not vendor_key:
        return None
    levels = dict(
        Candidate.objects.filter(client_id=client_id, vendor_key=vendor_key)
        .exclude(risk_level="")
        .values_list("risk_level")
        .annotate(n=Count("*"))
        .order_by()
    )
    assessed = sum(levels.values())
    flagged = sum(levels.get(level, 0) for level in FLAGGED_LEVELS)
    if risk_level:  # the candidate itself, as last assessed
        assessed -= 1
        flagged -= risk_level in FLAGGED_LEVELS
    return max(assessed, 0), max(flagged, 0)


def _subject(row: Mapping[str, Any], *, vendor_record: tuple[int, int] | None) -> Subject:
    """The subject from `subject_load`'s row: the same values as one built from the model
    instances of the candidate (tests/test_subject_load.py compares the two)."""
    sessions = sorted(_rows(row.get("_sessions")), key=lambda r: (_when(r[1]), r[6]))
    documents = sorted(_rows(row.get("_documents")), key=lambda r: (_when(r[8]), UUID(r[9])))
    observations = sorted(_rows(row.get("_observations")), key=lambda r: (_when(r[2]), r[3]))
    changes = sorted(_rows(row.get("_contact_changes")), key=lambda r: (_when(r[1]), r[4]))
    return Subject(
        id=row["id"],
        full_name=row["full_name"],
        now=timezone.now(),
        email=row["email"],
        phone=row["phone"],
        date_of_birth=row["date_of_birth"],
        nationality=row["nationality"],
        claimed_location=row["claimed_location"] or {},
        home_address=row["home_address"] or {},
        shipping_address=row["shipping_address"] or {},
        payout_account_holder=row["payout_account_holder"],
        payout_bank_country=row["payout_bank_country"],
        payout_iban_country=row["payout_iban_country"],
        payout_routing_number=row["payout_routing_number"],
        payout_account_key=row["payout_account_key"],
        payout_account_last4=row["payout_account_last4"] or row["payout_iban_last4"],
        has_payout=row["has_payout"],
        sessions=tuple(
            SessionFacts(
                ip=ip,
                seen_at=_when(seen_at),
                kind=kind,
                user_agent=user_agent,
                timezone=tz,
                utc_offset_minutes=offset,
            )
            for ip, seen_at, kind, user_agent, tz, offset, _id in sessions
        ),
        documents=tuple(
            DocumentFacts(
                kind=kind,
                issuing_country=country,
                number_key=number_key,
                number_last4=last4,
                expires_on=date.fromisoformat(expires) if expires else None,
                mrz=mrz,
                mrz_facts=facts or {},
                image_id=UUID(image_id) if image_id else None,
            )
            for kind, country, number_key, last4, expires, mrz, facts, image_id, _at, _id in (
                documents
            )
        ),
        observations=tuple(
            ObservationFacts(code=code, note=note, created_at=_when(at))
            for code, note, at, _id in observations
        ),
        resume_text=row["resume_text"],
        photo_id=row["photo_id"],
        stage=row["stage"],
        vendor=row["vendor"],
        payout_method=row["payout_method"],
        referred_by=row["referred_by"] or {},
        references=tuple(row["references"] or ()),
        resume_metadata=row["resume_file__metadata"] or {},
        vendor_record=vendor_record,
        contact_changes=tuple(
            ContactChangeFacts(field=f, changed_at=_when(at), stage=stage, replaced=bool(replaced))
            for f, at, stage, replaced, _id in changes
        ),
        link_keys=(
            tuple((k, v, d) for k, v, d, _id in _rows(row["_link_keys"]))
            if "_link_keys" in row
            else None
        ),
    )


def subject_rows(row: Mapping[str, Any], relation: str) -> list[list]:
    """A `subject_row`'s rows of one relation, each a list in `_RELATIONS`' column order."""
    return _rows(row[f"_{relation}"])


def _rows(aggregated: str | None) -> list[list]:
    return json.loads(aggregated) if aggregated else []  # no rows: NULL on PostgreSQL


def _when(value: str) -> datetime:
    """A timestamp as JSON gives it: ISO 8601 with its offset from PostgreSQL, naive UTC text
    from SQLite (how Django stores it there)."""
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
