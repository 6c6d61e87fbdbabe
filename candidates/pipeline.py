"""The assessment pipeline: request (after a change), run (in a worker), sweep (periodic).

Requesting bumps the candidate's `assessment_seq` and creates a pending Assessment in the same
transaction as the change; the task is queued on commit. If the broker is down the request still
succeeds and the sweep queues the pending assessment later, so work is delayed, never lost.

Running claims the assessment by compare-and-set (pending -> running, or a running one whose
worker died), so a duplicate delivery or a retry does the work once.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from candidates import hooks, probing, tasks
from candidates.linking import CandidateLinkIndex
from candidates.models import Assessment, Candidate, Signal
from candidates.services import reviews
from candidates.subject import subject_load
from checks import engine
from checks.base import Context
from checks.models import RuleSet
from checks.rulesets import ruleset_active_snapshot
from links.queueing import enqueue, enqueue_on_commit

log = logging.getLogger(__name__)


def assessment_request(*, candidate: Candidate, trigger: str) -> Assessment:
    """Create a pending assessment for `candidate` and queue it after commit.

    Call inside the transaction that changed the candidate.
    """
    Candidate.objects.filter(pk=candidate.pk).update(assessment_seq=F("assessment_seq") + 1)
    seq = Candidate.objects.values_list("assessment_seq", flat=True).get(pk=candidate.pk)
    assessment = Assessment.objects.create(candidate_id=candidate.pk, seq=seq, trigger=trigger)
    Candidate.objects.filter(pk=candidate.pk).update(
        latest_assessment=assessment, assessment_status=Assessment.Status.PENDING
    )
    candidate.assessment_seq = seq
    candidate.latest_assessment = assessment
    candidate.assessment_status = Assessment.Status.PENDING
    enqueue_on_commit(
        tasks.assess_candidate_task, str(assessment.id), what=f"assessment {assessment.id}"
    )
    return assessment


def assessment_request_many(
    *, candidate_ids: list[UUID], trigger: str, enqueue: bool = True
) -> int:
    """Request a reassessment of each candidate (linked candidates, a rule-set pass) in a fixed
    number of queries, whatever their count. Returns how many were requested. With
    `enqueue=False` they stay pending for `assessment_sweep` to queue later (low priority)."""
    if not candidate_ids:
        return 0
    Candidate.objects.filter(pk__in=candidate_ids).update(assessment_seq=F("assessment_seq") + 1)
    rows = list(Candidate.objects.filter(pk__in=candidate_ids).values_list("pk", "assessment_seq"))
    assessments = Assessment.objects.bulk_create(
        [Assessment(candidate_id=pk, seq=seq, trigger=trigger) for pk, seq in rows]
    )
    Candidate.objects.bulk_update(
        [
            Candidate(
                pk=a.candidate_id, latest_assessment=a, assessment_status=Assessment.Status.PENDING
            )
            for a in assessments
        ],
        ["latest_assessment", "assessment_status"],
        batch_size=500,
    )
    ids = [a.id for a in assessments]
    if enqueue:
        transaction.on_commit(lambda: [assessment_enqueue(assessment_id=i) for i in ids])
    return len(ids)


def reassess_linked(*, candidate_ids: list[UUID], trigger: str, **_kwargs) -> int:
    """Receiver of links.signals.reassess_requested (connected in CandidatesConfig.ready)."""
    return assessment_request_many(candidate_ids=candidate_ids, trigger=trigger)


def assessment_enqueue(*, assessment_id: UUID) -> bool:
    """Hand the assessment to Celery. A broker fault is logged, not raised: the sweep retries."""
    return enqueue(
        tasks.assess_candidate_task, str(assessment_id), what=f"assessment {assessment_id}"
    )


def assessment_claim(*, assessment_id: UUID) -> bool:
    now = timezone.now()
    stale = now - timedelta(seconds=settings.VETTING_STALE_RUNNING_SECONDS)
    claimed = Assessment.objects.filter(
        Q(status=Assessment.Status.PENDING)
        | Q(status=Assessment.Status.RUNNING, started_at__lt=stale),
        id=assessment_id,
    ).update(status=Assessment.Status.RUNNING, started_at=now, attempts=F("attempts") + 1)
    return claimed == 1


def assessment_run(*, assessment_id: UUID) -> None:
    with transaction.atomic():  # one commit for the claim and the candidate's status
        if not assessment_claim(assessment_id=assessment_id):
            log.info("Assessment %s already claimed or finished; skipping", assessment_id)
            return
        assessment = Assessment.objects.get(id=assessment_id)
        _candidate_status(assessment, Assessment.Status.RUNNING)
    try:
        subject = subject_load(candidate_id=assessment.candidate_id)
        if subject is None:  # erased meanwhile
            return
        rules = ruleset_active_snapshot()
        outcome = engine.evaluate(subject, rules, Context(links=CandidateLinkIndex()))
    except (OperationalError, InterfaceError):
        # The database blinked: give the claim back so the task's retry can take it again.
        with contextlib.suppress(OperationalError, InterfaceError):
            Assessment.objects.filter(id=assessment_id).update(status=Assessment.Status.PENDING)
        raise
    except Exception as exc:
        log.exception("Assessment %s failed", assessment_id)
        assessment_fail(assessment_id=assessment_id, error=f"{type(exc).__name__}: {exc}")
        return
    assessment_store(assessment=assessment, rules=rules, outcome=outcome)


def assessment_fail(*, assessment_id: UUID, error: str) -> None:
    with transaction.atomic():
        updated = Assessment.objects.filter(id=assessment_id).update(
            status=Assessment.Status.FAILED, error=error[:2000], assessed_at=timezone.now()
        )
        if updated:
            assessment = Assessment.objects.get(id=assessment_id)
            _candidate_status(assessment, Assessment.Status.FAILED)
            _on_finished(assessment)


@transaction.atomic
def assessment_store(*, assessment: Assessment, rules: dict, outcome: engine.Outcome) -> None:
    """Write the outcome in one transaction; nothing if the candidate was erased meanwhile
    (erasure takes the candidate's row lock, and its assessments go with it)."""
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .filter(pk=assessment.candidate_id)
        .select_related("completed_assessment")
        .first()
    )
    if candidate is None:
        return
    now = timezone.now()
    if assessment.attempts > 1:  # a retried run replaces what an earlier attempt wrote
        Signal.objects.filter(assessment=assessment).delete()
    Signal.objects.bulk_create(
        [
            Signal(
                assessment=assessment,
                code=s.code,
                check_name=s.check,
                score=s.score,
                contribution=s.contribution,
                severity=s.severity,
                message=s.message,
                evidence=s.evidence,
                related_candidates=[
                    {"id": str(r.candidate_id), "shared": r.shared} for r in s.related
                ],
                related_count=s.related_count,
            )
            for s in outcome.signals
        ]
    )
    assessment.status = Assessment.Status.COMPLETED
    assessment.risk_score = outcome.risk_score
    assessment.risk_level = outcome.risk_level
    # Versions are immutable once saved (edits make a new one), so the number explains the score.
    assessment.ruleset_version = rules["version"]
    assessment.assessed_at = now
    assessment.error = ""
    assessment.save(
        update_fields=[
            "status",
            "risk_score",
            "risk_level",
            "ruleset_version",
            "assessed_at",
            "error",
        ]
    )

    previous = candidate.completed_assessment
    if previous is not None and previous.seq > assessment.seq:
        # A newer assessment already completed; this older one only joins the history.
        _candidate_status(assessment, Assessment.Status.COMPLETED)
        return
    reviews.review_reset_if_worse(
        candidate=candidate,
        current=assessment,
        current_signals={s.code: s.severity for s in outcome.signals},
    )
    Candidate.objects.filter(pk=candidate.pk).update(
        completed_assessment=assessment,
        risk_score=outcome.risk_score,
        risk_level=outcome.risk_level,
        assessed_at=now,
        # The status shown is the newest requested assessment's: only if that is this one.
        assessment_status=Case(
            When(latest_assessment=assessment, then=Value(Assessment.Status.COMPLETED)),
            default=F("assessment_status"),
        ),
    )
    _on_finished(assessment)
    _watch_probing(candidate, assessment, outcome)


def _watch_probing(candidate: Candidate, assessment: Assessment, outcome: engine.Outcome) -> None:
    """Only the client's own writes count: a reassessment caused by another client's write
    would otherwise blame the wrong client."""
    if assessment.trigger not in (Assessment.Trigger.UPSERT, Assessment.Trigger.SESSIONS):
        return
    client_id = candidate.client_id
    related = {str(r.candidate_id) for s in outcome.signals for r in s.related}
    transaction.on_commit(lambda: probing.probe_record(client_id=client_id, related_ids=related))


def _candidate_status(assessment: Assessment, status: str) -> None:
    """The candidate shows the status of its newest requested assessment only."""
    Candidate.objects.filter(pk=assessment.candidate_id, latest_assessment=assessment).update(
        assessment_status=status
    )


def _on_finished(assessment: Assessment) -> None:
    candidate_id, status, trigger = assessment.candidate_id, assessment.status, assessment.trigger
    transaction.on_commit(
        lambda: hooks.assessment_finished(candidate_id=candidate_id, status=status, trigger=trigger)
    )


def assessment_sweep(*, limit: int = 1000) -> int:
    """Queue assessments left pending (broker was down) or running on a dead worker."""
    now = timezone.now()
    pending_before = now - timedelta(seconds=settings.VETTING_SWEEP_GRACE_SECONDS)
    stale_before = now - timedelta(seconds=settings.VETTING_STALE_RUNNING_SECONDS)
    ids = list(
        Assessment.objects.filter(
            Q(status=Assessment.Status.PENDING, requested_at__lt=pending_before)
            | Q(status=Assessment.Status.RUNNING, started_at__lt=stale_before)
        )
        .order_by("requested_at")
        .values_list("id", flat=True)[:limit]
    )
    queued = 0
    for assessment_id in ids:
        if not assessment_enqueue(assessment_id=assessment_id):
            break  # the broker is still down; try again next sweep
        queued += 1
    return queued


RULESET_REASSESS_BATCH = 500


def ruleset_activated_reassess(*, version: int, **_kwargs) -> None:
    """Receiver of checks.signals.ruleset_activated (connected in CandidatesConfig.ready)."""
    ruleset_reassess_start(version=version)


def ruleset_reassess_start(*, version: int) -> None:
    # Broker down: ruleset_reassess_resume (the sweep) picks the pass up later.
    enqueue(tasks.ruleset_reassess_task, version, what=f"the reassessment for rule set v{version}")


def ruleset_reassess_batch(*, version: int, batch: int | None = None) -> bool:
    """Request reassessment of the next `batch` candidates (keyset by id) under rule set
    `version`, advancing its stored cursor in the same transaction. Returns True while there is
    more to do. Concurrent calls queue on the rule set's row, so none repeats another's batch."""
    batch = batch or RULESET_REASSESS_BATCH
    with transaction.atomic():
        ruleset = (
            RuleSet.objects.select_for_update()
            .filter(version=version, is_active=True, reassess_done_at__isnull=True)
            .first()
        )
        if ruleset is None:  # finished, or a newer version took over with its own pass
            return False
        qs = Candidate.objects.order_by("pk")
        if ruleset.reassess_cursor is not None:
            qs = qs.filter(pk__gt=ruleset.reassess_cursor)
        ids = list(qs.values_list("pk", flat=True)[:batch])
        assessment_request_many(candidate_ids=ids, trigger=Assessment.Trigger.RULESET)
        now = timezone.now()
        ruleset.reassess_cursor = ids[-1] if ids else ruleset.reassess_cursor
        ruleset.reassess_touched_at = now
        ruleset.reassess_done_at = now if len(ids) < batch else None
        ruleset.save(update_fields=["reassess_cursor", "reassess_touched_at", "reassess_done_at"])
        return ruleset.reassess_done_at is None


def ruleset_reassess_resume() -> bool:
    """For the periodic sweep: restart the active rule set's pass if it never started (broker
    down at activation, or a version created by a migration) or stalled. True if queued."""
    quiet_since = timezone.now() - timedelta(seconds=settings.VETTING_SWEEP_GRACE_SECONDS)
    stalled = (
        RuleSet.objects.filter(is_active=True, reassess_done_at__isnull=True)
        .filter(
            Q(reassess_touched_at__lt=quiet_since)
            | Q(reassess_touched_at__isnull=True, created_at__lt=quiet_since)
        )
        .values_list("version", flat=True)
        .first()
    )
    if stalled is None:
        return False
    ruleset_reassess_start(version=stalled)
    return True
