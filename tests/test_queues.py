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
    from candidates import tasks
    from links.queueing import enqueue

    assert pipeline.assessment_enqueue(assessment_id=uuid4(), trigger="upsert")
    assert pipeline.assessment_enqueue_many(assessment_ids=[uuid4(), uuid4()], trigger="link")
    assert pipeline.assessment_enqueue(assessment_id=uuid4(), trigger="ruleset")
    assert enqueue(tasks.webhook_deliver_task, "evt_test", what="a test webhook")
    depth = {q: broker.llen(q) for q in settings.VETTING_QUEUE_NAMES}
    queues = settings.VETTING_QUEUES
    assert depth == {
        settings.CELERY_TASK_DEFAULT_QUEUE: 0,
        queues["assessments"]: 1,
        queues["reassessment"]: 3,
        queues["webhooks"]: 1,
    }


@pytest.mark.django_db
def test_the_sweep_skips_work_queued_recently_into_a_backed_up_queue(settings, broker):
    settings.VETTING_SWEEP_GRACE_SECONDS = 0
    settings.VETTING_REQUEUE_SECONDS = 600
    candidate = CandidateFactory(phone="12")
    assessment = pipeline.assessment_request(candidate=candidate, trigger="upsert")
    assert assessment.queued_at is not None  # handed to the broker after commit
    # The queue is backed up: other work waits in it, so ours may well be waiting there too.
    assert pipeline.assessment_enqueue(assessment_id=uuid4(), trigger="upsert")
    celery_app.conf.task_always_eager = True  # from here the sweep's tasks run inline
    assert pipeline.assessment_sweep() == 0  # no duplicate
    # Queued longer ago than VETTING_REQUEUE_SECONDS: re-queued even into a busy queue.
    long_ago = timezone.now() - timedelta(seconds=601)
    Assessment.objects.filter(pk=assessment.pk).update(queued_at=long_ago)
    assert pipeline.assessment_sweep() == 1
    assessment.refresh_from_db()
    assert assessment.status == "completed" and assessment.queued_at > long_ago


@pytest.mark.django_db
def test_work_queued_into_a_queue_that_is_now_empty_was_lost_and_is_requeued_at_once(
    settings, broker
):
    # A Redis restarted without persistence: its queues are empty, the work still pending.
    settings.VETTING_SWEEP_GRACE_SECONDS = 0
    settings.VETTING_REQUEUE_SECONDS = 600
    candidate = CandidateFactory(phone="12")
    assessment = pipeline.assessment_request(candidate=candidate, trigger="upsert")
    celery_app.conf.task_always_eager = True
    assert pipeline.assessment_sweep() == 1
    assessment.refresh_from_db()
    assert assessment.status == "completed"


@pytest.mark.django_db
def test_many_queued_at_once_all_reach_their_queue(broker, django_capture_on_commit_callbacks):
    """A batch's assessments go to Redis in one pipeline: every one arrives, each once."""
    ids = [CandidateFactory(phone="12").pk for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.assessment_request_many(candidate_ids=ids, trigger="upsert") == 5
    sent = list(Assessment.objects.filter(candidate_id__in=ids))
    assert all(a.queued_at is not None for a in sent)
    bodies = [m.decode() for m in broker.lrange(settings.VETTING_QUEUES["assessments"], 0, -1)]
    assert len(bodies) == 5
    assert sorted(sum(str(a.pk) in b for b in bodies) for a in sent) == [1] * 5
