"""The assessment pipeline: request (after a change), run (in a worker), sweep (periodic).

Requesting bumps the candidate's `assessment_seq` and creates a pending Assessment in the same
transaction as the change; the task is queued on commit. If the broker is down the request still
succeeds and the sweep queues the pending assessment later, so work is delayed, never lost.

Running claims the assessment by compare-and-set (pending -> running, or a running one whose
worker died), so a duplicate delivery or a retry does the work once.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from candidates import hooks, metrics, probing, tasks
from candidates.broker import queue_depths
from candidates.linking import CandidateLinkIndex, candidate_keys_sync
from candidates.locks import linked_lock, linked_reassess_after_commit
from candidates.models import ApiClient, Assessment, Candidate, Signal
from candidates.services import reviews
from candidates.subject import FLAGGED_LEVELS, LINK_RELATIONS, json_rows, subject_load_with
from checks import engine
from checks.base import Context, Finding, Related, Subject
from checks.links.kinds import LinkKind
from checks.models import RuleSet
from checks.registry import CHECKS
from checks.rulesets import ruleset_active_snapshot, ruleset_snapshot_of
from links.queueing import enqueue
from links.sync import link_keys_holders_by_value

log = logging.getLogger(__name__)


def assessment_request(
    *, candidate: Candidate, trigger: str, scope: str = Assessment.Scope.FULL
) -> Assessment:
    """Request an assessment of `candidate`: its pending one if it has one (coalesced), else a
    new one queued after commit. Call inside the transaction that changed the candidate."""
    found, _ = _request(candidate_ids=[candidate.pk], trigger=trigger, scope=scope)
    assessment = found[candidate.pk]
    candidate.assessment_seq = assessment.seq
    candidate.latest_assessment = assessment
    candidate.assessment_status = Assessment.Status.PENDING
    log.info(
        "assessment requested",
        extra={"candidate_id": str(candidate.pk), "assessment_id": str(assessment.id)},
    )
    return assessment


def assessment_request_many(
    *,
    candidate_ids: list[UUID],
    trigger: str,
    enqueue: bool = True,
    scope: str = Assessment.Scope.FULL,
) -> int:
    """Request a reassessment of each candidate (linked candidates, a rule-set pass) in a fixed
    number of queries, whatever their count; returns how many new assessments that made (the
    others coalesced into their candidate's pending one). With `enqueue=False` new ones stay
    pending for `assessment_sweep` to queue later (low priority)."""
    _, created = _request(
        candidate_ids=candidate_ids, trigger=trigger, scope=scope, enqueue=enqueue
    )
    return created


def _request(
    *, candidate_ids: list[UUID], trigger: str, scope: str, enqueue: bool = True
) -> tuple[dict[UUID, Assessment], int]:
    """({candidate: its pending assessment}, how many are new). Coalescing: a candidate with
    one pending gets nothing new (a full request upgrades a links one to full, and a fresh
    trigger moves it to the fresh queue; either is queued again: the run claims by
    compare-and-set, so a duplicate delivery is harmless); the others get a new one. Three
    queries for new ones, one more for upgrades. Each candidate's row is locked first (a writer
    holds it already) and a run claims under that lock (`assessment_claim`), so a pending
    assessment cannot start between this lookup and this transaction's commit: a coalesced
    request is never lost."""
    ids = list(dict.fromkeys(candidate_ids))
    if not ids:
        return {}, 0
    with transaction.atomic(savepoint=False):  # the caller's transaction, or one of its own
        return _request_locked(ids, trigger=trigger, scope=scope, enqueue=enqueue)


def _request_locked(
    ids: list[UUID], *, trigger: str, scope: str, enqueue: bool
) -> tuple[dict[UUID, Assessment], int]:
    pending = FilteredRelation("assessments", condition=Q(assessments__status="pending"))
    rows = list(
        Candidate.objects.select_for_update(of=("self",))
        .annotate(p=pending)
        .filter(pk__in=ids)
        .order_by("pk")  # several candidates: locked in a fixed order
        .values_list("pk", "assessment_seq", *(f"p__{f}" for f in _PENDING_FIELDS))
    )
    now = timezone.now()
    found: dict[UUID, Assessment] = {}
    new: list[Assessment] = []
    coalesced: list[Assessment] = []
    for pk, seq, *fields in rows:
        if fields[0] is None:
            new.append(
                Assessment(
                    candidate_id=pk,
                    seq=seq + 1,
                    trigger=trigger,
                    scope=scope,
                    queued_at=now if enqueue else None,  # None: the sweep's to queue, later
                )
            )
            found[pk] = new[-1]
        else:
            found[pk] = Assessment(
                candidate_id=pk,
                status=Assessment.Status.PENDING,
                **dict(zip(_PENDING_FIELDS, fields, strict=True)),
            )
            coalesced.append(found[pk])
    if new:
        # Locked above, so no other pending one can appear; ignore_conflicts only keeps the
        # one-pending index from failing a write, and the candidate points at what is there.
        Assessment.objects.bulk_create(new, ignore_conflicts=True)
        mine = Assessment.objects.filter(
            candidate_id=OuterRef("pk"), status=Assessment.Status.PENDING
        ).values("id")[:1]
        Candidate.objects.filter(pk__in=[a.candidate_id for a in new]).update(
            assessment_seq=F("assessment_seq") + 1,
            latest_assessment_id=Subquery(mine),
            assessment_status=Assessment.Status.PENDING,
        )
    moved = _coalesce(coalesced, trigger=trigger, scope=scope, enqueue=enqueue)
    queued = (new if enqueue else []) + moved
    for queue_trigger in {a.trigger for a in queued}:
        batch = [a.id for a in queued if a.trigger == queue_trigger]
        transaction.on_commit(
            lambda batch=batch, t=queue_trigger: assessment_enqueue_many(
                assessment_ids=batch, trigger=t
            )
        )
    return found, len(new)


_PENDING_FIELDS = (
    "id",
    "seq",
    "trigger",
    "scope",
    "queued_at",
    "requested_at",
    "attempts",
    "error",
)


def _coalesce(
    pending: list[Assessment], *, trigger: str, scope: str, enqueue: bool
) -> list[Assessment]:
    """Update the pending assessments this request coalesces into, in one query; returns those
    to queue again: upgraded to full, moved to the fresh queue, or never queued (low priority)
    and now wanted at once."""
    full = scope == Assessment.Scope.FULL
    fresh = trigger not in _REASSESSMENT
    retrigger = {
        a.id
        for a in pending
        if (full and a.scope == Assessment.Scope.LINKS) or (fresh and a.trigger in _REASSESSMENT)
    }
    requeue = [a for a in pending if a.id in retrigger or (enqueue and a.queued_at is None)]
    if not requeue:
        return []
    now = timezone.now()
    Assessment.objects.filter(
        id__in=[a.id for a in requeue], status=Assessment.Status.PENDING
    ).update(
        scope=Value(Assessment.Scope.FULL) if full else F("scope"),
        trigger=Case(When(id__in=list(retrigger), then=Value(trigger)), default=F("trigger")),
        queued_at=now,
    )
    for a in requeue:
        a.queued_at = now
        a.scope = Assessment.Scope.FULL if full else a.scope
        a.trigger = trigger if a.id in retrigger else a.trigger
    return requeue


def assessment_request_linked(
    *, client_id: UUID, candidate_ids: list[UUID], later: list[UUID] = ()
) -> None:
    """A link-only refresh of the other holders of a changed value (one hop, capped: the
    periodic sweep of stale links picks up the rest). Of the holders other clients own, only a
    few are queued now; the others, and `later` (holders only of low-value values), get a
    pending refresh that the sweep queues after its grace period, so one client's batch cannot
    flood the workers with everyone else's candidates."""
    linked = candidate_ids[: settings.VETTING_LINK_REASSESS_CAP]
    if not linked and not later:
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
        scope=Assessment.Scope.LINKS,
    )
    assessment_request_many(
        candidate_ids=foreign[now:] + list(later),
        trigger=Assessment.Trigger.LINK,
        enqueue=False,
        scope=Assessment.Scope.LINKS,
    )


def reassess_linked(
    *, candidate_ids: list[UUID], trigger: str, low_priority: bool = False, **_kwargs
) -> int:
    """Receiver of links.signals.reassess_requested (connected in CandidatesConfig.ready): a
    link-only refresh; a crowded value's holders (`low_priority`) wait for the sweep."""
    return assessment_request_many(
        candidate_ids=candidate_ids,
        trigger=trigger,
        scope=Assessment.Scope.LINKS,
        enqueue=not low_priority,
    )


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
    if len(assessment_ids) > 1 and _enqueue_batched(assessment_ids=assessment_ids, queue=queue):
        return len(assessment_ids)
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


def _enqueue_batched(*, assessment_ids: list[UUID], queue: str) -> bool:
    """Many at once (a batch/ call's): kombu's publish batch sends them in one Redis pipeline,
    one round trip instead of one each (~2 ms an assessment on a loaded machine). False if that
    failed: the caller then queues them one by one, with the publish's retries and its handling
    of a broker fault. Some may have gone already; a duplicate finds its assessment claimed or
    done (`assessment_claim` is a compare-and-set) and does nothing."""
    task = tasks.assess_candidate_task
    if task.app.conf.task_always_eager:
        return False
    try:
        with task.app.producer_or_acquire() as producer, producer.batch():
            for assessment_id in assessment_ids:
                task.apply_async((str(assessment_id),), queue=queue, producer=producer)
    except Exception:  # the broker is down or unreachable; kombu raises many kinds
        log.warning("Queueing %d assessments at once failed; one by one", len(assessment_ids))
        return False
    return True


def assessment_claim(*, assessment_id: UUID) -> Assessment | None:
    """pending -> running (or a running one whose worker died), by compare-and-set; the claimed
    assessment, its candidate shown as running, or None. The candidate's row lock is taken
    first, so a write that requested (or coalesced into) this assessment has committed before
    it starts and its data is read. A candidate's assessments run one at a time: while another
    of its runs is alive this one stays pending, and that run queues it when it ends
    (`_queue_next`).

    One round trip on PostgreSQL: the lock and the claim are two statements sent together, one
    implicit transaction. Two, not one `WITH … FOR UPDATE`: in READ COMMITTED a statement reads
    other tables as of its start, so a claim committed while this one waited for the lock would
    go unseen, and two runs of a candidate could overlap; the second statement's snapshot is
    taken once the lock is held. SQLite (embedded mode) writes one at a time: the compare-and-set
    UPDATE holds the database's write lock from its start."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.VETTING_STALE_RUNNING_SECONDS)
    ops = connection.ops
    params = [
        Assessment.Status.RUNNING,
        ops.adapt_datetimefield_value(now),
        _uuid(assessment_id),
        Assessment.Status.PENDING,
        Assessment.Status.RUNNING,
        ops.adapt_datetimefield_value(stale),
        Assessment.Status.RUNNING,
        ops.adapt_datetimefield_value(stale),
    ]
    if connection.vendor != "postgresql":
        with transaction.atomic():
            claimed = next(iter(Assessment.objects.raw(_claim_sql(), params)), None)
            if claimed is not None:
                _candidate_status(claimed, Assessment.Status.RUNNING)
        return claimed
    candidate = ops.quote_name(Candidate._meta.db_table)
    assessment = ops.quote_name(Assessment._meta.db_table)
    sql = (
        f"SELECT 1 FROM {candidate} WHERE id = "  # noqa: S608 (table names only)
        f"(SELECT candidate_id FROM {assessment} WHERE id = %s) FOR UPDATE; "
        f"WITH claimed AS ({_claim_sql()}), shown AS ("
        f"UPDATE {candidate} c SET assessment_status = %s FROM claimed "
        "WHERE c.id = claimed.candidate_id AND c.latest_assessment_id = claimed.id) "
        "SELECT * FROM claimed"
    )
    rows = Assessment.objects.raw(sql, [assessment_id, *params, Assessment.Status.RUNNING])
    return next(iter(rows), None)


def _claim_sql() -> str:
    """The compare-and-set: pending, or running on a worker presumed dead (started before the
    stale mark), and no other run of the candidate alive; the attempt counted."""
    table = connection.ops.quote_name(Assessment._meta.db_table)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in Assessment._meta.concrete_fields)
    # Only model metadata is interpolated: every value is a parameter.
    return (
        f"UPDATE {table} SET status = %s, started_at = %s, attempts = attempts + 1 "  # noqa: S608
        f"WHERE id = %s AND (status = %s OR (status = %s AND started_at < %s)) "
        f"AND NOT EXISTS (SELECT 1 FROM {table} r WHERE r.candidate_id = {table}.candidate_id "
        f"AND r.status = %s AND r.started_at >= %s AND r.id <> {table}.id) "
        f"RETURNING {columns}"
    )


def assessment_run(*, assessment_id: UUID) -> None:
    assessment = assessment_claim(assessment_id=assessment_id)
    if assessment is None:
        log.info("Assessment %s already claimed or finished; skipping", assessment_id)
        return
    if assessment.attempts > settings.VETTING_ASSESSMENT_MAX_ATTEMPTS:
        # Claimed again after runs that never finished (a worker killed mid-run, every time).
        last = assessment.error or "the worker running it was lost"
        assessment_fail(assessment_id=assessment_id, error=f"Gave up: {last}")
        _queue_next(candidate_id=assessment.candidate_id)
        return
    try:
        started = time.monotonic()
        outcome = _assess(assessment)
        if outcome is None:  # erased meanwhile
            return
        metrics.ASSESSMENT_DURATION.observe(time.monotonic() - started)
        log.info(
            "assessment stored",
            extra={
                "candidate_id": str(assessment.candidate_id),
                "assessment_id": str(assessment_id),
                "risk_score": outcome.risk_score,
                "scope": assessment.scope,
            },
        )
    except (OperationalError, InterfaceError):
        _claim_release(assessment_id=assessment_id)
        raise
    except Exception as exc:  # a bug or bad data: retried a bounded number of times
        log.exception("Assessment %s failed (attempt %s)", assessment_id, assessment.attempts)
        assessment_fault(assessment=assessment, error=f"{type(exc).__name__}: {exc}")
        _queue_next(candidate_id=assessment.candidate_id)  # after a store, the store queued it


_LINK_CHECKS = frozenset(check.name for check in CHECKS if check.reads_links)


def _assess(assessment: Assessment) -> engine.Outcome | None:
    """Run and store the assessment: a links-scope one re-runs only the checks that read other
    candidates and rescores them with the stored findings of the others, when it can (see
    `_links_base`); a full one first keys the candidate and fans out to the holders of the
    values that changed."""
    ctx = Context(links=CandidateLinkIndex())
    if assessment.scope == Assessment.Scope.LINKS:
        base = _links_base(assessment)
        if base is not None:
            subject, reused, rules = base
            outcome = engine.evaluate(subject, rules, ctx, only=_LINK_CHECKS, reused=reused)
            assessment_store(assessment=assessment, rules=rules, outcome=outcome)
            return outcome
        assessment.scope = Assessment.Scope.FULL  # recorded as what it ran
        Assessment.objects.filter(id=assessment.id).update(scope=Assessment.Scope.FULL)
    rules = ruleset_active_snapshot()
    subject = _keys_refresh(candidate_id=assessment.candidate_id)
    if subject is None:
        return None
    outcome = engine.evaluate(subject, rules, ctx)
    assessment_store(assessment=assessment, rules=rules, outcome=outcome)
    return outcome


def _links_base(assessment: Assessment) -> tuple[Subject, list[Finding], dict] | None:
    """What a links-scope run needs, in one statement: the subject as the link checks read it
    (the candidate's columns and link keys; no sessions, documents, observations or vendor
    record), the active rule set, and the stored findings of the other checks in the completed
    assessment it may reuse them from: the candidate's latest, made under the active rule set,
    with no full request after it that did not complete (the candidate changed since: a write
    requests a full assessment, which upgrades a pending links one, or runs, failed or is
    running). None: run full."""
    loaded = subject_load_with(
        candidate_id=assessment.candidate_id,
        relations=LINK_RELATIONS,
        vendor=False,
        extra=_links_base_annotations,
        arg=assessment.seq,
        prepared="links_base",
    )
    if loaded is None:
        return None
    subject, base = loaded
    rules = ruleset_snapshot_of(active=(base["_rules_version"], base["_rules_created_at"]))
    if base["_base_version"] != rules["version"] or base["_base_changed"]:
        return None  # no completed one (no version), another rule set's, or changed since
    return subject, _findings_stored(base["_base_findings"]), rules


def _links_base_annotations(seq: int) -> dict:
    """`_links_base`'s reads beside the subject, for a links-scope assessment numbered `seq`."""
    unfinished = Assessment.objects.filter(
        candidate_id=OuterRef("pk"),
        scope=Assessment.Scope.FULL,
        seq__gt=OuterRef("completed_assessment__seq"),
        seq__lt=seq,
    ).exclude(status=Assessment.Status.COMPLETED)
    active = RuleSet.objects.filter(is_active=True)  # ruleset_active_snapshot's row
    return {
        "_rules_version": Subquery(active.values("version")[:1]),
        "_rules_created_at": Subquery(active.values("created_at")[:1]),
        "_base_version": F("completed_assessment__ruleset_version"),
        "_base_changed": Exists(unfinished),
        "_base_findings": json_rows(
            Signal,
            _FINDING_COLUMNS,
            key="assessment_id",
            outer="completed_assessment_id",
            exclude=("check_name", sorted(_LINK_CHECKS)),
        ),
    }


_FINDING_COLUMNS = (
    "code",
    "message",
    ("json", "evidence"),
    ("json", "related_candidates"),
    "related_count",
)


def _findings_stored(aggregated: str | None) -> list[Finding]:
    """Stored signals (`_FINDING_COLUMNS` rows as one JSON array) as the findings they were
    made from (the engine rescores them under the rule set; the related list was already
    capped, its count kept)."""
    return [
        Finding(
            code=code,
            message=message,
            evidence=evidence,
            related=tuple(Related(UUID(r["id"]), r["shared"]) for r in related),
            related_count=related_count,
        )
        for code, message, evidence, related, related_count in (
            json.loads(aggregated) if aggregated else ()
        )
    ]


def _queue_next(*, candidate_id: UUID) -> None:
    """After a run ends: the candidate's pending assessment (requested while this one ran, and
    held back by `assessment_claim`) is queued now. One indexed lookup; a duplicate delivery is
    harmless. One the sweep is to queue later (low priority) is left to it."""
    try:
        row = (
            Assessment.objects.filter(
                candidate_id=candidate_id,
                status=Assessment.Status.PENDING,
                queued_at__isnull=False,
            )
            .values_list("id", "trigger")
            .first()
        )
    except DatabaseError:  # the sweep queues it after VETTING_REQUEUE_SECONDS
        log.warning("Could not look up the next assessment of %s", candidate_id)
        return
    if row is not None:
        assessment_enqueue(assessment_id=row[0], trigger=row[1])


def _keys_refresh(*, candidate_id: UUID) -> Subject | None:
    """The assessment's first step: bring the candidate's link keys in step with its data (the
    write derives none, and decodes no image), and load its subject with them (one read for
    both); then request the reassessment of the other holders of the values that changed, one
    hop, capped. Holders are looked up after the keys are committed, so that of two candidates
    keyed at the same time at least one sees the other. Holders another transaction has locked
    go to the durable backlog (candidates.locks), so two workers fanning out to overlapping
    holders never wait on each other. None: the candidate was erased."""
    subject, changed, client_id = candidate_keys_sync(candidate_id=candidate_id)
    if changed:
        _holders_refresh(candidate_id=candidate_id, client_id=client_id, keys=changed)
    return subject


def _holders_refresh(*, candidate_id: UUID, client_id: UUID, keys: list) -> None:
    """Request a link-only refresh of the other holders of `keys` (kind, value, display), one
    hop, capped; holders another transaction has locked go to the durable backlog."""
    with transaction.atomic():
        now, later = link_keys_holders_by_value(candidate_id=candidate_id, keys=keys)
        if now or later:
            free, busy = linked_lock(candidate_ids=now + later)
            linked_reassess_after_commit(candidate_ids=busy, changed=candidate_id)
            free_set = set(free)
            assessment_request_linked(
                client_id=client_id,
                candidate_ids=[pk for pk in now if pk in free_set],
                later=[pk for pk in later if pk in free_set],
            )


def _referrals_refresh(*, candidate_id: UUID, client_id: UUID, external_id: str) -> None:
    """After a store moved the candidate into or out of high/critical: the candidates it referred
    read its level (`link.referral_ring` fires on a referral by one assessed high or critical,
    when nothing else links them), so their link signals are refreshed as for a changed shared
    value. After the store's commit; a failure leaves them to the sweep of stale links."""
    key = (LinkKind.REFERRED_BY, f"{client_id}:{external_id}", "")
    try:
        _holders_refresh(candidate_id=candidate_id, client_id=client_id, keys=[key])
    except DatabaseError:
        log.warning("Could not refresh the referrals of %s", candidate_id)


def _claim_release(*, assessment_id: UUID) -> None:
    """The database blinked: give the claim (and the attempt) back for the task's retry. The
    connection that failed may be dead (a restart, a terminated backend): then try once more on
    a new one, or the claim would wait VETTING_STALE_RUNNING_SECONDS for the sweep."""
    for _ in range(2):
        try:
            _back_to_pending(assessment_id=assessment_id, attempts=F("attempts") - 1)
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
        if _back_to_pending(assessment_id=assessment.id, error=error[:2000], queued_at=None):
            _candidate_status(assessment, Assessment.Status.PENDING)


def _back_to_pending(*, assessment_id: UUID, **fields) -> bool:
    """running -> pending, under the candidate's row lock (as requests take it). If a newer
    request is pending already (one per candidate), that one does this one's work (upgraded to
    full if this one was) and this one ends as failed, superseded; then False."""
    with transaction.atomic():
        row = (
            Assessment.objects.filter(id=assessment_id, status=Assessment.Status.RUNNING)
            .values_list("candidate_id", "scope")
            .first()
        )
        if row is None:
            return False
        candidate_id, scope = row
        list(Candidate.objects.select_for_update(of=("self",)).filter(pk=candidate_id).values("pk"))
        newer = Assessment.objects.filter(
            candidate_id=candidate_id, status=Assessment.Status.PENDING
        ).exclude(id=assessment_id)
        if not newer.exists():
            running = Assessment.objects.filter(id=assessment_id, status=Assessment.Status.RUNNING)
            return running.update(status=Assessment.Status.PENDING, **fields) == 1
        if scope == Assessment.Scope.FULL:
            newer.update(scope=Assessment.Scope.FULL)
        Assessment.objects.filter(id=assessment_id, status=Assessment.Status.RUNNING).update(
            status=Assessment.Status.FAILED,
            error=f"Superseded by a newer request after: {fields.get('error') or 'a retry'}"[:2000],
            assessed_at=timezone.now(),
        )
        return False


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
    (erasure takes the candidate's row lock, and its assessments go with it). The candidate's
    update comes first and takes that lock; it also says whether the client has a webhook and
    which assessment waits behind this one, so neither is looked up again. On PostgreSQL the
    assessment's own update travels with it: the store is that round trip and the signals'."""
    now = timezone.now()
    # Versions are immutable once saved (edits make a new one), so the number explains the score.
    completed = {
        "status": Assessment.Status.COMPLETED,
        "risk_score": outcome.risk_score,
        "risk_level": outcome.risk_level,
        "ruleset_version": rules["version"],
        "assessed_at": now,
        "error": "",
    }
    candidate = _candidate_scored(assessment=assessment, completed=completed)
    if candidate is None:
        return
    for field, value in completed.items():
        setattr(assessment, field, value)
    if connection.vendor != "postgresql":  # there the candidate's statement carried it
        assessment.save(update_fields=list(completed))
    if candidate.next_id is not None:  # requested while this one ran: it follows now
        next_id, trigger = candidate.next_id, candidate.next_trigger
        transaction.on_commit(lambda: assessment_enqueue(assessment_id=next_id, trigger=trigger))
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
    if candidate.completed_assessment_id != assessment.id:
        return  # a newer assessment already completed; this older one only joins the history
    if (candidate.level_before in FLAGGED_LEVELS) != (outcome.risk_level in FLAGGED_LEVELS):
        referrer = {
            "candidate_id": candidate.pk,
            "client_id": candidate.client_id,
            "external_id": candidate.external_id,
        }
        transaction.on_commit(lambda: _referrals_refresh(**referrer))
    # After the candidate's new score is written: a reset's review.updated event carries it.
    reviews.review_reset_if_worse(
        candidate=candidate,
        current=assessment,
        current_signals={s.code: s.severity for s in outcome.signals},
    )
    _on_finished(assessment, webhook=bool(candidate.hooked))
    _watch_probing(candidate, assessment, outcome)


def _candidate_scored(*, assessment: Assessment, completed: dict) -> Candidate | None:
    """The candidate's denormalised score and status, in one UPDATE under its row lock, unless
    a newer assessment completed already (then only the status, which is the newest requested
    one's). Returns the candidate's review state, client, completed assessment, whether its
    client has a webhook (`hooked`) and its assessment waiting to be queued (`next_id`,
    `next_trigger`), and its risk level before this store (`level_before`); None if it was
    erased.

    On PostgreSQL the lock is a statement of its own, sent with the UPDATE (and the
    assessment's, `completed`) in one round trip: the UPDATE's subqueries then read what
    committed before the lock was granted (in READ COMMITTED a statement reads other rows as of
    its start). If the candidate was erased, the assessment went with it: nothing is updated."""
    quote = connection.ops.quote_name
    c, a = quote(Candidate._meta.db_table), quote(Assessment._meta.db_table)
    hooks_table = quote(ApiClient._meta.db_table)
    # Only model metadata is interpolated: every value is a parameter.
    previous = f"(SELECT p.seq FROM {a} p WHERE p.id = {c}.completed_assessment_id)"  # noqa: S608
    older = f"(COALESCE({previous}, 0) <= %s)"
    waiting = (
        f"(SELECT n.{{}} FROM {a} n WHERE n.candidate_id = {c}.id AND n.status = %s "  # noqa: S608
        "AND n.queued_at IS NOT NULL ORDER BY n.seq LIMIT 1)"
    )
    assessed_at = connection.ops.adapt_datetimefield_value(completed["assessed_at"])
    updated = {
        "completed_assessment_id": _uuid(assessment.id),
        "risk_score": completed["risk_score"],
        "risk_level": completed["risk_level"],
        "assessed_at": assessed_at,
    }
    sets = [f"{col} = CASE WHEN {older} THEN %s ELSE {col} END" for col in updated]
    params: list = [p for value in updated.values() for p in (assessment.seq, value)]
    sets.append(
        "assessment_status = CASE WHEN latest_assessment_id = %s THEN %s ELSE assessment_status END"
    )
    params += [_uuid(assessment.id), Assessment.Status.COMPLETED, _uuid(assessment.candidate_id)]
    params += [Assessment.Status.PENDING, Assessment.Status.PENDING]
    sql = (
        f"UPDATE {c} SET {', '.join(sets)} WHERE id = %s "  # noqa: S608
        "RETURNING id, client_id, external_id, review_status, review_decided_at, "
        "completed_assessment_id, "
        f"(SELECT h.webhook_url <> '' FROM {hooks_table} h WHERE h.id = {c}.client_id) AS hooked, "
        f"{waiting.format('id')} AS next_id, {waiting.format('trigger')} AS next_trigger"
    )
    level_before = None
    if connection.vendor == "postgresql":
        own = ", ".join(f"{quote(field)} = %s" for field in completed)
        # A subquery in RETURNING reads the statement's snapshot: the row before this UPDATE.
        before = f"(SELECT o.risk_level FROM {c} o WHERE o.id = {c}.id) AS level_before"  # noqa: S608
        sql = (
            f"SELECT 1 FROM {c} WHERE id = %s FOR UPDATE; "  # noqa: S608
            f"UPDATE {a} SET {own} WHERE id = %s; {sql}, {before}"
        )
        values = [assessed_at if f == "assessed_at" else v for f, v in completed.items()]
        params = [assessment.candidate_id, *values, assessment.id, *params]
    else:  # SQLite's RETURNING subqueries see the new row; one writer at a time: read it first
        level_before = (
            Candidate.objects.filter(pk=assessment.candidate_id)
            .values_list("risk_level", flat=True)
            .first()
        )
    row = next(iter(Candidate.objects.raw(sql, params)), None)
    if row is not None and level_before is not None:
        row.level_before = level_before
    if row is not None and isinstance(row.next_id, str):  # SQLite: the hex text
        row.next_id = UUID(row.next_id)
    return row


def _uuid(value: UUID) -> UUID | str:
    """A UUID as a raw statement's parameter: PostgreSQL's own type, SQLite's 32-character text."""
    return value if connection.features.has_native_uuid_field else value.hex


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


def _on_finished(assessment: Assessment, *, webhook: bool = True) -> None:
    """In the transaction that finishes `assessment`: its webhook event commits with it.
    `webhook=False`: the caller knows the client has no webhook URL, so nothing is looked up."""
    metrics.ASSESSMENTS_FINISHED.labels(
        assessment.status, assessment.risk_level or "none", assessment.trigger
    ).inc()
    if assessment.status == Assessment.Status.COMPLETED and assessment.requested_at:
        waited = (timezone.now() - assessment.requested_at).total_seconds()
        metrics.ASSESSMENT_LATENCY.labels(assessment.trigger).observe(waited)
    if webhook:
        hooks.assessment_finished(
            candidate_id=assessment.candidate_id,
            status=assessment.status,
            trigger=assessment.trigger,
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


def link_refresh_sweep(*, limit: int = 1000) -> int:
    """Queue the link-only refreshes a write left waiting (holders of a low-value value: a
    subnet, or one held by more than VETTING_LINK_LOW_VALUE_HOLDERS), once they are
    VETTING_LINK_REFRESH_GRACE_SECONDS old: the writes of a burst that share the value have
    coalesced into one refresh per holder by then. On the reassessment queue, oldest first; one
    the broker refuses is left for the next pass. What the assessment sweep does for lost work
    it still does, after its own grace period."""
    now = timezone.now()
    before = now - timedelta(seconds=settings.VETTING_LINK_REFRESH_GRACE_SECONDS)
    ids = list(
        Assessment.objects.filter(
            status=Assessment.Status.PENDING,
            requested_at__lt=before,
            queued_at__isnull=True,
            scope=Assessment.Scope.LINKS,
            trigger=Assessment.Trigger.LINK,
        )
        .order_by("requested_at")
        .values_list("id", flat=True)[:limit]
    )
    if not ids:
        return 0
    # Marked before they are sent: a refusal clears the mark of those not sent.
    Assessment.objects.filter(id__in=ids, status=Assessment.Status.PENDING).update(queued_at=now)
    queued = assessment_enqueue_many(assessment_ids=ids, trigger=Assessment.Trigger.LINK)
    metrics.SWEEP_REQUEUED.labels("link_refresh").inc(queued)
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
