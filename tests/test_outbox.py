"""Webhook events as a transactional outbox: the event row is written in the transaction of the
change it reports, so it commits with the change or not at all; its delivery is queued after
commit, and the sweep sends it if that queueing is lost (a crash right after the commit)."""

import json

import pytest
from django.db import transaction

from candidates import pipeline, webhooks
from candidates.models import WebhookEvent
from candidates.services import candidate_erase, review_decide
from tests.factories import CandidateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loopback_webhooks")]


def test_the_event_is_written_with_the_assessment_before_anything_runs_on_commit(
    hooked, django_capture_on_commit_callbacks
):
    candidate = CandidateFactory(client=hooked, phone="12")
    assessment = pipeline.assessment_request(candidate=candidate, trigger="upsert")
    # No on-commit callback runs here: the process "crashes" right after the commit.
    with django_capture_on_commit_callbacks(execute=False) as lost:
        pipeline.assessment_run(assessment_id=assessment.id)
    event = WebhookEvent.objects.get(candidate_id=candidate.pk)
    assert event.type == "assessment.completed" and event.status == "pending"
    body = json.loads(event.body)
    assert body["data"]["assessment"]["signals"][0]["code"] == "phone.invalid"
    assert lost  # only the queueing of its delivery was left for after the commit


def test_a_change_rolled_back_leaves_no_event(hooked):
    candidate = CandidateFactory(client=hooked)
    with pytest.raises(RuntimeError), transaction.atomic():
        review_decide(candidate=candidate, status="cleared", note="", user=None)
        assert WebhookEvent.objects.filter(type="review.updated").count() == 1
        raise RuntimeError("the request failed after the decision")
    assert not WebhookEvent.objects.exists()


def test_an_event_whose_queueing_was_lost_is_sent_by_the_sweep(
    hooked, receiver, django_capture_on_commit_callbacks
):
    candidate = CandidateFactory(client=hooked)
    with django_capture_on_commit_callbacks(execute=False):
        review_decide(candidate=candidate, status="cleared", note="", user=None)
    assert receiver.received == []  # never queued
    assert webhooks.webhook_sweep() == 1
    assert [json.loads(r["body"])["type"] for r in receiver.received] == ["review.updated"]
    assert WebhookEvent.objects.get().status == "delivered"


def test_an_erasure_replaces_the_events_in_its_own_transaction(hooked):
    candidate = CandidateFactory(client=hooked)
    review_decide(candidate=candidate, status="cleared", note="", user=None)
    assert WebhookEvent.objects.filter(candidate_id=candidate.pk).exists()
    candidate_erase(client=hooked, candidate_id=candidate.pk)
    events = list(WebhookEvent.objects.values_list("type", "body"))
    assert [t for t, _ in events] == ["candidate.erased"]
    assert json.loads(events[0][1])["data"] == {
        "id": str(candidate.pk),
        "external_id": candidate.external_id,
    }
