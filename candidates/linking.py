"""The candidates side of link detection: hands the links layer plain facts about a candidate,
opens its images, reads resume texts for the resume check, and reassesses what links asks for.

A write derives no keys: the worker's first step of a full assessment
(`candidate_keys_sync`) fingerprints the images that have no keys yet, then writes the
candidate's keys that changed under its row lock, so a request never pays for decoding or for
the link index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any, BinaryIO, NamedTuple
from uuid import UUID

from django.db import connection, transaction

from candidates.models import Candidate, Document, Image
from candidates.subject import subject_from_row, subject_link_keys, subject_row, subject_rows
from checks.base import Subject
from links.index import LinkIndex
from links.keys import DocumentKeyFacts, Key, LinkFacts, candidate_keys, image_keys
from links.sync import link_keys_write


class CandidateLinkIndex(LinkIndex):
    """The link index plus the one lookup that reads candidate data (resume texts)."""

    def resume_texts(self, candidate_ids: Iterable[UUID]) -> dict[UUID, str]:
        return _column_of(candidate_ids, "resume_text")

    def risk_levels(self, candidate_ids: Iterable[UUID]) -> dict[UUID, str]:
        return _column_of(candidate_ids, "risk_level")


def _column_of(candidate_ids: Iterable[UUID], column: str) -> dict[UUID, str]:
    """{candidate: its `column`}. Raw SQL on PostgreSQL: compiling the ORM's statement cost
    more CPU than running it, in a link check that asks once per assessment."""
    ids = list(candidate_ids)
    if connection.vendor != "postgresql":
        return dict(Candidate.objects.filter(pk__in=ids).values_list("id", column))
    quote = connection.ops.quote_name
    table, pk = quote(Candidate._meta.db_table), Candidate._meta.pk
    # Only the table's and a column's names are interpolated; the ids are a parameter.
    sql = f"SELECT id, {quote(column)} FROM {table} WHERE id = ANY(%s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [[pk.get_db_prep_value(i, connection) for i in ids]])
        return {c if isinstance(c, UUID) else UUID(str(c)): value for c, value in cursor.fetchall()}


class KeysSynced(NamedTuple):
    subject: Subject | None  # None: the candidate was erased
    changed: list[Key]  # the keys removed and added, for `link_keys_holders` after commit
    client_id: UUID | None


def candidate_keys_sync(*, candidate_id: UUID) -> KeysSynced:
    """Bring all the candidate's link keys in step with its data, and return its subject with
    those keys: one read serves both (`subject_row`). Its images that have no keys yet are
    fingerprinted before any transaction (decoding is slow); keys are written only if they
    changed, in one short transaction under the candidate's row lock (which erasure takes too).

    The read takes no lock: a write changing the candidate after it requests another
    assessment, whose key step keys what the candidate then has; and no other run of the
    candidate writes its keys meanwhile (`assessment_claim`)."""
    row = subject_row(candidate_id=candidate_id)
    if row is None:
        return KeysSynced(None, [], None)
    facts = link_facts(row)
    stored = subject_link_keys(row)
    fresh = image_keys(facts, stored, open_image=image_open)  # decodes only unkeyed images
    wanted = candidate_keys(facts, [*stored, *fresh])
    if wanted == set(stored):
        return KeysSynced(subject_from_row(row), [], row["client_id"])
    with transaction.atomic():
        if not Candidate.objects.select_for_update(of=("self",)).filter(pk=candidate_id):
            return KeysSynced(None, [], None)  # erased meanwhile
        changed = link_keys_write(candidate_id=candidate_id, existing=stored, wanted=wanted)
    return KeysSynced(
        subject_from_row(row, link_keys=tuple(sorted(wanted))), changed, row["client_id"]
    )


_DOCUMENT_LABELS = {
    kind: "document" if kind == Document.Kind.OTHER else str(label).lower()
    for kind, label in Document.Kind.choices
}


def link_facts(row: Mapping[str, Any]) -> LinkFacts:
    """What the candidate's link keys are derived from, off its `subject_row`."""
    referred_by = row["referred_by"] or {}
    metadata = row["resume_file__metadata"] or {}
    documents = [(d[0], d[2], d[3], d[7]) for d in subject_rows(row, "documents")]
    return LinkFacts(
        phone=row["phone"],
        email=row["email"],
        claimed_country=row["claimed_country"],
        addresses=tuple(a for a in (row["home_address"], row["shipping_address"]) if a),
        payout_account_key=row["payout_account_key"],
        payout_last4=row["payout_account_last4"] or row["payout_iban_last4"],
        session_ips=tuple(s[0] for s in subject_rows(row, "sessions")),
        documents=tuple(
            DocumentKeyFacts(
                label=_DOCUMENT_LABELS.get(kind, kind),
                number_key=number_key,
                number_last4=last4,
                image_id=UUID(image_id) if image_id else None,
            )
            for kind, number_key, last4, image_id in documents
        ),
        photo_id=row["photo_id"],
        resume_text=row["resume_text"],
        full_name=row["full_name"],
        payout_holder=row["payout_account_holder"],
        payout_email_key=row["payout_account_email_key"],
        payout_email_last4=row["payout_account_email_last4"],
        payout_wallet_key=row["payout_wallet_key"],
        payout_wallet_last4=row["payout_wallet_last4"],
        references=tuple(r for r in (row["references"] or []) if isinstance(r, dict)),
        client_id=str(row["client_id"]),
        external_id=row["external_id"],
        referred_by_external_id=str(referred_by.get("external_id") or ""),
        resume_authors=tuple(str(metadata.get(k) or "") for k in ("author", "last_modified_by")),
    )


def image_open(image_id: UUID) -> AbstractContextManager[BinaryIO]:
    """A stored image's file, for fingerprinting; OSError when it is gone."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        raise FileNotFoundError(image_id)
    return image.file.open("rb")
