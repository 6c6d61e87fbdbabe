"""Simulating a draft over stored candidates, checked against hand-computed figures and against
what publishing and rescoring really does."""

from __future__ import annotations

import pytest

from candidates.models import Candidate
from candidates.rules import services
from candidates.rules.models import RuleSimulation
from candidates.rules.simulate import summary
from checks.drafts import rules_of, ruleset_draft_create, ruleset_draft_update
from checks.models import RuleSet
from tests.rules.conftest import BAD_PHONE, scored

pytestmark = pytest.mark.django_db


def _draft(**changes):
    draft = ruleset_draft_create(via="test")
    rules = rules_of(draft)
    for code, row in changes.get("signals", {}).items():
        rules["signals"][code].update(row)
    for name, params in changes.get("params", {}).items():
        rules["checks"][name]["params"].update(params)
    rules["bands"].update(changes.get("bands", {}))
    ruleset_draft_update(draft=draft, rules=rules, via="test")
    return draft


def _simulate(draft, **filters):
    sim = services.simulation_start(draft=draft, filters=filters, run=False)
    services.simulation_run(simulation_id=sim.id, chunk=2)  # several chunks for five candidates
    sim.refresh_from_db()
    return sim


def test_stored_findings_are_what_the_hand_computation_assumes(decided_set):
    codes = {
        key: set(c.completed_assessment.signals.values_list("code", flat=True))
        for key, c in decided_set.items()
    }
    assert codes == {
        "a": {"phone.invalid"},
        "b": {"phone.invalid"},
        "c": set(),
        "d": set(),
        "e": {"phone.invalid"},
    }
    assert {c.risk_score for c in decided_set.values()} == {0, 15}


def test_points_only_draft_gives_the_hand_computed_levels_and_agreement(decided_set):
    # phone.invalid 15 -> 60 points: a, b, e go from low (15) to high (60); c, d stay low (0).
    sim = _simulate(_draft(signals={"phone.invalid": {"points": 60}}))
    assert sim.status == "done" and (sim.done, sim.total) == (5, 5)
    assert sim.rerun_checks == []  # points only: stored findings reused
    result = sim.result
    assert result["levels"]["active"] == {"low": 5, "medium": 0, "high": 0, "critical": 0}
    assert result["levels"]["draft"] == {"low": 2, "medium": 0, "high": 3, "critical": 0}
    assert result["changed_count"] == 3
    changed = {c["name"]: (c["before"], c["after"], c["score_after"]) for c in result["changed"]}
    assert changed == {n: ("low", "high", 60) for n in ("Ann Reject", "Ben Clear", "Eve Open")}
    # Flagged = high or above. Active flags nobody: of the two rejected it misses both.
    # Draft flags a (rejected: TP) and b (cleared: FP), misses c (FN), passes d (TN).
    stats = summary(result)["agreement"]
    assert stats["active"] == {"tp": 0, "fp": 0, "fn": 2, "tn": 2, "precision": None, "recall": 0}
    assert stats["draft"] == {"tp": 1, "fp": 1, "fn": 1, "tn": 1, "precision": 0.5, "recall": 0.5}
    hits = summary(result)["hit_rates"]["draft"]
    assert hits == {"phone.invalid": {"rejected": 0.5, "cleared": 0.5}}


def test_a_band_change_moves_levels_without_running_a_check(
    decided_set, django_assert_max_num_queries
):
    draft = _draft(bands={"medium": 10})
    sim = services.simulation_start(draft=draft, filters={"decided_only": True}, run=False)
    assert sim.total == 4
    with django_assert_max_num_queries(12):  # claim, then per chunk: candidates, signals, save
        services.simulation_run(simulation_id=sim.id, chunk=2)
    sim.refresh_from_db()
    assert sim.result["levels"]["draft"] == {"low": 2, "medium": 2, "high": 0, "critical": 0}
    assert summary(sim.result)["agreement"]["draft"]["tp"] == 0  # medium is not flagged at high
    flagged_at_medium = _simulate(draft, decided_only=True, flag_level="medium")
    assert summary(flagged_at_medium.result)["agreement"]["draft"]["precision"] == 0.5


def test_a_parameter_change_reruns_only_that_check_and_predicts_the_published_result(
    db, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    # A browser clock in Seoul for a candidate claiming Chicago: timezone.mismatch (35, medium).
    night = {"timezone": "Asia/Seoul", "seen_at": "2026-11-03T15:00:00Z"}
    seoul = [scored(sessions=[night], review="rejected", full_name=f"Seoul {i}") for i in range(2)]
    plain = scored(phone=BAD_PHONE, review="cleared", full_name="Plain")
    assert all(c.risk_level == "medium" for c in seoul) and plain.risk_level == "low"
    draft = _draft(params={"timezone": {"mismatch_min_count": 3}})
    # The re-run loads a chunk's candidates with their relations in one statement: 18 in all
    # here, where per-relation prefetches and a contact-change query per candidate made it 27.
    with django_assert_max_num_queries(18):
        sim = _simulate(draft)
    assert sim.rerun_checks == ["timezone"]
    assert sim.result["levels"]["draft"] == {"low": 3, "medium": 0, "high": 0, "critical": 0}
    assert {c["name"] for c in sim.result["changed"]} == {"Seoul 0", "Seoul 1"}
    # What publishing and rescoring really gives is what the simulation said.
    with django_capture_on_commit_callbacks(execute=True):
        services.rules_publish(draft=draft, note="fewer tz flags", via="test", rescore=True)
    assert sorted(Candidate.objects.values_list("risk_level", flat=True)) == ["low"] * 3


def test_a_simulation_leaves_stored_assessments_and_the_active_version_alone(decided_set):
    before = list(
        Candidate.objects.order_by("pk").values_list("risk_score", "completed_assessment")
    )
    active = RuleSet.objects.get(is_active=True).version
    _simulate(_draft(signals={"phone.invalid": {"points": 90}}))
    after = list(Candidate.objects.order_by("pk").values_list("risk_score", "completed_assessment"))
    assert after == before and RuleSet.objects.get(is_active=True).version == active


def test_a_second_delivery_of_a_finished_run_changes_nothing(decided_set):
    sim = services.simulation_start(draft=_draft(), filters={}, run=False)
    services.simulation_run(simulation_id=sim.id, chunk=2)
    sim.refresh_from_db()
    assert sim.status == RuleSimulation.Status.DONE
    # A second delivery of the task finds it done and changes nothing.
    services.simulation_run(simulation_id=sim.id, chunk=2)
    assert RuleSimulation.objects.get(id=sim.id).done == 5


def test_the_sweep_resumes_a_simulation_whose_worker_died(decided_set, settings):
    from datetime import timedelta

    from django.utils import timezone

    sim = services.simulation_start(draft=_draft(), filters={}, run=False)
    services.simulation_claim(simulation_id=sim.id)
    services._simulation_step(RuleSimulation.objects.get(id=sim.id), 2)  # then the worker died
    RuleSimulation.objects.filter(id=sim.id).update(
        updated_at=timezone.now() - timedelta(seconds=settings.VETTING_STALE_RUNNING_SECONDS + 1)
    )
    assert services.simulation_resume_stalled() == 1  # inline here: runs to the end
    sim.refresh_from_db()
    assert sim.status == "done" and sim.done == 5
    assert sum(sim.result["levels"]["draft"].values()) == 5  # each candidate counted once


def test_a_worker_that_lost_its_run_to_another_stops_without_counting_twice(decided_set):
    sim = services.simulation_start(draft=_draft(), filters={}, run=False)
    services.simulation_claim(simulation_id=sim.id)
    slow = RuleSimulation.objects.get(id=sim.id)  # this worker's copy, about to do chunk one
    services._simulation_step(RuleSimulation.objects.get(id=sim.id), 2)  # another did it first
    assert services._simulation_step(slow, 2) is False
    assert RuleSimulation.objects.get(id=sim.id).done == 2
