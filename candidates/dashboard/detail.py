"""Reads for the candidate detail page: a fixed number of queries whatever the candidate holds.

The related candidates come from the completed assessment's `Signal.related_candidates` (one
hop, as the checks stored them): no graph walk happens at view time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Q, Subquery

from candidates.dashboard import pictures
from candidates.models import (
    Candidate,
    ContactChange,
    Document,
    Observation,
    ReviewDecision,
    Signal,
)
from candidates.subject import vendor_record
from checks.evidence import EvidenceLine, evidence_lines
from checks.links.kinds import LinkKind
from checks.registry import code_info, evidence_fields_for
from links.keys import bounded_value
from links.models import LinkKey

_RELATED_FIELDS = (
    "id",
    "full_name",
    "external_id",
    "risk_score",
    "risk_level",
    "review_status",
    "photo_id",
    "client_id",
)


@dataclass(slots=True)
class SignalView:
    signal: Signal
    description: str
    guidance: str  # the public guidance the code follows
    evidence: list[EvidenceLine]
    related: list[tuple[Candidate | None, str, str]]  # (candidate, id, shared)
    allowlist_keys: list[str] = field(default_factory=list)  # for rules admins: what to allowlist


@dataclass(slots=True)
class CheckGroup:
    check_name: str
    contribution: int
    signals: list[SignalView] = field(default_factory=list)


@dataclass(slots=True)
class Detail:
    candidate: Candidate
    groups: list[CheckGroup]
    signals: list[Signal]
    related: dict[str, Candidate]
    documents: list[Document]
    observations: list[Observation]
    reviews: list[ReviewDecision]
    session_times: list[Any]
    contact_changes: list[dict[str, Any]] = field(default_factory=list)
    vendor_record: tuple[int, int] | None = None  # the vendor's other (assessed, flagged)
    referrer: Candidate | None = None  # who referred this candidate (same client)
    referrals: list[Candidate] = field(default_factory=list)  # whom this candidate referred


def candidate_detail(*, candidate_id: UUID) -> Detail | None:
    candidate = (
        Candidate.objects.select_related(
            "client", "completed_assessment", "review_decided_by", "resume_file"
        )
        .filter(pk=candidate_id)
        .first()
    )
    if candidate is None:
        return None
    signals = (
        list(Signal.objects.filter(assessment_id=candidate.completed_assessment_id))
        if candidate.completed_assessment_id
        else []
    )
    related = related_candidates(signals)
    return Detail(
        candidate=candidate,
        groups=_grouped(signals, related),
        signals=signals,
        related=related,
        documents=list(Document.objects.filter(candidate=candidate).select_related("image")),
        observations=list(
            Observation.objects.filter(candidate=candidate).select_related("created_by")
        ),
        reviews=list(
            ReviewDecision.objects.filter(candidate=candidate).select_related("decided_by")[:20]
        ),
        session_times=list(candidate.sessions.values_list("seen_at", flat=True)),
        contact_changes=contact_timeline(candidate),
        vendor_record=vendor_record(candidate),
        **referral_chain(candidate),
    )


REFERRALS_SHOWN = 50


def referral_chain(candidate: Candidate) -> dict[str, Any]:
    """The candidate's referrer and the candidates it referred, in one query: referrals are
    found through the `referred_by` link keys (an index range scan), never a scan of profiles."""
    own = bounded_value(f"{candidate.client_id}:{candidate.external_id}")
    referred = LinkKey.objects.filter(kind=LinkKind.REFERRED_BY, value=own).values("candidate_id")[
        :REFERRALS_SHOWN
    ]
    by = str((candidate.referred_by or {}).get("external_id") or "")
    query = Q(pk__in=Subquery(referred))
    if by:
        query |= Q(client_id=candidate.client_id, external_id=by)
    found = list(Candidate.objects.filter(query).only(*_RELATED_FIELDS).order_by("full_name"))
    referrer = next((c for c in found if by and c.external_id == by), None)
    return {"referrer": referrer, "referrals": [c for c in found if c is not referrer]}


TIMELINE_LIMIT = 100


def contact_timeline(candidate: Candidate) -> list[dict[str, Any]]:
    """The newest changes of contact and payout details, as readable text (already masked)."""
    rows = ContactChange.objects.filter(candidate=candidate).order_by("-changed_at", "-id")
    return [
        {
            "at": row.changed_at,
            "field": row.get_field_display(),
            "old": _value_text(row.old),
            "new": _value_text(row.new),
            "stage": row.stage,
            "via": row.via,
            "request_id": row.request_id,
        }
        for row in rows[:TIMELINE_LIMIT]
    ]


def _value_text(value: Any) -> str:
    if value in (None, "", {}):
        return "—"
    if not isinstance(value, dict):
        return str(value)
    if "account_holder" in value or "method" in value:  # a payout, numbers already last 4
        last4 = next(
            (
                value.get(k)
                for k in (
                    "account_number_last4",
                    "iban_last4",
                    "account_email_last4",
                    "wallet_address_last4",
                )
                if value.get(k)
            ),
            "",
        )
        parts = [value.get("method") or "", value.get("account_holder") or ""]
        parts.append(f"••••{last4}" if last4 else "")
        return ", ".join(p for p in parts if p)
    keys = ("line1", "line2", "postal_code", "city", "region", "country")
    return ", ".join(str(value[k]) for k in keys if value.get(k))


def related_candidates(signals: list[Signal]) -> dict[str, Candidate]:
    """Every candidate any signal names, in one query, keyed by the id as stored (a string)."""
    ids = {str(r["id"]) for s in signals for r in s.related_candidates if r.get("id")}
    if not ids:
        return {}
    return {str(c.id): c for c in Candidate.objects.filter(pk__in=ids).only(*_RELATED_FIELDS)}


def profile_entries(profiles: Any) -> list[tuple[str, str]]:
    """`profiles` as (name, value) pairs. Never `profiles.items` in a template: a key named
    "items" (or a value stored by another path that is not a flat object) would break it."""
    if isinstance(profiles, dict):
        return [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in profiles.items()]
    return [("Profiles", json.dumps(profiles))] if profiles not in (None, "", [], {}) else []


def _grouped(signals: list[Signal], related: dict[str, Candidate]) -> list[CheckGroup]:
    groups: dict[str, CheckGroup] = {}
    for s in signals:  # already ordered by contribution, then code
        group = groups.setdefault(s.check_name, CheckGroup(s.check_name, 0))
        group.contribution += s.contribution
        info = code_info(s.code)
        group.signals.append(
            SignalView(
                signal=s,
                description=info.description if info else "",
                guidance=info.guidance if info else "",
                evidence=evidence_lines(evidence_fields_for(s.code), s.evidence),
                related=[
                    (related.get(str(r.get("id"))), str(r.get("id")), str(r.get("shared", "")))
                    for r in s.related_candidates
                ],
                allowlist_keys=_allowlist_keys(s.evidence),
            )
        )
    return sorted(groups.values(), key=lambda g: -g.contribution)


def _allowlist_keys(evidence: Any) -> list[str]:
    """The address keys a rules admin may allowlist (internal, so not an evidence line)."""
    values = evidence.get("values") if isinstance(evidence, dict) else None
    return [
        v["allowlist_key"]
        for v in values or []
        if isinstance(v, dict) and isinstance(v.get("allowlist_key"), str)
    ]


def duplicate_images(detail: Detail) -> list[dict[str, Any]]:
    """Pairs of (this candidate's image, the related candidate's image it duplicates)."""
    pairs: list[dict[str, Any]] = []
    c = detail.candidate
    for s in detail.signals:
        if s.code == "link.photo_duplicate" and c.photo_id:
            for r in s.related_candidates[:6]:
                other = detail.related.get(str(r.get("id")))
                if other is not None and other.photo_id:
                    pairs.append(
                        {
                            "label": "Profile photo",
                            "mine": (c.id, c.photo_id),
                            "other": other,
                            "theirs": (other.id, other.photo_id),
                            "shared": r.get("shared", ""),
                        }
                    )
    doc_signal = next(
        (s for s in detail.signals if s.code == "link.document_image_duplicate"), None
    )
    mine = [d for d in detail.documents if d.image_id]
    if doc_signal is not None and mine:
        ids = [str(r.get("id")) for r in doc_signal.related_candidates[:6]]
        theirs = Document.objects.filter(candidate_id__in=ids, image__isnull=False).only(
            "candidate_id", "image_id", "kind"
        )
        for doc in theirs:
            other = detail.related.get(str(doc.candidate_id))
            if other is not None:
                pairs.append(
                    {
                        "label": f"Document ({doc.kind})",
                        "mine": (c.id, mine[0].image_id),
                        "other": other,
                        "theirs": (other.id, doc.image_id),
                        "shared": "document image",
                    }
                )
    return pairs


def resume_overlap(detail: Detail) -> dict[str, Any] | None:
    """The resume lines behind `link.resume_duplicate`, against its three most similar
    resumes, with the similarity the check stored for each (see `pictures.resume_overlap`)."""
    c = detail.candidate
    signal = next((s for s in detail.signals if s.code == "link.resume_duplicate"), None)
    if signal is None or not c.resume_text:
        return None
    ids = [str(r.get("id")) for r in signal.related_candidates[:3]]
    texts = {
        str(k): v for k, v in Candidate.objects.filter(pk__in=ids).values_list("id", "resume_text")
    }
    evidence = signal.evidence if isinstance(signal.evidence, dict) else {}
    stored = evidence.get("jaccard") or {}
    others, measured = {}, {}
    for cid in (i for i in ids if i in texts):  # the check's order: most similar first
        name = detail.related[cid].full_name if cid in detail.related else cid
        others[name] = texts[cid]
        if cid in stored:
            measured[name] = stored[cid]
    return pictures.resume_overlap(c.resume_text, others, measured, evidence.get("threshold"))
