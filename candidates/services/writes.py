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
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from candidates import hooks, pipeline
from candidates.crypto import document_number_key, payout_account_key, payout_handle_key
from candidates.images import (
    DecodedImage,
    ImageWrites,
    image_delete,
    images_removed_on_error,
)
from candidates.locks import (
    linked_lock,
    linked_reassess_after_commit,
    lock_timeout_set,
)
from candidates.models import (
    ApiClient,
    Assessment,
    AuditEvent,
    Candidate,
    ContactChange,
    Document,
    IdempotencyRecord,
    Session,
    Tombstone,
)
from candidates.resumes import DecodedResume, resume_delete, resume_store
from candidates.services.history import (
    PAYOUT_COLUMNS,
    contact_changes,
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
    # The candidate's sessions and documents as they now stand, for a response rendered without
    # reading them back (set by `candidate_upsert` only; the batch answers ids).
    sessions: list[Session] | None = None
    documents: list[Document] | None = None


def candidate_upsert(
    *, client: ApiClient, data: dict[str, Any], request_id: str = "", via: str = "upsert"
) -> UpsertResult:
    """Create or merge-update the client's candidate `data["external_id"]`.

    Merge: an omitted field is unchanged, `None` clears it; objects (locations, addresses, payout)
    are replaced whole; sessions are appended and de-duplicated on (ip, seen_at, kind); documents
    are upserted by number key. Only a real change is written and queues an assessment.
    """
    outcome = _upsert(client=client, items=[(0, data)], request_id=request_id, via=via, one=True)
    result = outcome[0]
    if isinstance(result, CandidateInvalid):
        raise result
    return result


def candidates_batch_upsert(
    *, client: ApiClient, items: list[tuple[int, dict[str, Any]]], request_id: str = ""
) -> dict[int, UpsertResult | CandidateInvalid]:
    """Upsert each (index, data) in order in one transaction, with bulk statements: every item
    is checked before anything is written, so a refused item blocks none and needs no savepoint.
    A repeated external_id applies in order onto the same candidate (the last wins)."""
    if not items:
        return {}
    return _upsert(client=client, items=items, request_id=request_id, via="batch", one=False)


class _CreatedMeanwhile(Exception):
    """A concurrent request created one of the external_ids this write was creating."""


# A concurrent create of the same external_id makes this write's INSERT fail; the next attempt
# finds the row (the other transaction has committed) and updates it.
_ATTEMPTS = 3


def _upsert(
    *,
    client: ApiClient,
    items: list[tuple[int, dict[str, Any]]],
    request_id: str,
    via: str,
    one: bool,
) -> dict[int, UpsertResult | CandidateInvalid]:
    for _attempt in range(_ATTEMPTS):
        try:
            with images_removed_on_error(), transaction.atomic():
                return _Write(client=client, request_id=request_id, via=via, one=one).run(items)
        except _CreatedMeanwhile:
            continue
    # Only a create racing an erasure of the same external_id, repeatedly: the client retries.
    raise OperationalError("candidate created and erased concurrently; retry")


@dataclass(slots=True)
class _State:
    """One candidate across the items of a write that name it."""

    candidate: Candidate
    new: bool  # not stored before this write
    known: set[tuple]  # its sightings' (ip, seen_at, kind)
    documents: dict[str, Document] | None  # by number key; None when not loaded
    sessions: list[Session] | None = None  # every sighting, when the response shows them
    columns: dict[str, Any] | None = None  # the stored row's values, to write only changes
    touched: bool = False


def _columns(candidate: Candidate) -> dict[str, Any]:
    return {f.attname: getattr(candidate, f.attname) for f in Candidate._meta.concrete_fields}


class _Write:
    """One upsert transaction: lock what exists, check and apply every item in memory, then
    write with one statement per table (plus one per changed existing row)."""

    def __init__(self, *, client: ApiClient, request_id: str, via: str, one: bool) -> None:
        self.client, self.request_id, self.via, self.one = client, request_id, via, one
        self.states: dict[str, _State] = {}
        self.sessions: list[Session] = []
        self.changes: list[ContactChange] = []
        self.events: list[AuditEvent] = []
        self.images = ImageWrites(client_id=client.pk)

    def run(self, items: list[tuple[int, dict[str, Any]]]) -> dict[int, Any]:
        lock_timeout_set()
        stored = self._lock(sorted({data["external_id"] for _, data in items}))
        self._children_load(stored, items)
        results: dict[int, UpsertResult | CandidateInvalid] = {}
        for index, data in items:
            try:
                results[index] = self._apply(data, stored)
            except CandidateInvalid as exc:
                results[index] = exc
        self._store()
        if self.one:
            results = {k: self._with_children(v) for k, v in results.items()}
        return results

    def _lock(self, external_ids: list[str]) -> dict[str, Candidate]:
        """The client's existing candidates among `external_ids`, locked in pk order (so two
        writes never hold one each and wait for the other), with what the write reads. The lock
        takes their ids only: for a new candidate (no row) that is all it costs, where building
        the statement that reads a candidate with its related rows costs a few milliseconds of
        Python (bench/bench_write.py); those are read once there is something to read."""
        qs = Candidate.objects.select_for_update().filter(client=self.client)
        if len(external_ids) == 1:
            qs = qs.filter(external_id=external_ids[0])
        else:
            qs = qs.filter(external_id__in=external_ids)
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        if not ids:
            return {}
        related = ["photo", "resume_file"]
        if self.one:  # the response shows the assessment and the review
            related += ["latest_assessment", "completed_assessment", "review_decided_by"]
        rows = Candidate.objects.filter(pk__in=ids).select_related(*related)
        return {c.external_id: c for c in rows}

    def _children_load(
        self, stored: dict[str, Candidate], items: list[tuple[int, dict[str, Any]]]
    ) -> None:
        """The stored sightings and documents of the candidates whose items send them (all of
        them for a single upsert, whose response shows them): one query each."""
        with_sessions = {d["external_id"] for _, d in items if d.get("sessions")}
        with_documents = {d["external_id"] for _, d in items if "documents" in d}
        if self.one:
            with_sessions = with_documents = set(stored)
        session_ids = [c.pk for e, c in stored.items() if e in with_sessions]
        document_ids = [c.pk for e, c in stored.items() if e in with_documents]
        self.known: dict[UUID, set[tuple]] = {pk: set() for pk in session_ids}
        self.stored_sessions: dict[UUID, list[Session]] = {pk: [] for pk in session_ids}
        if session_ids and self.one:
            for s in Session.objects.filter(candidate_id__in=session_ids):
                self.known[s.candidate_id].add((s.ip, s.seen_at, s.kind))
                self.stored_sessions[s.candidate_id].append(s)
        elif session_ids:
            rows = Session.objects.filter(candidate_id__in=session_ids).values_list(
                "candidate_id", "ip", "seen_at", "kind"
            )
            for pk, *key in rows:
                self.known[pk].add(tuple(key))
        self.stored_documents: dict[UUID, dict[str, Document]] = {pk: {} for pk in document_ids}
        if document_ids:
            docs = Document.objects.filter(candidate_id__in=document_ids).select_related("image")
            for d in docs:
                self.stored_documents[d.candidate_id][d.number_key] = d

    def _state(self, external_id: str, stored: dict[str, Candidate]) -> _State | None:
        state = self.states.get(external_id)
        if state is not None:
            return state
        candidate = stored.get(external_id)
        if candidate is None:
            return None
        return _State(
            candidate=candidate,
            new=False,
            known=self.known.get(candidate.pk, set()),
            documents=self.stored_documents.get(candidate.pk),
            sessions=self.stored_sessions.get(candidate.pk),
            columns=_columns(candidate),
        )

    def _apply(self, data: dict[str, Any], stored: dict[str, Candidate]) -> UpsertResult:
        """Check the item against the caps, then apply it in memory; nothing is written here
        but the images it brings (removed again if the transaction rolls back)."""
        external_id = data["external_id"]
        state = self._state(external_id, stored)
        created = state is None
        if state is None:
            if not data.get("full_name"):
                raise CandidateInvalid(
                    {"full_name": ["This field is required to create a candidate."]}
                )
            candidate = Candidate(client=self.client, external_id=external_id)
            state = _State(candidate=candidate, new=True, known=set(), documents={}, sessions=[])
        new_sessions = _sessions_new(
            candidate=state.candidate, known=state.known, sessions=data.get("sessions") or []
        )
        if data.get("documents"):
            _documents_cap(stored=set(state.documents or ()), documents=data["documents"])
        self.states[external_id] = state
        candidate = state.candidate
        before = None if created else contact_snapshot(candidate)
        own_changed = _candidate_apply(
            candidate=candidate, data=data, stored=not state.new, images=self.images
        )
        if before is not None and own_changed:
            self.changes += contact_changes(
                candidate=candidate,
                before=before,
                via=self.via,
                client=self.client,
                request_id=self.request_id,
            )
        state.known.update((s.ip, s.seen_at, s.kind) for s in new_sessions)
        self.sessions += new_sessions
        if state.sessions is not None:
            state.sessions += new_sessions
        children_changed = _documents_apply(state=state, data=data, images=self.images) or bool(
            new_sessions
        )
        changed = created or own_changed or children_changed
        if changed:
            state.touched = True
            self.events.append(
                AuditEvent(
                    action="candidate.created" if created else "candidate.updated",
                    candidate_id=candidate.pk,
                    actor_client=self.client,
                    detail={"fields": sorted(k for k in data if k != "external_id")},
                    request_id=self.request_id,
                )
            )
        return UpsertResult(candidate=candidate, created=created, changed=changed)

    def _store(self) -> None:
        now, trigger = timezone.now(), Assessment.Trigger.UPSERT
        # In external_id order: two writes creating the same ones wait, never deadlock.
        new = sorted(
            (s for s in self.states.values() if s.new), key=lambda s: s.candidate.external_id
        )
        assessments = [
            pipeline.assessment_request_new(candidate=s.candidate, trigger=trigger) for s in new
        ]
        # The images' rows and quota first: the client's row is then locked before any new
        # candidate's, in every write, as when each image took its quota as it was stored.
        self.images.flush()
        try:  # early, so that a concurrent create of the same external_id fails before the rest
            Candidate.objects.bulk_create([s.candidate for s in new])
        except IntegrityError as exc:
            raise _CreatedMeanwhile from exc
        updated = [s for s in self.states.values() if not s.new and s.touched]
        _changed_write(updated, now=now)
        Session.objects.bulk_create(self.sessions)
        Document.objects.bulk_create(
            [d for s in new for d in (s.documents or {}).values()]
            + [d for s in updated for d in (s.documents or {}).values() if d._state.adding]
        )
        ContactChange.objects.bulk_create(self.changes)
        AuditEvent.objects.bulk_create(self.events)
        pipeline.assessments_new_save(assessments=assessments, trigger=trigger)
        _reassess(updated=[s.candidate for s in updated], trigger=trigger)

    def _with_children(self, result: Any) -> Any:
        if not isinstance(result, UpsertResult):
            return result
        state = self.states[result.candidate.external_id]
        return UpsertResult(
            candidate=result.candidate,
            created=result.created,
            changed=result.changed,
            sessions=sorted(state.sessions or [], key=lambda s: (s.seen_at, s.pk or 0)),
            documents=sorted((state.documents or {}).values(), key=lambda d: (d.created_at, d.id)),
        )


def _changed_write(states: list[_State], *, now) -> None:
    """Write only the columns an update changed: one UPDATE for a single candidate, one
    statement for a batch's (each row gets the union of the changed columns, the others as
    they are, since the rows are locked)."""
    fields: set[str] = set()
    for state in states:
        state.candidate.updated_at = now
        columns = state.columns or {}
        fields |= {
            name for name, value in columns.items() if getattr(state.candidate, name) != value
        }
    names = sorted(Candidate._meta.get_field(a).name for a in fields)
    if len(states) == 1:
        states[0].candidate.save(update_fields=names)
    elif states:
        Candidate.objects.bulk_update([s.candidate for s in states], names, batch_size=500)


def _reassess(*, updated: list[Candidate], trigger: str) -> None:
    """The one place an upsert requests the assessment of candidates it changed: only their
    own (its first step, in the worker, keys them and reassesses the holders of the values that
    changed). A created candidate's went in with its INSERT (`pipeline.assessment_request_new`)."""
    if len(updated) == 1:
        pipeline.assessment_request(candidate=updated[0], trigger=trigger)
    elif updated:
        pipeline.assessment_request_many(candidate_ids=[c.pk for c in updated], trigger=trigger)


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


def _candidate_apply(
    *, candidate: Candidate, data: dict[str, Any], stored: bool, images: ImageWrites
) -> bool:
    """Set the scalar, object, payout and photo fields in memory; True if anything differs.
    `stored`: the candidate's row exists (a replaced file's row may only go once the row no
    longer references it)."""
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
        changed |= _photo_apply(
            candidate=candidate, decoded=data["photo"], stored=stored, images=images
        )
    if "resume_file" in data:
        changed |= _resume_apply(candidate=candidate, data=data, stored=stored)
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


def _photo_apply(
    *, candidate: Candidate, decoded: DecodedImage | None, stored: bool, images: ImageWrites
) -> bool:
    old = candidate.photo
    if decoded is not None and old is not None and old.sha256 == decoded.sha256:
        return False
    if decoded is None and old is None:
        return False
    candidate.photo = images.store(decoded) if decoded is not None else None
    if old is not None:
        images.flush()  # before the stored row points at the new one and bytes go back
        if stored:  # save the new reference before the old row goes, or SET_NULL would race it
            candidate.save(update_fields=["photo"])
        image_delete(image=old, client_id=candidate.client_id)
    return True


def _resume_apply(*, candidate: Candidate, data: dict[str, Any], stored: bool) -> bool:
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
        if stored:
            candidate.save(update_fields=["resume_file"])  # before the old row goes (SET_NULL)
        resume_delete(resume=old)
    return True


def _sessions_new(
    *, candidate: Candidate, known: set[tuple], sessions: list[dict[str, Any]]
) -> list[Session]:
    """The sightings not in `known` yet, as unsaved rows; refuses going over the per-candidate
    cap. Called before anything else is written, so a refusal leaves no stored image behind."""
    if not sessions:
        return []
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
    known = set(candidate.sessions.values_list("ip", "seen_at", "kind"))
    rows = _sessions_new(candidate=candidate, known=known, sessions=sessions)
    Session.objects.bulk_create(rows)
    return bool(rows)


def _documents_apply(*, state: _State, data: dict[str, Any], images: ImageWrites) -> bool:
    """Upsert the item's documents into `state.documents` (by number key): a new one is saved
    with the write's other rows, a changed stored one now. Null clears every document."""
    if "documents" not in data:
        return False
    candidate, documents = state.candidate, state.documents
    assert documents is not None  # loaded for every candidate whose item sends documents
    if data["documents"] is None:  # null clears: every document and its image goes
        gone = list(documents.values())
        documents.clear()
        images.flush()  # the quota taken before any is given back
        for doc in gone:
            if not doc._state.adding:
                doc.delete()
            image_delete(image=doc.image, client_id=candidate.client_id)
        return bool(gone)
    changed = False
    for doc_data in data["documents"]:
        changed |= _document_upsert(
            candidate=candidate, documents=documents, doc_data=doc_data, images=images
        )
    return changed


def _documents_cap(*, stored: set[str], documents: list[dict[str, Any]]) -> None:
    """Documents are upserted by number, so repeated writes could pile them up: a cap."""
    keys = {document_number_key(d["issuing_country"], d["number"]) for d in documents}
    if len(stored | keys) > MAX_DOCUMENTS_PER_CANDIDATE:
        raise CandidateInvalid(
            {
                "documents": [
                    f"A candidate has at most {MAX_DOCUMENTS_PER_CANDIDATE} documents "
                    f"({len(stored)} stored, {len(keys - stored)} new)."
                ]
            }
        )


def _document_upsert(
    *,
    candidate: Candidate,
    documents: dict[str, Document],
    doc_data: dict[str, Any],
    images: ImageWrites,
) -> bool:
    number_key = document_number_key(doc_data["issuing_country"], doc_data["number"])
    doc = documents.get(number_key)
    created = doc is None
    if doc is None:
        doc = documents[number_key] = Document(
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
            doc.image = images.store(decoded) if decoded else None
            changed = True
    if changed and not doc._state.adding:
        images.flush()  # its new image's row first, and the quota before bytes go back
        doc.save()  # a stored document: now, before its old image's row goes (SET_NULL)
    if old_image is not None and old_image != doc.image:
        image_delete(image=old_image, client_id=candidate.client_id)
    return changed
