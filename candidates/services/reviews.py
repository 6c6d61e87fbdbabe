"""Reviews, observations and the audit log.

Services are keyword-only, take ids or model instances (never a request), write audit events and
queue reassessments after commit.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction

from candidates import hooks, pipeline
from candidates.models import (
    ApiClient,
    Assessment,
    AuditEvent,
    Candidate,
    Observation,
    ReviewDecision,
)
from checks.scoring import LEVELS


def audit_record(
    *,
    action: str,
    candidate_id: UUID | None = None,
    user=None,
    client: ApiClient | None = None,
    detail: dict[str, Any] | None = None,
    request_id: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        candidate_id=candidate_id,
        actor_user=user if getattr(user, "is_authenticated", False) and user.pk else None,
        actor_client=client,
        detail=detail or {},
        request_id=request_id,
    )


AUDIT_FREE_TEXT = ("note",)


def audit_redact_free_text(*, candidate_id: UUID) -> int:
    """On erasure: the audit log keeps every event (who did what, when) but loses the free text
    written about the person (decision and observation notes). The one edit the log allows."""
    redacted = 0
    events = AuditEvent.objects.filter(
        candidate_id=candidate_id, detail__has_any_keys=AUDIT_FREE_TEXT
    )
    for pk, detail in events.values_list("pk", "detail"):
        cleaned = {k: v for k, v in detail.items() if k not in AUDIT_FREE_TEXT}
        AuditEvent.objects.filter(pk=pk).update(detail={**cleaned, "redacted": True})
        redacted += 1
    return redacted


@transaction.atomic
def review_decide(
    *, candidate: Candidate, status: str, note: str, user, request_id: str = ""
) -> ReviewDecision:
    if status not in Candidate.ReviewStatus.values:
        raise ValueError(f"Unknown review status {status!r}")
    if (
        status in (Candidate.ReviewStatus.REJECTED, Candidate.ReviewStatus.ESCALATED)
        and not note.strip()
    ):
        raise ValueError("A note is required to reject or escalate")
    decision = ReviewDecision.objects.create(
        candidate=candidate, status=status, note=note, decided_by=user
    )
    Candidate.objects.filter(pk=candidate.pk).update(
        review_status=status,
        review_note=note,
        review_decided_by=user,
        review_decided_at=decision.decided_at,
    )
    audit_record(
        action="review.decided",
        candidate_id=candidate.pk,
        user=user,
        detail={"status": status, "note": note},
        request_id=request_id,
    )
    _notify_review_updated(candidate.pk)
    return decision


def review_reset_if_worse(
    *,
    candidate: Candidate,
    previous: Assessment | None,
    current: Assessment,
    current_codes: set[str],
) -> bool:
    """A new link.* signal or a higher risk level sends a decided candidate back to the queue.

    Called inside the transaction that stores `current`. Earlier decisions stay in the history.
    """
    if candidate.review_status == Candidate.ReviewStatus.UNREVIEWED:
        return False
    previous_codes = set(previous.signals.values_list("code", flat=True)) if previous else set()
    new_links = sorted(c for c in current_codes - previous_codes if c.startswith("link."))
    old_level = LEVELS.index(previous.risk_level) if previous and previous.risk_level else 0
    level_rose = LEVELS.index(current.risk_level) > old_level
    if not new_links and not level_rose:
        return False
    reason = (
        f"new link signals: {', '.join(new_links)}"
        if new_links
        else f"risk level rose to {current.risk_level}"
    )
    ReviewDecision.objects.create(
        candidate=candidate, status=Candidate.ReviewStatus.UNREVIEWED, reason=reason
    )
    Candidate.objects.filter(pk=candidate.pk).update(
        review_status=Candidate.ReviewStatus.UNREVIEWED,
        review_note="",
        review_decided_by=None,
        review_decided_at=None,
    )
    audit_record(action="review.reset", candidate_id=candidate.pk, detail={"reason": reason})
    _notify_review_updated(candidate.pk, trigger=current.trigger)
    return True


@transaction.atomic
def observation_create(
    *,
    candidate: Candidate,
    code: str,
    note: str = "",
    user=None,
    client: ApiClient | None = None,
    request_id: str = "",
) -> Observation:
    if code not in Observation.Code.values:
        raise ValueError(f"Unknown observation code {code!r}")
    observation = Observation.objects.create(
        candidate=candidate, code=code, note=note, created_by=user, client=client
    )
    audit_record(
        action="observation.created",
        candidate_id=candidate.pk,
        user=user,
        client=client,
        detail={"code": code, "note": note},
        request_id=request_id,
    )
    pipeline.assessment_request(candidate=candidate, trigger=Assessment.Trigger.OBSERVATION)
    return observation


def _notify_review_updated(candidate_id: UUID, trigger: str = "manual") -> None:
    transaction.on_commit(lambda: hooks.review_updated(candidate_id=candidate_id, trigger=trigger))
