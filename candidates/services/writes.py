"""The HR-facing API's writes: upsert, batch, sessions, reassess, erase.

Each runs in one transaction, writes an audit event and requests the candidate's own
assessment. Link keys are not derived here and images not decoded: the worker's first step of
the assessment keys the candidate and reassesses the other holders of the values that changed
(candidates.pipeline). Erasure drops the keys here, since they go with the candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from candidates import hooks, pipeline
from candidates.crypto import document_number_key, payout_account_key, payout_handle_key
from candidates.images import (
    DecodedImage,
    image_delete,
    image_store,
    images_removed_on_error,
)
from candidates.locks import (
    candidates_lock_by_external_id,
    linked_lock,
    linked_reassess_after_commit,
    lock_timeout_set,
)
from candidates.models import (
    ApiClient,
    Assessment,
    Candidate,
    Document,
    IdempotencyRecord,
    Session,
    Tombstone,
)
from candidates.resumes import DecodedResume, resume_delete, resume_store
from candidates.services.history import (
    PAYOUT_COLUMNS,
    contact_changes_record,
    contact_snapshot,
)
from candidates.services.reviews import audit_record, audit_redact_free_text
from candidates.storage_cleanup import erasure_cleanup_record, erasure_cleanup_retrigger
from checks.countries import claimed_country, iban_country
from checks.identifiers import last4
from checks.mrz import mrz_ingest
from checks.names import normalise_text
from links.sync import link_keys_erase

MAX_SESSIONS_PER_CANDIDATE = 1000
MAX_DOCUMENTS_PER_CANDIDATE = 20
_SCALARS = (
    "full_name",
    "email",
    "phone",
    "date_of_birth",
    "nationality",
    "resume_text",
    "profiles",
    "claimed_location",
    "home_address",
    "shipping_address",
    "stage",
    "vendor",
    "referred_by",
    "references",
)
_BLANK_IF_NULL = {"email", "phone", "nationality", "resume_text", "stage", "vendor"}


class CandidateInvalid(ValueError):
    """A write refused for a reason the shape could not know; `fields` are dotted paths."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True, slots=True)
class UpsertResult:
    candidate: Candidate
    created: bool
    changed: bool


def candidate_upsert(
    *, client: ApiClient, data: dict[str, Any], request_id: str = "", via: str = "upsert"
) -> UpsertResult:
    """Create or merge-update the client's candidate `data["external_id"]`.

    Merge: an omitted field is unchanged, `None` clears it; objects (locations, addresses, payout)
    are replaced whole; sessions are appended and de-duplicated on (ip, seen_at, kind); documents
    are upserted by number key. Only a real change syncs link keys and queues reassessments.
    """
    with images_removed_on_error(), transaction.atomic():
        lock_timeout_set()
        candidate, created = _candidate_lock_or_create(client=client, data=data)
        new_sessions = _sessions_new(candidate=candidate, sessions=data.get("sessions") or [])
        before = None if created else contact_snapshot(candidate)
        own_changed = _candidate_apply(candidate=candidate, data=data)
        if created or own_changed:
            candidate.save()
        if before is not None and own_changed:
            contact_changes_record(
                candidate=candidate, before=before, via=via, client=client, request_id=request_id
            )
        Session.objects.bulk_create(new_sessions)
        sessions_changed = bool(new_sessions)
        children_changed = _documents_apply(candidate=candidate, data=data) or sessions_changed
        if children_changed and not (created or own_changed):
            candidate.save(update_fields=["updated_at"])
        changed = own_changed or children_changed
        if created or changed:
            audit_record(
                action="candidate.created" if created else "candidate.updated",
                candidate_id=candidate.pk,
                client=client,
                request_id=request_id,
                detail={"fields": sorted(k for k in data if k != "external_id")},
            )
            _reassess_with_links(candidate=candidate, trigger=Assessment.Trigger.UPSERT)
    return UpsertResult(candidate=candidate, created=created, changed=created or changed)


def candidates_batch_upsert(
    *, client: ApiClient, items: list[tuple[int, dict[str, Any]]], request_id: str = ""
) -> dict[int, UpsertResult | CandidateInvalid]:
    """Upsert each (index, data) in order, each in its own savepoint: one failure blocks none."""
    results: dict[int, UpsertResult | CandidateInvalid] = {}
    with transaction.atomic():
        candidates_lock_by_external_id(
            client=client,
            external_ids=(data.get("external_id") for _, data in items if isinstance(data, dict)),
        )
        for index, data in items:
            try:
                results[index] = candidate_upsert(
                    client=client, data=data, request_id=request_id, via="batch"
                )
            except CandidateInvalid as exc:
                results[index] = exc
    return results


@transaction.atomic
def sessions_append(
    *,
    candidate: Candidate,
    sessions: list[dict[str, Any]],
    client: ApiClient | None = None,
    request_id: str = "",
) -> int:
    """Append new sightings; returns how many were new (0 queues nothing)."""
    lock_timeout_set()
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    before = candidate.sessions.count()
    if not _sessions_add(candidate=candidate, sessions=sessions):
        return 0
    added = candidate.sessions.count() - before
    candidate.save(update_fields=["updated_at"])
    audit_record(
        action="candidate.sessions_appended",
        candidate_id=candidate.pk,
        client=client,
        detail={"added": added},
        request_id=request_id,
    )
    _reassess_with_links(candidate=candidate, trigger=Assessment.Trigger.SESSIONS)
    return added


@transaction.atomic
def candidate_reassess(
    *, candidate: Candidate, client: ApiClient | None = None, user=None, request_id: str = ""
) -> Assessment:
    audit_record(
        action="candidate.reassess_requested",
        candidate_id=candidate.pk,
        user=user,
        client=client,
        request_id=request_id,
    )
    return pipeline.assessment_request(candidate=candidate, trigger=Assessment.Trigger.MANUAL)


@transaction.atomic
def candidate_erase(*, client: ApiClient, candidate_id: UUID, request_id: str = "") -> bool:
    """Erase the client's candidate; True if it existed or was already erased (a tombstone).

    Personal data, images, link keys, assessments with their signals and the stored idempotent
    responses about it go; a Tombstone and an audit event stay. Files go by a durable job written
    here (candidates.storage_cleanup); a repeated erasure queues it again while it is pending.
    The candidates it was linked to are reassessed (one hop, capped).
    """
    lock_timeout_set()
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .filter(pk=candidate_id, client=client)
        .select_related("photo")
        .first()
    )
    if candidate is None:
        if not Tombstone.objects.filter(pk=candidate_id, client=client).exists():
            return False
        erasure_cleanup_retrigger(candidate_id=candidate_id)  # files still pending: again
        return True
    linked = [pk for pk in link_keys_erase(candidate_id=candidate.pk) if pk != candidate.pk]
    images = [candidate.photo] + [d.image for d in candidate.documents.select_related("image")]
    resume = candidate.resume_file
    IdempotencyRecord.objects.filter(
        Q(response_body__id=str(candidate.pk)) | Q(response_body__candidate_id=str(candidate.pk)),
        client=client,
    ).delete()
    candidate.delete()
    files = [image_delete(image=i, client_id=client.pk, keep_file=True) for i in images]
    files.append(resume_delete(resume=resume, keep_file=True))
    erasure_cleanup_record(candidate_id=candidate_id, files=files)  # a durable, retried job
    Tombstone.objects.create(id=candidate_id, client=client)
    audit_redact_free_text(candidate_id=candidate_id)
    _notify_erased(
        candidate_id=candidate_id, client_id=client.pk, external_id=candidate.external_id
    )
    audit_record(
        action="candidate.erased",
        candidate_id=candidate_id,
        client=client,
        request_id=request_id,
        detail={"linked_reassessed": len(linked)},
    )
    free, busy = linked_lock(candidate_ids=linked[: settings.VETTING_LINK_REASSESS_CAP])
    pipeline.assessment_request_many(
        candidate_ids=free, trigger=Assessment.Trigger.LINK, scope=Assessment.Scope.LINKS
    )
    linked_reassess_after_commit(candidate_ids=busy, changed=candidate_id)
    return True


def _notify_erased(*, candidate_id: UUID, client_id: UUID, external_id: str) -> None:
    """In the erasure's transaction: the candidate's events go and the ids-only event comes
    with it, or neither does."""
    hooks.candidate_erased(candidate_id=candidate_id, client_id=client_id, external_id=external_id)


def _reassess_with_links(*, candidate: Candidate, trigger: str) -> None:
    """The candidate's own assessment only: its first step, in the worker, keys the candidate
    and reassesses the holders of the values that changed (candidates.pipeline)."""
    pipeline.assessment_request(candidate=candidate, trigger=trigger)


def _candidate_lock_or_create(*, client: ApiClient, data: dict[str, Any]) -> tuple[Candidate, bool]:
    external_id = data["external_id"]
    existing = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("photo")
        .filter(client=client, external_id=external_id)
        .first()
    )
    if existing is not None:
        return existing, False
    if not data.get("full_name"):
        raise CandidateInvalid({"full_name": ["This field is required to create a candidate."]})
    try:
        with transaction.atomic():  # a concurrent create of the same external_id loses here
            return Candidate.objects.create(
                client=client, external_id=external_id, full_name=data["full_name"]
            ), True
    except IntegrityError:
        return Candidate.objects.select_for_update().get(
            client=client, external_id=external_id
        ), False


def _candidate_apply(*, candidate: Candidate, data: dict[str, Any]) -> bool:
    """Set the scalar, object, payout and photo fields in memory; True if anything differs."""
    changed = False
    for name in _SCALARS:
        if name not in data:
            continue
        value = data[name]
        if value is None and name in _BLANK_IF_NULL:
            value = ""
        if name in ("claimed_location", "home_address", "shipping_address") and value:
            value = {k: v for k, v in value.items() if v is not None}
        if getattr(candidate, name) != value:
            setattr(candidate, name, value)
            changed = True
    candidate.claimed_country = claimed_country(candidate.claimed_location, candidate.home_address)[
        :2
    ]
    candidate.vendor_key = normalise_text(candidate.vendor)[:200]
    if "payout" in data:
        changed |= _payout_apply(candidate=candidate, payout=data["payout"])
    if "photo" in data:
        changed |= _photo_apply(candidate=candidate, decoded=data["photo"])
    if "resume_file" in data:
        changed |= _resume_apply(candidate=candidate, data=data)
    return changed


_PAYOUT_FIELDS = PAYOUT_COLUMNS


def payout_fields(payout: dict[str, Any] | None) -> dict[str, Any]:
    """The stored payout columns for a payout object: the account only as a key and last 4."""
    p = {k: (v or "") for k, v in (payout or {}).items()}
    iban = re.sub(r"\s", "", p.get("iban", "")).upper()
    bank_country = p.get("bank_country", "") or iban[:2]
    key = account_last4 = iban_last4 = ""
    if iban:
        # Bank part = IBAN characters 5-8; what follows identifies the account within the bank.
        key = payout_account_key(bank_country, iban[4:8], iban[8:])
        iban_last4 = last4(iban)
    elif p.get("account_number"):
        key = payout_account_key(bank_country, p.get("routing_number", ""), p["account_number"])
        account_last4 = last4(p["account_number"])
    return {
        "payout_account_holder": p.get("account_holder", ""),
        "payout_bank_country": p.get("bank_country", ""),
        "payout_routing_number": p.get("routing_number", ""),
        "payout_account_key": key,
        "payout_account_last4": account_last4,
        "payout_iban_last4": iban_last4,
        # Kept apart from bank_country, which is echoed as sent (the IBAN itself is not kept).
        "payout_iban_country": iban_country(iban) if iban else "",
        "has_payout": any(p.values()),
        **_payout_handles(p),
    }


def _payout_handles(p: dict[str, Any]) -> dict[str, Any]:
    """v1.1: the method, and a platform email or crypto wallet as a key and last 4 only."""
    email, wallet = p.get("account_email", ""), p.get("wallet_address", "")
    return {
        "payout_method": p.get("method") or ("bank" if any(p.values()) else ""),
        "payout_account_email_key": payout_handle_key("email", email) if email else "",
        "payout_account_email_last4": last4(email) if email else "",
        "payout_wallet_key": payout_handle_key("wallet", wallet) if wallet else "",
        "payout_wallet_last4": last4(wallet) if wallet else "",
    }


def _payout_apply(*, candidate: Candidate, payout: dict[str, Any] | None) -> bool:
    new = payout_fields(payout)
    changed = any(getattr(candidate, name) != new[name] for name in _PAYOUT_FIELDS)
    for name in _PAYOUT_FIELDS:
        setattr(candidate, name, new[name])
    return changed


def _photo_apply(*, candidate: Candidate, decoded: DecodedImage | None) -> bool:
    old = candidate.photo
    if decoded is not None and old is not None and old.sha256 == decoded.sha256:
        return False
    if decoded is None and old is None:
        return False
    candidate.photo = (
        image_store(decoded=decoded, client_id=candidate.client_id) if decoded is not None else None
    )
    if old is not None:
        # Save the new reference before the old row goes, or SET_NULL would race it.
        candidate.save(update_fields=["photo"])
        image_delete(image=old, client_id=candidate.client_id)
    return True


def _resume_apply(*, candidate: Candidate, data: dict[str, Any]) -> bool:
    """Store a new resume file (its text becomes resume_text when none is sent); null clears."""
    decoded: DecodedResume | None = data["resume_file"]
    old = candidate.resume_file
    if (
        decoded is not None
        and not data.get("resume_text")
        and candidate.resume_text != decoded.text
    ):
        candidate.resume_text = decoded.text
        text_changed = True
    else:
        text_changed = False
    if decoded is not None and old is not None and old.sha256 == decoded.sha256:
        return text_changed
    if decoded is None and old is None:
        return text_changed
    candidate.resume_file = resume_store(decoded=decoded) if decoded is not None else None
    if old is not None:
        candidate.save(update_fields=["resume_file"])  # before the old row goes (SET_NULL)
        resume_delete(resume=old)
    return True


def _sessions_new(*, candidate: Candidate, sessions: list[dict[str, Any]]) -> list[Session]:
    """The sightings not stored yet, as unsaved rows; refuses going over the per-candidate cap.

    Called before anything else is written, so a refusal leaves no stored image behind.
    """
    if not sessions or candidate.pk is None:
        return []
    known = set(candidate.sessions.values_list("ip", "seen_at", "kind"))
    new: dict[tuple, dict[str, Any]] = {}
    for s in sessions:
        key = (s["ip"], s["seen_at"], s["kind"])
        if key not in known:
            new.setdefault(key, s)
    if len(known) + len(new) > MAX_SESSIONS_PER_CANDIDATE:
        raise CandidateInvalid(
            {
                "sessions": [
                    f"A candidate has at most {MAX_SESSIONS_PER_CANDIDATE} sessions "
                    f"({len(known)} stored, {len(new)} new)."
                ]
            }
        )
    return [
        Session(
            candidate=candidate,
            ip=s["ip"],
            seen_at=s["seen_at"],
            kind=s["kind"],
            user_agent=s.get("user_agent") or "",
            timezone=s.get("timezone") or "",
            utc_offset_minutes=s.get("utc_offset_minutes"),
        )
        for s in new.values()
    ]


def _sessions_add(*, candidate: Candidate, sessions: list[dict[str, Any]]) -> bool:
    rows = _sessions_new(candidate=candidate, sessions=sessions)
    Session.objects.bulk_create(rows)
    return bool(rows)


def _documents_apply(*, candidate: Candidate, data: dict[str, Any]) -> bool:
    if "documents" not in data:
        return False
    if data["documents"] is None:  # null clears: every document and its image goes
        docs = list(candidate.documents.select_related("image"))
        for doc in docs:
            doc.delete()
            image_delete(image=doc.image, client_id=candidate.client_id)
        return bool(docs)
    _documents_cap(candidate=candidate, documents=data["documents"])
    changed = False
    for doc_data in data["documents"]:
        changed |= _document_upsert(candidate=candidate, doc_data=doc_data)
    return changed


def _documents_cap(*, candidate: Candidate, documents: list[dict[str, Any]]) -> None:
    """Documents are upserted by number, so repeated writes could pile them up: a cap."""
    keys = {document_number_key(d["issuing_country"], d["number"]) for d in documents}
    stored = set(candidate.documents.values_list("number_key", flat=True))
    if len(stored | keys) > MAX_DOCUMENTS_PER_CANDIDATE:
        raise CandidateInvalid(
            {
                "documents": [
                    f"A candidate has at most {MAX_DOCUMENTS_PER_CANDIDATE} documents "
                    f"({len(stored)} stored, {len(keys - stored)} new)."
                ]
            }
        )


def _document_upsert(*, candidate: Candidate, doc_data: dict[str, Any]) -> bool:
    number_key = document_number_key(doc_data["issuing_country"], doc_data["number"])
    doc = (
        Document.objects.select_related("image")
        .filter(candidate=candidate, number_key=number_key)
        .first()
    )
    created = doc is None
    if doc is None:
        doc = Document(
            candidate=candidate, number_key=number_key, number_last4=last4(doc_data["number"])
        )
    before = (doc.kind, doc.issuing_country, doc.expires_on, doc.mrz, doc.mrz_facts)
    doc.kind = doc_data["kind"]
    doc.issuing_country = doc_data["issuing_country"]
    if "expires_on" in doc_data:
        doc.expires_on = doc_data["expires_on"]
    if "mrz" in doc_data:
        doc.mrz, doc.mrz_facts = (
            mrz_ingest(doc_data["mrz"], number_key=document_number_key)
            if doc_data["mrz"]
            else ("", {})
        )
    changed = created or before != (
        doc.kind,
        doc.issuing_country,
        doc.expires_on,
        doc.mrz,
        doc.mrz_facts,
    )
    old_image = doc.image if "image" in doc_data else None
    if "image" in doc_data:
        decoded = doc_data["image"]
        if decoded is not None and old_image is not None and old_image.sha256 == decoded.sha256:
            old_image = None
        elif decoded is not None or old_image is not None:
            doc.image = (
                image_store(decoded=decoded, client_id=candidate.client_id) if decoded else None
            )
            changed = True
    if changed:
        doc.save()
    if old_image is not None and old_image != doc.image:
        image_delete(image=old_image, client_id=candidate.client_id)
    return changed
