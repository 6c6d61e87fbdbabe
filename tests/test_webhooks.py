"""Webhook delivery to a real HTTP server on loopback: signing, retries, erasure."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from candidates import webhooks
from candidates.models import WebhookAttempt, WebhookEvent
from candidates.services import candidate_erase, review_decide
from tests.factories import ApiClientFactory, CandidateFactory
from tests.webhook_receiver import WEBHOOK_SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loopback_webhooks")]


def _verify(received: dict, secret: str) -> dict:
    header = received["headers"]["X-Vetting-Signature"]
    parts = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + received["body"], hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    return json.loads(received["body"])


def test_a_completed_assessment_is_posted_signed(
    hooked, receiver, django_capture_on_commit_callbacks
):
    from candidates import pipeline

    candidate = CandidateFactory(client=hooked, phone="12")
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.assessment_request(candidate=candidate, trigger="upsert")
    events = [_verify(r, WEBHOOK_SECRET) for r in receiver.received]
    completed = [e for e in events if e["type"] == "assessment.completed"]
    assert len(completed) == 1
    event = completed[0]
    assert event["id"].startswith("evt_") and event["trigger"] == "upsert"
    assert event["data"]["id"] == str(candidate.id)
    assert event["data"]["assessment"]["signals"][0]["code"] == "phone.invalid"
    assert receiver.received[-1]["headers"]["X-Vetting-Event-Id"] == event["id"]
    assert WebhookEvent.objects.get(id=event["id"]).status == "delivered"


def test_a_failed_delivery_is_retried_with_back_off_and_every_attempt_recorded(hooked, receiver):
    receiver.codes = [500, 503]
    event = webhooks.webhook_event_create(
        client=hooked, type="review.updated", trigger="manual", data={"id": "x"}, candidate_id=None
    )
    assert webhooks.webhook_deliver(event_id=event.id) == "pending"
    event.refresh_from_db()
    first_wait = event.next_attempt_at - timezone.now()
    assert timedelta(seconds=20) < first_wait <= timedelta(seconds=30)
    assert webhooks.webhook_deliver(event_id=event.id) is None  # not due yet: nothing sent
    WebhookEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now())
    assert webhooks.webhook_deliver(event_id=event.id) == "pending"
    event.refresh_from_db()
    assert event.next_attempt_at - timezone.now() > first_wait  # waits grow
    WebhookEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now())
    assert webhooks.webhook_sweep() == 1  # inline in tests: the sweep sends it
    event.refresh_from_db()
    assert event.status == "delivered" and event.attempts == 3
    assert list(
        WebhookAttempt.objects.filter(event=event).values_list("status_code", flat=True)
    ) == [500, 503, 200]
    bodies = {r["body"] for r in receiver.received}
    assert len(bodies) == 1  # every retry sends the same bytes


def test_delivery_gives_up_after_a_day(hooked, receiver):
    receiver.codes = [500]
    event = webhooks.webhook_event_create(
        client=hooked, type="review.updated", trigger="manual", data={}, candidate_id=None
    )
    WebhookEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(hours=24))
    assert webhooks.webhook_deliver(event_id=event.id) == "failed"


def test_an_unreachable_receiver_is_recorded_not_raised(db):
    client = ApiClientFactory(webhook_url="http://127.0.0.1:9/nothing-listens-here")
    event = webhooks.webhook_event_create(
        client=client, type="review.updated", trigger="manual", data={}, candidate_id=None
    )
    assert webhooks.webhook_deliver(event_id=event.id) == "pending"
    attempt = WebhookAttempt.objects.get(event=event)
    assert attempt.status_code is None and "Connection refused" in attempt.error


def test_a_client_without_a_webhook_gets_no_events(db, django_capture_on_commit_callbacks):
    candidate = CandidateFactory(client=ApiClientFactory(webhook_url=""))
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(candidate=candidate, status="cleared", note="", user=None)
    assert not WebhookEvent.objects.exists()


def test_a_decision_sends_review_updated(hooked, receiver, django_capture_on_commit_callbacks):
    candidate = CandidateFactory(client=hooked)
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(
            candidate=candidate, status="escalated", note="ask for a video call", user=None
        )
    event = _verify(receiver.received[-1], WEBHOOK_SECRET)
    assert event["type"] == "review.updated"
    assert event["data"]["review"]["status"] == "escalated"


def test_erasure_deletes_payloads_about_the_candidate_and_sends_only_ids(
    hooked, receiver, django_capture_on_commit_callbacks
):
    candidate = CandidateFactory(client=hooked, full_name="Erin Erasable")
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(candidate=candidate, status="cleared", note="", user=None)
    assert WebhookEvent.objects.filter(candidate_id=candidate.id).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        candidate_erase(client=hooked, candidate_id=candidate.id)
    assert not WebhookEvent.objects.filter(candidate_id=candidate.id).exists()
    erased = WebhookEvent.objects.get(type="candidate.erased")
    assert "Erin" not in erased.body
    assert json.loads(erased.body)["data"] == {
        "id": str(candidate.id),
        "external_id": candidate.external_id,
    }


def test_an_operator_sees_each_event_and_its_attempts_in_the_admin(hooked, receiver, client):
    from django.contrib.auth import get_user_model

    receiver.codes = [502]
    event = webhooks.webhook_event_create(
        client=hooked, type="review.updated", trigger="manual", data={}, candidate_id=None
    )
    webhooks.webhook_deliver(event_id=event.id)
    admin_user = get_user_model().objects.create_superuser("op", "op@example.com", "pw-op-123!")
    client.force_login(admin_user)
    response = client.get(f"/admin/candidates/webhookevent/{event.id}/change/")
    # Once in a full run this page came back empty; say what it was if it happens again.
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    page = response.content.decode()
    assert event.id in page and "502" in page
