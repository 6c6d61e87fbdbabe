"""Reviews, observations and the audit log.

Services are keyword-only, take ids or model instances (never a request), write audit events and
queue reassessments after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    Signal,
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


@dataclass(frozen=True, slots=True)
class AssessmentChange:
    """What a newer completed assessment changed, for a recruiter who decided on an older one."""

    before: tuple[int | None, str]  # (risk score, level); (None, "") for no assessment
    after: tuple[int | None, str]
    added: tuple[str, ...]  # signal codes
    removed: tuple[str, ...]

    def __str__(self) -> str:
        parts = [f"risk {_risk(self.before)} → {_risk(self.after)}"]
        if self.added:
            parts.append("new signals: " + ", ".join(self.added))
        if self.removed:
            parts.append("gone: " + ", ".join(self.removed))
        return "; ".join(parts)


class DecisionStale(Exception):
    """The decision was made on an assessment that a newer completed one has replaced."""

    def __init__(self, change: AssessmentChange):
        super().__init__(str(change))
        self.change = change


def assessment_change(*, before_id: UUID | None, after_id: UUID | None) -> AssessmentChange:
    def risk_and_codes(pk: UUID | None) -> tuple[tuple[int | None, str], set[str]]:
        row = None
        if pk is not None:
            row = Assessment.objects.filter(pk=pk).values_list("risk_score", "risk_level").first()
        if row is None:
            return (None, ""), set()
        return row, set(Signal.objects.filter(assessment_id=pk).values_list("code", flat=True))

    (before, old), (after, new) = risk_and_codes(before_id), risk_and_codes(after_id)
    return AssessmentChange(
        before=before,
        after=after,
        added=tuple(sorted(new - old)),
        removed=tuple(sorted(old - new)),
    )


def _risk(value: tuple[int | None, str]) -> str:
    score, level = value
    return "not assessed" if score is None else f"{score} ({level})"


@transaction.atomic
def review_decide(
    *,
    candidate: Candidate,
    status: str,
    note: str,
    user,
    request_id: str = "",
    check_stale: bool = False,
    based_on: UUID | None = None,
) -> ReviewDecision:
    """Record a decision. With `check_stale`, `based_on` is the completed assessment the
    reviewer saw (None: none yet); if a newer one completed since, DecisionStale says what
    changed and nothing is recorded: a decision never hides evidence its maker did not see."""
    if status not in Candidate.ReviewStatus.values:
        raise ValueError(f"Unknown review status {status!r}")
    if (
        status in (Candidate.ReviewStatus.REJECTED, Candidate.ReviewStatus.ESCALATED)
        and not note.strip()
    ):
        raise ValueError("A note is required to reject or escalate")
    if check_stale:
        # The row lock orders this against assessment_store, which takes it too.
        current = (
            Candidate.objects.select_for_update()
            .values_list("completed_assessment_id", flat=True)
            .get(pk=candidate.pk)
        )
        if current != based_on:
            raise DecisionStale(assessment_change(before_id=based_on, after_id=current))
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


# Severities that reopen a decision when the decision did not see them (contract: low and info
# never do; a same-network IP or a shared address is not a reason to re-review a hire).
REOPENING_SEVERITIES = ("medium", "high", "critical")


def review_reset_if_worse(
    *,
    candidate: Candidate,
    current: Assessment,
    current_signals: dict[str, str],
) -> bool:
    """Send a decided candidate back to the queue when `current` (code -> severity) raises the
    risk level above what the decision saw, or adds a medium-or-above signal it did not see.

    Called inside the transaction that stores `current`. Earlier decisions stay in the history.
    """
    if candidate.review_status == Candidate.ReviewStatus.UNREVIEWED:
        return False
    seen = _decision_baseline(candidate)
    seen_codes = set(seen.signals.values_list("code", flat=True)) if seen else set()
    new = sorted(
        code
        for code, severity in current_signals.items()
        if severity in REOPENING_SEVERITIES and code not in seen_codes
    )
    old_level = LEVELS.index(seen.risk_level) if seen and seen.risk_level else 0
    level_rose = LEVELS.index(current.risk_level) > old_level if current.risk_level else False
    if not new and not level_rose:
        return False
    reason = (
        _listed("new signals of severity medium or above: ", new, limit=_REASON_MAX)
        if new
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
    audit_record(
        action="review.reset",
        candidate_id=candidate.pk,
        detail={"reason": reason, "new_signals": new, "risk_level": current.risk_level},
    )
    _notify_review_updated(candidate.pk, trigger=current.trigger)
    return True


_REASON_MAX = ReviewDecision._meta.get_field("reason").max_length


def _listed(prefix: str, items: list[str], *, limit: int) -> str:
    """`prefix` + the items that fit in `limit` characters, then "and N more": generated text
    never overflows its column (the full list goes to the audit event)."""
    for shown in range(len(items), 0, -1):
        rest = len(items) - shown
        text = prefix + ", ".join(items[:shown]) + (f" and {rest} more" if rest else "")
        if len(text) <= limit:
            return text
    return (prefix + f"{len(items)} codes")[:limit]


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


def _decision_baseline(candidate: Candidate) -> Assessment | None:
    """The newest assessment completed when the decision was taken: what the reviewer saw."""
    if candidate.review_decided_at is None:
        return None
    return (
        Assessment.objects.filter(
            candidate_id=candidate.pk,
            status=Assessment.Status.COMPLETED,
            assessed_at__lte=candidate.review_decided_at,
        )
        .order_by("-seq")
        .first()
    )


def _notify_review_updated(candidate_id: UUID, trigger: str = "manual") -> None:
    """In the review change's transaction: its webhook event commits with it (an outbox)."""
    hooks.review_updated(candidate_id=candidate_id, trigger=trigger)
