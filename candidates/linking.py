"""The candidates side of link detection: hands the links layer plain facts about a candidate,
opens its images, reads resume texts for the resume check, and reassesses what links asks for.

A write derives no keys: the worker's first step of a full assessment
(`candidate_keys_sync`) fingerprints the images that have no keys yet, then writes all the
candidate's keys under its row lock, so a request never pays for decoding or for the link index.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import BinaryIO
from uuid import UUID

from django.db import connection, transaction

from candidates.models import Candidate, Document, Image
from checks.links.kinds import LinkKind
from links.index import LinkIndex
from links.keys import DocumentKeyFacts, Key, LinkFacts, image_keys
from links.models import LinkKey
from links.sync import link_keys_apply, link_keys_sync


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


_IMAGE_KINDS = [k.value for k in LinkKind if k.startswith(("photo_", "document_image_"))]


def candidate_links_sync(*, candidate: Candidate) -> list[UUID]:
    """Recompute the candidate's link keys without decoding images (the keys of images it keeps
    stay, those of images it dropped go, a new image's come from `candidate_keys_sync`); the
    other holders of its old and new values. For tests and tools: the pipeline keys in the
    worker (`candidate_keys_sync`)."""
    return link_keys_sync(candidate_id=candidate.pk, facts=link_facts(candidate))


def candidate_keys_sync(*, candidate_id: UUID) -> list[Key]:
    """Bring all the candidate's link keys in step with its data: fingerprint its images that
    have no keys yet (before any transaction: decoding is slow), then write every key in one
    short transaction under the candidate's row lock. Returns the keys added and removed, for
    `link_keys_holders` once this has committed."""
    photo_id = Candidate.objects.filter(pk=candidate_id).values_list("photo_id", flat=True)
    document_images = Document.objects.filter(candidate_id=candidate_id, image__isnull=False)
    facts = LinkFacts(  # only what image keys are derived from: two small queries
        photo_id=photo_id.first(),
        documents=tuple(
            DocumentKeyFacts(label="", number_key="", number_last4="", image_id=image_id)
            for image_id in document_images.values_list("image_id", flat=True)
        ),
    )
    fresh: set[Key] = set()
    if facts.photo_id or facts.documents:
        existing = set(_image_keys_stored(candidate_id))
        fresh = image_keys(facts, existing, open_image=image_open)
    with transaction.atomic():
        # A write changing the candidate meanwhile is either before (its facts are read here)
        # or after (it requests another assessment, whose first step keys what it then has).
        locked = Candidate.objects.select_for_update(of=("self",)).filter(pk=candidate_id).first()
        if locked is None:
            return []
        return link_keys_apply(
            candidate_id=candidate_id, facts=link_facts(locked), fingerprints=fresh
        )


def _image_keys_stored(candidate_id: UUID) -> list[Key]:
    return list(
        LinkKey.objects.filter(candidate_id=candidate_id, kind__in=_IMAGE_KINDS).values_list(
            "kind", "value", "display"
        )
    )


def link_facts(c: Candidate) -> LinkFacts:
    documents = list(c.documents.all())
    return LinkFacts(
        phone=c.phone,
        email=c.email,
        claimed_country=c.claimed_country,
        addresses=tuple(a for a in (c.home_address, c.shipping_address) if a),
        payout_account_key=c.payout_account_key,
        payout_last4=c.payout_account_last4 or c.payout_iban_last4,
        session_ips=tuple(c.sessions.values_list("ip", flat=True)),
        documents=tuple(
            DocumentKeyFacts(
                label=d.get_kind_display().lower() if d.kind != "other" else "document",
                number_key=d.number_key,
                number_last4=d.number_last4,
                image_id=d.image_id,
            )
            for d in documents
        ),
        photo_id=c.photo_id,
        resume_text=c.resume_text,
        **_v11_facts(c),
    )


def _v11_facts(c: Candidate) -> dict:
    metadata = c.resume_file.metadata if c.resume_file_id and c.resume_file else {}
    return {
        "full_name": c.full_name,
        "payout_holder": c.payout_account_holder,
        "payout_email_key": c.payout_account_email_key,
        "payout_email_last4": c.payout_account_email_last4,
        "payout_wallet_key": c.payout_wallet_key,
        "payout_wallet_last4": c.payout_wallet_last4,
        "references": tuple(r for r in (c.references or []) if isinstance(r, dict)),
        "client_id": str(c.client_id),
        "external_id": c.external_id,
        "referred_by_external_id": str((c.referred_by or {}).get("external_id") or ""),
        "resume_authors": tuple(str(metadata.get(k) or "") for k in ("author", "last_modified_by")),
    }


def image_open(image_id: UUID) -> AbstractContextManager[BinaryIO]:
    """A stored image's file, for fingerprinting; OSError when it is gone."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        raise FileNotFoundError(image_id)
    return image.file.open("rb")
