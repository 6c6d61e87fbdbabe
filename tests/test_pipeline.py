"""The assessment pipeline in-process: request, claim, store, sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from candidates import pipeline
from candidates.models import Assessment, Candidate, Signal
from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


def _request(candidate, trigger="upsert"):
    return pipeline.assessment_request(candidate=candidate, trigger=trigger)


def test_request_creates_a_pending_assessment_and_marks_the_candidate():
    candidate = CandidateFactory()
    assessment = _request(candidate)
    candidate.refresh_from_db()
    assert assessment.status == "pending"
    assert assessment.seq == 1
    assert candidate.assessment_status == "pending"
    assert candidate.latest_assessment_id == assessment.id


def test_run_scores_and_denormalises_onto_the_candidate():
    candidate = CandidateFactory(phone="12")  # does not parse as a number: phone.invalid
    assessment = _request(candidate)
    pipeline.assessment_run(assessment_id=assessment.id)
    assessment.refresh_from_db()
    candidate.refresh_from_db()
    assert assessment.status == "completed"
    assert list(assessment.signals.values_list("code", flat=True)) == ["phone.invalid"]
    assert assessment.risk_score == 15 and assessment.ruleset_version >= 1
    from checks.models import RuleSet
    from checks.rulesets import ruleset_snapshot

    applied = ruleset_snapshot(RuleSet.objects.get(version=assessment.ruleset_version))
    assert applied["signals"]["phone.invalid"]["points"] == 15
    assert candidate.risk_score == 15 and candidate.completed_assessment_id == assessment.id
    assert candidate.assessment_status == "completed"


def test_a_duplicate_delivery_writes_one_assessment():
    candidate = CandidateFactory(phone="12")
    assessment = _request(candidate)
    pipeline.assessment_run(assessment_id=assessment.id)
    pipeline.assessment_run(assessment_id=assessment.id)  # redelivered
    assert Assessment.objects.filter(candidate=candidate).count() == 1
    assert Signal.objects.filter(assessment=assessment).count() == 1
    assessment.refresh_from_db()
    assert assessment.attempts == 1


def test_a_run_abandoned_by_a_dead_worker_is_taken_again_once_stale(settings):
    candidate = CandidateFactory()
    assessment = _request(candidate)
    Assessment.objects.filter(pk=assessment.pk).update(
        status="running", started_at=timezone.now() - timedelta(hours=1)
    )
    pipeline.assessment_run(assessment_id=assessment.id)
    assessment.refresh_from_db()
    assert assessment.status == "completed" and assessment.attempts == 1


def test_an_older_assessment_finishing_late_does_not_overwrite_a_newer_one():
    candidate = CandidateFactory(phone="12")
    old = _request(candidate)
    Candidate.objects.filter(pk=candidate.pk).update(phone="+1 314 200 0100")
    candidate.refresh_from_db()
    new = _request(candidate)
    pipeline.assessment_run(assessment_id=new.id)
    pipeline.assessment_run(assessment_id=old.id)
    candidate.refresh_from_db()
    assert candidate.completed_assessment_id == new.id
    assert candidate.risk_score == 0
    assert Assessment.objects.get(pk=old.pk).status == "completed"  # kept in the history


def test_an_assessment_of_an_erased_candidate_writes_nothing():
    candidate = CandidateFactory(phone="12")
    assessment = _request(candidate)
    candidate.delete()  # cascades to the assessment row too; the task still arrives
    pipeline.assessment_run(assessment_id=assessment.id)
    assert not Signal.objects.exists()
    assert not Assessment.objects.exists()


def test_the_sweep_requeues_pending_work_past_its_grace(settings):
    settings.VETTING_SWEEP_GRACE_SECONDS = 0
    candidate = CandidateFactory(phone="12")
    assessment = _request(candidate)  # on_commit never fires here: as if the broker was down
    Assessment.objects.filter(pk=assessment.pk).update(queued_at=None)  # as a refused publish
    assert pipeline.assessment_sweep() == 1  # inline in tests: runs it
    assessment.refresh_from_db()
    assert assessment.status == "completed"
    assert pipeline.assessment_sweep() == 0


def test_a_clear_decision_is_reset_when_the_risk_level_rises():
    from candidates.services import review_decide

    candidate = CandidateFactory()
    pipeline.assessment_run(assessment_id=_request(candidate).id)
    candidate.refresh_from_db()
    review_decide(candidate=candidate, status="cleared", note="", user=None)
    candidate.refresh_from_db()
    assert candidate.review_status == "cleared"
    from candidates.services import observation_create

    observation_create(candidate=candidate, code="interview.different_person", note="new face")
    pipeline.assessment_run(assessment_id=candidate.assessments.first().id)
    candidate.refresh_from_db()
    assert candidate.risk_level == "high"
    assert candidate.review_status == "unreviewed"
    assert list(candidate.reviews.values_list("status", flat=True)) == ["unreviewed", "cleared"]


def test_an_emptied_rule_set_table_falls_back_to_the_registry_defaults():
    from checks.models import RuleSet
    from checks.registry import code_info

    RuleSet.objects.all().delete()
    candidate = CandidateFactory(phone="12")
    assessment = _request(candidate)
    pipeline.assessment_run(assessment_id=assessment.id)
    assessment.refresh_from_db()
    assert assessment.status == "completed"
    assert assessment.risk_score == code_info("phone.invalid").points
    assert RuleSet.objects.filter(is_active=True).count() == 1


def test_a_new_rule_set_version_reassesses_every_candidate_under_it(
    django_capture_on_commit_callbacks, monkeypatch
):
    from checks.rulesets import ruleset_active, ruleset_save_new_version

    monkeypatch.setattr(pipeline, "RULESET_REASSESS_BATCH", 2)  # several batches for 5
    candidates = [CandidateFactory(phone="12") for _ in range(5)]
    for c in candidates:
        pipeline.assessment_run(assessment_id=_request(c).id)
    assert {c.risk_score for c in Candidate.objects.all()} == {15}
    with django_capture_on_commit_callbacks(execute=True):
        new = ruleset_save_new_version(
            base=ruleset_active(),
            note="phone.invalid matters more",
            signals={"phone.invalid": {"points": 40}},
        )
    for c in Candidate.objects.all():
        latest = c.assessments.first()
        assert latest.trigger == "ruleset" and latest.status == "completed"
        assert latest.ruleset_version == new.version
        assert c.risk_score == 40
        assert c.assessments.last().risk_score == 15  # the old score stays in the history


def test_requesting_many_reassessments_costs_a_fixed_number_of_queries(django_assert_num_queries):
    candidates = [CandidateFactory() for _ in range(30)]
    with django_assert_num_queries(3):  # lock and look up pending ones, insert, point at them
        assert (
            pipeline.assessment_request_many(
                candidate_ids=[c.pk for c in candidates], trigger="link"
            )
            == 30
        )
    for c in Candidate.objects.all():
        assert c.assessment_status == "pending"
        assert c.latest_assessment.trigger == "link" and c.latest_assessment.seq == 1


def test_erasure_redacts_free_text_from_the_audit_log_but_keeps_the_events():
    from candidates.models import AuditEvent
    from candidates.services import candidate_erase, observation_create, review_decide

    candidate = CandidateFactory()
    review_decide(
        candidate=candidate, status="escalated", note="Looks like Bob from Acme", user=None
    )
    observation_create(candidate=candidate, code="interview.camera_refused", note="Bob again")
    assert "Bob" in str(list(AuditEvent.objects.values_list("detail", flat=True)))
    candidate_erase(client=candidate.client, candidate_id=candidate.pk)
    events = AuditEvent.objects.filter(candidate_id=candidate.pk)
    assert {"review.decided", "observation.created", "candidate.erased"} <= set(
        events.values_list("action", flat=True)
    )
    assert "Bob" not in str(list(events.values_list("detail", flat=True)))
    assert events.get(action="review.decided").detail == {"status": "escalated", "redacted": True}


def test_a_rule_set_pass_that_never_started_is_resumed_by_the_sweep(settings, monkeypatch):
    from checks.models import RuleSet
    from checks.rulesets import ruleset_active, ruleset_save_new_version

    settings.VETTING_SWEEP_GRACE_SECONDS = 0
    monkeypatch.setattr(pipeline, "RULESET_REASSESS_BATCH", 2)
    for _ in range(3):
        CandidateFactory(phone="12")
    # Saved without its on-commit start (as when the broker was down at that moment).
    new = ruleset_save_new_version(base=ruleset_active(), signals={"phone.invalid": {"points": 30}})
    assert not Assessment.objects.filter(trigger="ruleset").exists()
    assert pipeline.ruleset_reassess_resume() is True  # inline in tests: runs the whole pass
    assert Assessment.objects.filter(trigger="ruleset").count() == 3
    # Their tasks were to be queued on commit, which a test never reaches: as if lost.
    settings.VETTING_REQUEUE_SECONDS = 0
    pipeline.assessment_sweep()
    assert set(Candidate.objects.values_list("risk_score", flat=True)) == {30}
    new.refresh_from_db()
    assert new.reassess_done_at is not None
    assert pipeline.ruleset_reassess_resume() is False  # done: nothing more to queue
    assert pipeline.ruleset_reassess_batch(version=new.version) is False
    assert RuleSet.objects.get(version=new.version).reassess_cursor is not None
