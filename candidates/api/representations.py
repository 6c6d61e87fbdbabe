"""Output shapes: the candidate as stored (sensitive numbers masked, images described), its
assessment and review blocks exactly as the contract shows them, and list summaries.

Plain functions over prefetched objects (see `selectors`), so rendering adds no queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from candidates.api.fields import iso
from candidates.api.visibility import signal_for_client
from candidates.models import Assessment, Candidate, Document, Image, Session
from candidates.services.history import payout_public


def candidate_detail(
    candidate: Candidate,
    *,
    external_ids: dict[str, str],
    sessions: Iterable[Session] | None = None,
    documents: Iterable[Document] | None = None,
) -> dict[str, Any]:
    """`sessions` and `documents` in their stored order, when the caller holds them (a write's
    response); else the candidate's prefetched ones."""
    if sessions is None:
        sessions = candidate.sessions.all()
    if documents is None:
        documents = candidate.documents.all()
    return {
        **_identity(candidate),
        "email": candidate.email,
        "phone": candidate.phone,
        "date_of_birth": candidate.date_of_birth.isoformat() if candidate.date_of_birth else None,
        "nationality": candidate.nationality,
        "claimed_location": candidate.claimed_location,
        "home_address": candidate.home_address,
        "shipping_address": candidate.shipping_address,
        "payout": _payout(candidate),
        "sessions": [_session(s) for s in sessions],
        "documents": [_document(d) for d in documents],
        "photo": _image(candidate.photo),
        "resume_text": candidate.resume_text,
        "profiles": candidate.profiles,
        # v1.1
        "stage": candidate.stage or None,
        "vendor": candidate.vendor,
        "referred_by": candidate.referred_by,
        "references": candidate.references,
        "resume_file": candidate.resume_file.describe() if candidate.resume_file else None,
        "assessment": _assessment_block(candidate, external_ids=external_ids),
        "review": _review(candidate),
    }


def candidate_summary(candidate: Candidate) -> dict[str, Any]:
    assessed = candidate.assessed_at is not None
    return {
        **_identity(candidate),
        "assessment_status": candidate.assessment_status or None,
        # risk_score is stored as 0 before the first completed assessment: show null then.
        "risk_score": candidate.risk_score if assessed else None,
        "risk_level": (candidate.risk_level or None) if assessed else None,
        "assessed_at": iso(candidate.assessed_at),
        "review_status": candidate.review_status,
    }


def related_ids(candidate: Candidate) -> set[str]:
    completed = candidate.completed_assessment
    if completed is None:
        return set()
    return {r["id"] for s in completed.signals.all() for r in s.related_candidates}


def assessment_history_item(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": str(assessment.id),
        "seq": assessment.seq,
        "status": assessment.status,
        "trigger": assessment.trigger,
        "scope": assessment.scope,
        "risk_score": assessment.risk_score,
        "risk_level": assessment.risk_level or None,
        "ruleset_version": assessment.ruleset_version,
        "requested_at": iso(assessment.requested_at),
        "assessed_at": iso(assessment.assessed_at),
        "signals": [
            {
                "code": s.code,
                "check": s.check_name,
                "score": s.score,
                "contribution": s.contribution,
                "severity": s.severity,
            }
            for s in assessment.signals.all()
        ],
    }


def assessment_ref(assessment: Assessment | None) -> dict[str, Any] | None:
    if assessment is None:
        return None
    return {"id": str(assessment.id), "status": assessment.status, "trigger": assessment.trigger}


def _identity(candidate: Candidate) -> dict[str, Any]:
    return {
        "id": str(candidate.id),
        "external_id": candidate.external_id,
        "full_name": candidate.full_name,
        "created_at": iso(candidate.created_at),
        "updated_at": iso(candidate.updated_at),
    }


def _payout(candidate: Candidate) -> dict[str, Any] | None:
    return payout_public(candidate)  # the same masked view the contact history keeps


def _session(session: Session) -> dict[str, Any]:
    return {
        "ip": session.ip,
        "seen_at": iso(session.seen_at),
        "kind": session.kind,
        "user_agent": session.user_agent,
        "timezone": session.timezone,
        "utc_offset_minutes": session.utc_offset_minutes,
    }


def _document(document: Document) -> dict[str, Any]:
    return {
        "id": str(document.id),
        "kind": document.kind,
        "issuing_country": document.issuing_country,
        "number_last4": document.number_last4,
        "expires_on": document.expires_on.isoformat() if document.expires_on else None,
        "mrz": document.mrz or None,
        "image": _image(document.image),
    }


def _image(image: Image | None) -> dict[str, Any] | None:
    return image.describe() if image is not None else None


def _assessment_block(
    candidate: Candidate, *, external_ids: dict[str, str]
) -> dict[str, Any] | None:
    latest = candidate.latest_assessment
    if latest is None:
        return None
    completed = candidate.completed_assessment
    block: dict[str, Any] = {
        "id": str(latest.id),
        "status": latest.status,
        "risk_score": None,
        "risk_level": None,
        "ruleset_version": None,
        "assessed_at": None,
        "signals": None,
    }
    if completed is not None:
        block.update(
            {
                "risk_score": completed.risk_score,
                "risk_level": completed.risk_level or None,
                "ruleset_version": completed.ruleset_version,
                "assessed_at": iso(completed.assessed_at),
                "signals": [
                    signal_for_client(s, own=external_ids) for s in completed.signals.all()
                ],
            }
        )
    return block


def _review(candidate: Candidate) -> dict[str, Any]:
    user = candidate.review_decided_by
    return {
        "status": candidate.review_status,
        "note": candidate.review_note,
        "decided_by": user.get_username() if user is not None else None,
        "decided_at": iso(candidate.review_decided_at),
    }
