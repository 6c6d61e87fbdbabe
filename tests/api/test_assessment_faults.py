"""Nothing sticks: generated text cannot overflow a column, and an assessment whose storing
fails is retried a bounded number of times, then marked failed (and reported) — never left
`running` for the sweep to retry forever."""

from __future__ import annotations

import pytest

from candidates.models import AuditEvent, Candidate, ReviewDecision
from candidates.services import review_decide
from tests.api.conftest import contract_example, data_uri, image_b64

URL = "/api/v1/candidates/"


def _ring_member(external_id: str) -> dict:
    """The contract's candidate with every linkable value filled, images included."""
    body = contract_example()
    body["external_id"] = external_id
    body["photo"] = data_uri("PNG", (64, 64), (120, 40, 200))
    body["documents"][0]["image"] = image_b64("JPEG", (64, 40), (30, 160, 90))
    body["resume_text"] = " ".join(
        f"Built and operated service number {n} on Kubernetes, Terraform and Go." for n in range(60)
    )
    return body


def test_a_cleared_candidate_gaining_many_link_signals_is_reassessed_and_sent_back(
    api, django_capture_on_commit_callbacks
):
    # "new link signals: " + every new code used to overflow ReviewDecision.reason
    # (varchar(200)) on PostgreSQL inside assessment_store: the assessment stayed `running`.
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(URL, _ring_member("ring-a"))
    assert first.status_code == 201, first.json()
    a = Candidate.objects.get(pk=first.json()["id"])
    review_decide(candidate=a, status="cleared", note="checked by phone", user=None)

    with django_capture_on_commit_callbacks(execute=True):
        second = api.post(URL, _ring_member("ring-b"))
    assert second.status_code == 201, second.json()

    a.refresh_from_db()
    latest = a.latest_assessment
    assert latest.trigger == "link"
    assert latest.status == "completed", latest.error
    codes = sorted(latest.signals.filter(code__startswith="link.").values_list("code", flat=True))
    assert len("new link signals: " + ", ".join(codes)) > 200  # overflowed the old reason
    assert a.review_status == "unreviewed"
    reset = ReviewDecision.objects.filter(candidate=a, status="unreviewed").latest("decided_at")
    assert reset.reason.startswith("new signals of severity medium or above: link.")
    assert "more" in reset.reason  # cut to fit, saying how many were left out
    assert len(reset.reason) <= ReviewDecision._meta.get_field("reason").max_length
    # The full list is kept where it fits: the audit event.
    event = AuditEvent.objects.filter(candidate_id=a.pk, action="review.reset").latest("id")
    assert len(event.detail["new_signals"]) > reset.reason.count(",") + 1
    assert set(event.detail["new_signals"]) <= set(codes)


@pytest.fixture
def storing_fails():
    """A real database fault while storing: PostgreSQL refuses to complete any assessment."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the fault is a PostgreSQL trigger")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_completion() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'could not extend file: No space left on device'; END $$ "
            "LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse_completion BEFORE UPDATE ON candidates_assessment "
            "FOR EACH ROW WHEN (NEW.status = 'completed') EXECUTE FUNCTION test_refuse_completion()"
        )

    def heal():
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER test_refuse_completion ON candidates_assessment")

    return heal


def test_an_assessment_that_cannot_be_stored_is_retried_then_failed_and_reported(
    api_client_factory, storing_fails, settings, django_capture_on_commit_callbacks
):
    from candidates import pipeline
    from candidates.models import WebhookEvent
    from tests.api.conftest import Api

    settings.VETTING_SWEEP_GRACE_SECONDS = 0
    client, key = api_client_factory(name="ats-hooks", webhook_url="http://127.0.0.1:9/hooks")
    api = Api(key, client)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, _ring_member("stuck-1"))
    assert response.status_code == 201  # the save itself succeeds
    candidate = Candidate.objects.get(pk=response.json()["id"])
    assessment = candidate.latest_assessment
    # The first attempt failed: back to pending with its reason, for the sweep.
    assert (assessment.status, assessment.attempts) == ("pending", 1)
    assert "No space left on device" in assessment.error
    candidate.refresh_from_db()
    assert candidate.assessment_status == "pending"

    for attempt in (2, 3):
        with django_capture_on_commit_callbacks(execute=True):
            assert pipeline.assessment_sweep() == 1
        assessment.refresh_from_db()
        assert assessment.attempts == attempt
    assert assessment.status == "failed"  # bounded: the last attempt gave up
    assert "No space left on device" in assessment.error
    assert pipeline.assessment_sweep() == 0  # nothing left for the sweep to retry forever
    candidate.refresh_from_db()
    assert candidate.assessment_status == "failed"
    events = WebhookEvent.objects.filter(candidate_id=candidate.pk)
    assert list(events.values_list("type", flat=True)) == ["assessment.failed"]

    storing_fails()  # the disk is freed; a reassessment works again
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"{URL}{candidate.pk}/reassess/").status_code == 202
    candidate.refresh_from_db()
    assert candidate.assessment_status == "completed"
