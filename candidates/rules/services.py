"""Services of the rules workspace: simulations, publishing with an optional rescore, progress."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from candidates import pipeline, tasks
from candidates.models import Assessment, Candidate
from candidates.rules import simulate
from candidates.rules.models import RuleSimulation
from checks.drafts import rules_of, ruleset_change_record, ruleset_publish
from checks.models import RuleSet, RuleSetChange
from checks.scoring import LEVELS
from links.queueing import enqueue

log = logging.getLogger(__name__)
SIMULATION_CHUNK = 2000


def simulation_start(
    *, draft: RuleSet, filters: dict[str, Any], user: Any = None, run: bool = True
) -> RuleSimulation:
    """Freeze the draft and the active rules, count the scope, and queue the run after commit.
    `filters`: created_from / created_to (ISO dates), client_id, level, decided_only, flag_level."""
    active = RuleSet.objects.get(is_active=True)
    draft = RuleSet.objects.get(pk=draft.pk, status=RuleSet.Status.DRAFT)  # as last saved
    active_rules, draft_rules = rules_of(active), rules_of(draft)
    sim = RuleSimulation.objects.create(
        draft=draft,
        active_version=active.version,
        active_rules=active_rules,
        draft_rules=draft_rules,
        filters=filters,
        rerun_checks=simulate.checks_to_rerun(active_rules, draft_rules),
        total=simulate.scope(filters).count(),
        created_by=user if user is not None and user.pk else None,
    )
    if run:
        transaction.on_commit(lambda: simulation_enqueue(simulation_id=sim.id))
    return sim


def simulation_enqueue(*, simulation_id: UUID) -> bool:
    """Broker down: the sweep (simulation_resume_stalled) queues it later; nothing is lost."""
    return enqueue(
        tasks.rules_simulate_task, str(simulation_id), what=f"simulation {simulation_id}"
    )


def simulation_resume_stalled() -> int:
    """For the periodic sweep: queue simulations whose message was lost (queued past the grace
    period) or whose worker died (running, quiet past the stale limit). They go on from their
    cursor. Returns how many were queued."""
    now = timezone.now()
    grace = now - timedelta(seconds=settings.VETTING_SWEEP_GRACE_SECONDS)
    stale = now - timedelta(seconds=settings.VETTING_STALE_RUNNING_SECONDS)
    ids = list(
        RuleSimulation.objects.filter(
            Q(status=RuleSimulation.Status.QUEUED, created_at__lt=grace)
            | Q(status=RuleSimulation.Status.RUNNING, updated_at__lt=stale)
        ).values_list("id", flat=True)[:10]
    )
    for simulation_id in ids:
        simulation_enqueue(simulation_id=simulation_id)
    return len(ids)


def simulation_claim(*, simulation_id: UUID) -> bool:
    """Queued -> running, or take over a run whose worker went quiet (resume from its cursor)."""
    stale = timezone.now() - timedelta(seconds=settings.VETTING_STALE_RUNNING_SECONDS)
    claimed = RuleSimulation.objects.filter(
        Q(status=RuleSimulation.Status.QUEUED)
        | Q(status=RuleSimulation.Status.RUNNING, updated_at__lt=stale),
        id=simulation_id,
    ).update(status=RuleSimulation.Status.RUNNING, updated_at=timezone.now())
    if claimed:
        RuleSimulation.objects.filter(id=simulation_id, started_at__isnull=True).update(
            started_at=timezone.now()
        )
    return claimed == 1


def simulation_run(*, simulation_id: UUID, chunk: int = SIMULATION_CHUNK) -> None:
    if not simulation_claim(simulation_id=simulation_id):
        return
    sim = RuleSimulation.objects.get(id=simulation_id)
    try:
        while _simulation_step(sim, chunk):
            pass
    except Exception as exc:
        log.exception("Simulation %s failed", simulation_id)
        RuleSimulation.objects.filter(id=simulation_id).update(
            status=RuleSimulation.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )


def _simulation_step(sim: RuleSimulation, chunk: int) -> bool:
    """One chunk: score it both ways, save the totals and the cursor. True while more remain.
    The save is a compare-and-set on the cursor: if another worker took the run over meanwhile
    (this one looked dead), this one stops instead of counting a chunk twice."""
    rows = simulate.chunk_rows(filters=sim.filters, after=sim.cursor, size=chunk)
    tally = simulate.Tally.load(sim.result)
    simulate.simulate_chunk(
        tally,
        rows,
        active=sim.active_rules,
        draft=sim.draft_rules,
        rerun=sim.rerun_checks,
        flag_at=LEVELS.index(sim.filters.get("flag_level") or "high"),
    )
    more = len(rows) == chunk
    now = timezone.now()
    changes: dict[str, Any] = {
        "result": tally.as_json(),
        "done": sim.done + len(rows),
        "cursor": rows[-1].id if rows else sim.cursor,
        "updated_at": now,
    }
    if not more:  # candidates added or erased meanwhile: the run's own count is the total
        changes.update(total=changes["done"], status=RuleSimulation.Status.DONE, finished_at=now)
    saved = RuleSimulation.objects.filter(
        id=sim.id, status=RuleSimulation.Status.RUNNING, cursor=sim.cursor, done=sim.done
    ).update(**changes)
    if not saved:
        return False
    for name, value in changes.items():
        setattr(sim, name, value)
    return more


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    started_at: datetime | None
    finished: bool

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0

    @property
    def rate(self) -> float | None:
        """Candidates per second since the start."""
        if self.started_at is None or not self.done:
            return None
        seconds = max((timezone.now() - self.started_at).total_seconds(), 0.001)
        return self.done / seconds

    @property
    def eta_seconds(self) -> int | None:
        rate = self.rate
        if self.finished or not rate:
            return None if not self.finished else 0
        return int(max(self.total - self.done, 0) / rate)


def simulation_progress(sim: RuleSimulation) -> Progress:
    return Progress(
        done=sim.done,
        total=sim.total,
        started_at=sim.started_at,
        finished=sim.status == RuleSimulation.Status.DONE,
    )


def rules_publish(
    *, draft: RuleSet, note: str, user: Any = None, via: str, actor: str = "", rescore: bool
) -> RuleSet:
    """Publish the draft; with `rescore`, the rule-set pass reassesses every candidate under it
    (chunked, its cursor on the rule set, resumed by the sweep after a broker fault)."""
    with transaction.atomic():
        new = ruleset_publish(
            draft=draft, note=note, user=user, via=via, actor=actor, rescore=rescore
        )
        if rescore:
            version = new.version
            transaction.on_commit(lambda: pipeline.ruleset_reassess_start(version=version))  # type: ignore[arg-type]
    return new


def rescore_start(*, user: Any = None, via: str, actor: str = "") -> RuleSet:
    """Rescore every candidate under the active version (after a publish without rescoring)."""
    with transaction.atomic():
        active = RuleSet.objects.select_for_update().get(is_active=True)
        active.reassess_cursor = None
        active.reassess_touched_at = None
        active.reassess_done_at = None
        active.save(update_fields=["reassess_cursor", "reassess_touched_at", "reassess_done_at"])
        ruleset_change_record(
            action=RuleSetChange.Action.RESCORED, user=user, via=via, actor=actor, ruleset=active
        )
        version = active.version
        transaction.on_commit(lambda: pipeline.ruleset_reassess_start(version=version))  # type: ignore[arg-type]
    return active


def rescore_progress(ruleset: RuleSet) -> Progress | None:
    """How far the rescoring pass of `ruleset` is: its completed rule-set assessments out of the
    candidates that existed when it started (later ones are scored under it by their own write).
    None when no pass was asked for this version."""
    started = (
        RuleSetChange.objects.filter(
            ruleset=ruleset,
            action__in=(RuleSetChange.Action.PUBLISHED, RuleSetChange.Action.RESCORED),
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if ruleset.reassess_done_at is not None and ruleset.reassess_touched_at is None:
        return None  # published without rescoring
    started = started or ruleset.created_at
    done = Assessment.objects.filter(
        trigger=Assessment.Trigger.RULESET,
        ruleset_version=ruleset.version,
        status=Assessment.Status.COMPLETED,
    ).count()
    total = Candidate.objects.filter(created_at__lte=started).count()
    return Progress(
        done=min(done, total),
        total=total,
        started_at=started,
        finished=ruleset.reassess_done_at is not None and done >= total,
    )
