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
import time
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from candidates import hooks, metrics, probing, tasks
from candidates.broker import queue_depths
from candidates.linking import CandidateLinkIndex, candidate_keys_sync
from candidates.locks import linked_lock, linked_reassess_after_commit
from candidates.models import Assessment, Candidate, Signal
from candidates.services import reviews
from candidates.subject import subject_load
from checks import engine
from checks.base import Context
from checks.models import RuleSet
from checks.rulesets import ruleset_active_snapshot
from links.queueing import enqueue
from links.sync import link_keys_holders

log = logging.getLogger(__name__)


def assessment_request(*, candidate: Candidate, trigger: str) -> Assessment:
    """Create a pending assessment for `candidate` and queue it after commit.

    Call inside the transaction that changed the candidate.
    """
    Candidate.objects.filter(pk=candidate.pk).update(assessment_seq=F("assessment_seq") + 1)
    seq = Candidate.objects.values_list("assessment_seq", flat=True).get(pk=candidate.pk)
    assessment = Assessment.objects.create(
        candidate_id=candidate.pk, seq=seq, trigger=trigger, queued_at=timezone.now()
    )
    Candidate.objects.filter(pk=candidate.pk).update(
        latest_assessment=assessment, assessment_status=Assessment.Status.PENDING
    )
    candidate.assessment_seq = seq
    candidate.latest_assessment = assessment
    candidate.assessment_status = Assessment.Status.PENDING
    transaction.on_commit(lambda: assessment_enqueue(assessment_id=assessment.id, trigger=trigger))
    log.info(
        "assessment requested",
        extra={"candidate_id": str(candidate.pk), "assessment_id": str(assessment.id)},
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
    queued_at = timezone.now() if enqueue else None  # None: never queued, the sweep's to do
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(candidate_id=pk, seq=seq, trigger=trigger, queued_at=queued_at)
            for pk, seq in rows
        ]
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
        transaction.on_commit(lambda: assessment_enqueue_many(assessment_ids=ids, trigger=trigger))
    return len(ids)


def assessment_request_linked(*, client_id: UUID, candidate_ids: list[UUID]) -> None:
    """One hop, capped: the periodic sweep of stale links picks up the rest. Of the holders other
    clients own, only a few are queued now; the others get a pending assessment that the sweep
    queues after its grace period, so one client's batch cannot flood the workers with everyone
    else's candidates."""
    linked = candidate_ids[: settings.VETTING_LINK_REASSESS_CAP]
    if not linked:
        return
    others = set(
        Candidate.objects.filter(pk__in=linked)
        .exclude(client_id=client_id)
        .values_list("pk", flat=True)
    )
    foreign = [pk for pk in linked if pk in others]
    now = settings.VETTING_LINK_REASSESS_OTHER_CLIENTS_CAP
    assessment_request_many(
        candidate_ids=[pk for pk in linked if pk not in others] + foreign[:now],
        trigger=Assessment.Trigger.LINK,
    )
    assessment_request_many(
        candidate_ids=foreign[now:], trigger=Assessment.Trigger.LINK, enqueue=False
    )


def reassess_linked(*, candidate_ids: list[UUID], trigger: str, **_kwargs) -> int:
    """Receiver of links.signals.reassess_requested (connected in CandidatesConfig.ready)."""
    return assessment_request_many(candidate_ids=candidate_ids, trigger=trigger)


_REASSESSMENT = (Assessment.Trigger.LINK, Assessment.Trigger.RULESET)
_FRESH = tuple(t for t in Assessment.Trigger.values if t not in _REASSESSMENT)


def assessment_queue(trigger: str) -> str:
    """Reassessments (links, a rule-set pass) wait in their own queue: a pass over a million
    candidates never delays the assessment of a candidate an ATS just posted."""
    return settings.VETTING_QUEUES["reassessment" if trigger in _REASSESSMENT else "assessments"]


def assessment_enqueue(*, assessment_id: UUID, trigger: str) -> bool:
    """Hand the assessment to Celery. A broker fault is logged, not raised: the sweep retries."""
    return assessment_enqueue_many(assessment_ids=[assessment_id], trigger=trigger) == 1


def assessment_enqueue_many(*, assessment_ids: list[UUID], trigger: str) -> int:
    """Queue each; at the first broker fault stop, and clear the rest's `queued_at` so the
    sweep takes them after its grace period. Returns how many were queued."""
    queue = assessment_queue(trigger)
    for done, assessment_id in enumerate(assessment_ids):
        try:
            tasks.assess_candidate_task.apply_async((str(assessment_id),), queue=queue)
        except Exception:  # the broker is down or unreachable; kombu raises many kinds
            log.warning("Could not queue assessment %s; the sweep will retry", assessment_id)
            with contextlib.suppress(DatabaseError):
                Assessment.objects.filter(
                    id__in=assessment_ids[done:], status=Assessment.Status.PENDING
                ).update(queued_at=None)
            return done
    return len(assessment_ids)


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
    if assessment.attempts > settings.VETTING_ASSESSMENT_MAX_ATTEMPTS:
        # Claimed again after runs that never finished (a worker killed mid-run, every time).
        last = assessment.error or "the worker running it was lost"
        assessment_fail(assessment_id=assessment_id, error=f"Gave up: {last}")
        return
    try:
        started = time.monotonic()
        _keys_refresh(candidate_id=assessment.candidate_id)
        subject = subject_load(candidate_id=assessment.candidate_id)
        if subject is None:  # erased meanwhile
            return
        rules = ruleset_active_snapshot()
        outcome = engine.evaluate(subject, rules, Context(links=CandidateLinkIndex()))
        assessment_store(assessment=assessment, rules=rules, outcome=outcome)
        metrics.ASSESSMENT_DURATION.observe(time.monotonic() - started)
        log.info(
            "assessment stored",
            extra={
                "candidate_id": str(assessment.candidate_id),
                "assessment_id": str(assessment_id),
                "risk_score": outcome.risk_score,
            },
        )
    except (OperationalError, InterfaceError):
        _claim_release(assessment_id=assessment_id)
        raise
    except Exception as exc:  # a bug or bad data: retried a bounded number of times
        log.exception("Assessment %s failed (attempt %s)", assessment_id, assessment.attempts)
        assessment_fault(assessment=assessment, error=f"{type(exc).__name__}: {exc}")


def _keys_refresh(*, candidate_id: UUID) -> None:
    """The assessment's first step: bring the candidate's link keys in step with its data (the
    write derives none, and decodes no image), so the checks below see them; then request the
    reassessment of the other holders of the values that changed, one hop, capped. Holders are
    looked up after the keys are committed, so that of two candidates keyed at the same time at
    least one sees the other. Holders another transaction has locked go to the durable backlog
    (candidates.locks), so two workers fanning out to overlapping holders never wait on each
    other."""
    changed = candidate_keys_sync(candidate_id=candidate_id)
    if not changed:
        return
    with transaction.atomic():
        linked = link_keys_holders(candidate_id=candidate_id, keys=changed)
        client_id = Candidate.objects.values_list("client_id", flat=True).filter(pk=candidate_id)
        if not linked or not client_id:
            return
        free, busy = linked_lock(candidate_ids=linked[: settings.VETTING_LINK_REASSESS_CAP])
        linked_reassess_after_commit(candidate_ids=busy, changed=candidate_id)
        assessment_request_linked(client_id=client_id[0], candidate_ids=free)


def _claim_release(*, assessment_id: UUID) -> None:
    """The database blinked: give the claim (and the attempt) back for the task's retry. The
    connection that failed may be dead (a restart, a terminated backend): then try once more on
    a new one, or the claim would wait VETTING_STALE_RUNNING_SECONDS for the sweep."""
    for _ in range(2):
        try:
            Assessment.objects.filter(id=assessment_id, status=Assessment.Status.RUNNING).update(
                status=Assessment.Status.PENDING, attempts=F("attempts") - 1
            )
            return
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                return  # the caller's transaction owns the connection
            connection.close()


def assessment_fault(*, assessment: Assessment, error: str) -> None:
    """After a failed attempt: back to pending for the sweep to retry, or failed (and reported
    to the client) once VETTING_ASSESSMENT_MAX_ATTEMPTS attempts have failed."""
    if assessment.attempts >= settings.VETTING_ASSESSMENT_MAX_ATTEMPTS:
        assessment_fail(assessment_id=assessment.id, error=error)
        return
    with transaction.atomic():  # no queued_at: the sweep's next pass retries it
        Assessment.objects.filter(id=assessment.id, status=Assessment.Status.RUNNING).update(
            status=Assessment.Status.PENDING, error=error[:2000], queued_at=None
        )
        _candidate_status(assessment, Assessment.Status.PENDING)


def assessment_fail(*, assessment_id: UUID, error: str) -> None:
    with transaction.atomic():
        updated = (
            Assessment.objects.filter(id=assessment_id)
            .exclude(status=Assessment.Status.COMPLETED)
            .update(status=Assessment.Status.FAILED, error=error[:2000], assessed_at=timezone.now())
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
    # After the candidate's new score is written: a reset's review.updated event carries it.
    reviews.review_reset_if_worse(
        candidate=candidate,
        current=assessment,
        current_signals={s.code: s.severity for s in outcome.signals},
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
    """In the transaction that finishes `assessment`: its webhook event commits with it."""
    metrics.ASSESSMENTS_FINISHED.labels(
        assessment.status, assessment.risk_level or "none", assessment.trigger
    ).inc()
    if assessment.status == Assessment.Status.COMPLETED and assessment.requested_at:
        waited = (timezone.now() - assessment.requested_at).total_seconds()
        metrics.ASSESSMENT_LATENCY.labels(assessment.trigger).observe(waited)
    hooks.assessment_finished(
        candidate_id=assessment.candidate_id, status=assessment.status, trigger=assessment.trigger
    )


def assessment_sweep(*, limit: int = 1000) -> int:
    """Queue assessments left pending or running on a dead worker. A pending one is queued again
    if it never was (the broker refused it), if its queue is empty (so the broker lost it: a
    Redis restart), or if it was queued longer ago than VETTING_REQUEUE_SECONDS. Work queued
    recently into a backed-up queue is left alone: no flood of duplicates every minute."""
    now = timezone.now()
    pending_before = now - timedelta(seconds=settings.VETTING_SWEEP_GRACE_SECONDS)
    requeue_before = now - timedelta(seconds=settings.VETTING_REQUEUE_SECONDS)
    stale_before = now - timedelta(seconds=settings.VETTING_STALE_RUNNING_SECONDS)
    lost = Q(queued_at__isnull=True) | Q(queued_at__lt=requeue_before)
    depths = queue_depths() or {}
    for kind, triggers in (("assessments", _FRESH), ("reassessment", _REASSESSMENT)):
        if depths.get(settings.VETTING_QUEUES[kind], 1) == 0 or not settings.REDIS_URL:
            lost |= Q(trigger__in=triggers)
    rows = list(
        Assessment.objects.filter(
            Q(status=Assessment.Status.PENDING, requested_at__lt=pending_before) & lost
            | Q(status=Assessment.Status.RUNNING, started_at__lt=stale_before)
        )
        .order_by("requested_at")
        .values_list("id", "trigger")[:limit]
    )
    # Marked before they are sent: a run that fails at once clears the mark for the next pass.
    Assessment.objects.filter(id__in=[pk for pk, _ in rows]).update(queued_at=now)
    queued = 0
    for n, (assessment_id, trigger) in enumerate(rows):
        if not assessment_enqueue(assessment_id=assessment_id, trigger=trigger):
            # The broker is still down: the rest were not sent either; try again next pass.
            Assessment.objects.filter(id__in=[pk for pk, _ in rows[n:]]).update(queued_at=None)
            break
        queued += 1
    metrics.SWEEP_REQUEUED.labels("assessment").inc(queued)
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


def assessment_request_new(*, candidate: Candidate, trigger: str) -> Assessment:
    """The first assessment of a candidate not stored yet, in memory: it cannot have a pending
    one, so no row is read or bumped. Sets seq 1 and the pending status on the unsaved
    candidate, whose INSERT then carries them; the caller saves the returned assessment with
    `assessments_new_save` in the same transaction (the foreign keys are checked at commit)."""
    assessment = Assessment(
        candidate_id=candidate.pk, seq=1, trigger=trigger, queued_at=timezone.now()
    )
    candidate.assessment_seq = 1
    candidate.latest_assessment = assessment
    candidate.assessment_status = Assessment.Status.PENDING
    return assessment


def assessments_new_save(*, assessments: list[Assessment], trigger: str) -> None:
    """Save the assessments `assessment_request_new` made, one statement, and queue them after
    commit."""
    if not assessments:
        return
    Assessment.objects.bulk_create(assessments)
    ids = [a.id for a in assessments]
    transaction.on_commit(lambda: assessment_enqueue_many(assessment_ids=ids, trigger=trigger))
    for a in assessments:
        log.info(
            "assessment requested",
            extra={"candidate_id": str(a.candidate_id), "assessment_id": str(a.id)},
        )


def assessments_run_inline() -> bool:
    """Whether a queued assessment runs in the requesting process when its transaction commits
    (embedded mode, and tests without a worker): then a response built after the commit reads
    the finished assessment back instead of showing it pending."""
    return bool(tasks.assess_candidate_task.app.conf.task_always_eager)
