"""Loading a candidate into the read-only `Subject` the checks see: a fixed number of queries."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count
from django.utils import timezone

from candidates.models import Candidate
from checks.base import (
    ContactChangeFacts,
    DocumentFacts,
    ObservationFacts,
    SessionFacts,
    Subject,
)

FLAGGED_LEVELS = ("high", "critical")


def subject_load(*, candidate_id: UUID) -> Subject | None:
    candidate = (
        Candidate.objects.filter(pk=candidate_id)
        .select_related("resume_file")
        .prefetch_related("sessions", "documents", "observations", "contact_changes")
        .first()
    )
    if candidate is None:
        return None
    return subject_from(candidate, vendor_record=vendor_record(candidate))


def vendor_record(candidate: Candidate) -> tuple[int, int] | None:
    """The vendor's other assessed candidates of the same client, and how many are high or
    critical: counts per level straight off `cand_client_vendor` (an index-only scan; the
    candidate's own level is taken off afterwards rather than filtered, which would need the
    table), never a row per candidate."""
    if not candidate.vendor_key:
        return None
    levels = dict(
        Candidate.objects.filter(client_id=candidate.client_id, vendor_key=candidate.vendor_key)
        .exclude(risk_level="")
        .values_list("risk_level")
        .annotate(n=Count("*"))
        .order_by()
    )
    assessed = sum(levels.values())
    flagged = sum(levels.get(level, 0) for level in FLAGGED_LEVELS)
    if candidate.risk_level:  # the candidate itself, as last assessed
        assessed -= 1
        flagged -= candidate.risk_level in FLAGGED_LEVELS
    return max(assessed, 0), max(flagged, 0)


def subject_from(c: Candidate, *, vendor_record: tuple[int, int] | None = None) -> Subject:
    return Subject(
        id=c.id,
        full_name=c.full_name,
        now=timezone.now(),
        email=c.email,
        phone=c.phone,
        date_of_birth=c.date_of_birth,
        nationality=c.nationality,
        claimed_location=c.claimed_location or {},
        home_address=c.home_address or {},
        shipping_address=c.shipping_address or {},
        payout_account_holder=c.payout_account_holder,
        payout_bank_country=c.payout_bank_country,
        payout_iban_country=c.payout_iban_country,
        payout_routing_number=c.payout_routing_number,
        payout_account_key=c.payout_account_key,
        payout_account_last4=c.payout_account_last4 or c.payout_iban_last4,
        has_payout=c.has_payout,
        sessions=tuple(
            SessionFacts(
                ip=s.ip,
                seen_at=s.seen_at,
                kind=s.kind,
                user_agent=s.user_agent,
                timezone=s.timezone,
                utc_offset_minutes=s.utc_offset_minutes,
            )
            for s in c.sessions.all()
        ),
        documents=tuple(
            DocumentFacts(
                kind=d.kind,
                issuing_country=d.issuing_country,
                number_key=d.number_key,
                number_last4=d.number_last4,
                expires_on=d.expires_on,
                mrz=d.mrz,
                mrz_facts=d.mrz_facts or {},
                image_id=d.image_id,
            )
            for d in c.documents.all()
        ),
        observations=tuple(
            ObservationFacts(code=o.code, note=o.note, created_at=o.created_at)
            for o in c.observations.all()
        ),
        resume_text=c.resume_text,
        photo_id=c.photo_id,
        stage=c.stage,
        vendor=c.vendor,
        payout_method=c.payout_method,
        referred_by=c.referred_by or {},
        references=tuple(c.references or ()),
        resume_metadata=c.resume_file.metadata if c.resume_file else {},
        vendor_record=vendor_record,
        contact_changes=tuple(
            ContactChangeFacts(
                field=h.field, changed_at=h.changed_at, stage=h.stage, replaced=h.old is not None
            )
            for h in c.contact_changes.all()
        ),
    )
