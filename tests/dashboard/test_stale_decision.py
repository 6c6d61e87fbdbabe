"""A stale decision cannot hide new evidence: the decision form carries the assessment it was
made on, and a decision made on one that a newer completed assessment replaced is refused with
what changed."""

import re

import pytest

from candidates import pipeline
from candidates.models import AuditEvent, ReviewDecision
from candidates.services import observation_create
from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


def _shown_assessment(client, candidate) -> str:
    page = client.get(f"/candidates/{candidate.pk}/").content.decode()
    found = re.search(r'name="decision-assessment" value="([0-9a-f-]*)"', page)
    assert found, "the decision form carries the assessment shown"
    return found.group(1)


def test_a_decision_made_on_an_older_assessment_is_refused_with_what_changed(
    client, recruiter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        candidate = CandidateFactory(phone="12")  # phone.invalid: the evidence first shown
        pipeline.assessment_request(candidate=candidate, trigger="upsert")
    candidate.refresh_from_db()
    assert candidate.assessment_status == "completed"
    client.force_login(recruiter)
    seen = _shown_assessment(client, candidate)
    assert seen == str(candidate.completed_assessment_id)

    # Meanwhile, an interviewer's observation is scored: a newer assessment completes.
    with django_capture_on_commit_callbacks(execute=True):
        observation_create(candidate=candidate, code="interview.different_person", note="x")
    candidate.refresh_from_db()
    assert str(candidate.completed_assessment_id) != seen

    url = f"/candidates/{candidate.pk}/decision/"
    body = {"decision-status": "cleared", "decision-note": "Fine", "decision-assessment": seen}
    page = client.post(url, body, follow=True).content.decode()
    candidate.refresh_from_db()
    assert candidate.review_status == "unreviewed"  # nothing recorded
    assert not ReviewDecision.objects.filter(candidate=candidate, status="cleared").exists()
    assert not AuditEvent.objects.filter(action="review.decided").exists()
    assert "Decision not recorded" in page
    assert "new signals: interview.different_person" in page
    assert f"→ {candidate.risk_score} ({candidate.risk_level})" in page
    assert "Your note was: “Fine”" in page

    # Decided again on the page as it now is: recorded.
    body["decision-assessment"] = _shown_assessment(client, candidate)
    client.post(url, body)
    candidate.refresh_from_db()
    assert candidate.review_status == "cleared" and candidate.review_decided_by == recruiter


def test_a_decision_on_the_current_assessment_is_recorded(client, recruiter):
    candidate = CandidateFactory()
    pipeline.assessment_run(
        assessment_id=pipeline.assessment_request(candidate=candidate, trigger="upsert").id
    )
    client.force_login(recruiter)
    body = {
        "decision-status": "escalated",
        "decision-note": "Ask for a video call",
        "decision-assessment": _shown_assessment(client, candidate),
    }
    client.post(f"/candidates/{candidate.pk}/decision/", body)
    candidate.refresh_from_db()
    assert candidate.review_status == "escalated"
