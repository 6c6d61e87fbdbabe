"""Work does not starve: new assessments, reassessments and webhooks wait in separate Celery
queues (checked on the real Redis broker), and the sweep leaves recently queued work alone."""

from datetime import timedelta
from uuid import uuid4

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from candidates import pipeline
from candidates.models import Assessment
from tests.factories import CandidateFactory
from vetting.celery import app as celery_app


@pytest.fixture
def broker():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    client = redis.Redis.from_url(settings.REDIS_URL)
    queues = settings.VETTING_QUEUE_NAMES
    client.delete(*queues)
    celery_app.conf.task_always_eager = False
    yield client
    client.delete(*queues)


def test_each_kind_of_work_waits_in_its_own_queue(broker):
    from candidates.webhooks import webhook_enqueue

    assert pipeline.assessment_enqueue(assessment_id=uuid4(), trigger="upsert")
    assert pipeline.assessment_enqueue_many(assessment_ids=[uuid4(), uuid4()], trigger="link")
    assert pipeline.assessment_enqueue(assessment_id=uuid4(), trigger="ruleset")
    webhook_enqueue(event_id="evt_test")
    depth = {q: broker.llen(q) for q in settings.VETTING_QUEUE_NAMES}
    queues = settings.VETTING_QUEUES
    assert depth == {
        settings.CELERY_TASK_DEFAULT_QUEUE: 0,
        queues["assessments"]: 1,
        queues["reassessment"]: 3,
        queues["webhooks"]: 1,
    }


@pytest.mark.django_db
def test_the_sweep_skips_work_queued_recently_and_requeues_work_the_broker_may_have_lost(
    settings,
):
    settings.VETTING_SWEEP_GRACE_SECONDS = 0
    settings.VETTING_REQUEUE_SECONDS = 600
    candidate = CandidateFactory(phone="12")
    assessment = pipeline.assessment_request(candidate=candidate, trigger="upsert")
    assert assessment.queued_at is not None  # handed to the broker after commit
    # A backed-up queue: the message is waiting there, so the sweep sends no duplicate.
    assert pipeline.assessment_sweep() == 0
    # Queued longer ago than VETTING_REQUEUE_SECONDS: the broker may have lost it.
    long_ago = timezone.now() - timedelta(seconds=601)
    Assessment.objects.filter(pk=assessment.pk).update(queued_at=long_ago)
    assert pipeline.assessment_sweep() == 1  # inline in tests: runs it
    assessment.refresh_from_db()
    assert assessment.status == "completed" and assessment.queued_at > long_ago
