"""The claim's guarantees under real concurrency (threads, each with its own connection).

`assessment_claim` sends the candidate's row lock and the compare-and-set as two statements in
one round trip. In one statement (a `WITH … FOR UPDATE`) the compare-and-set would read the
other assessments as of the statement's start, before the lock was granted, and miss a run
claimed while it waited: two runs of one candidate would overlap."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from candidates import pipeline
from candidates.models import Assessment, Candidate
from tests.factories import CandidateFactory
from tests.threads import in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_claim_waiting_on_the_lock_sees_the_run_claimed_meanwhile_and_stays_pending(settings):
    candidate = CandidateFactory()
    long_ago = timezone.now() - timedelta(seconds=settings.VETTING_STALE_RUNNING_SECONDS + 60)
    abandoned = Assessment.objects.create(
        candidate=candidate, seq=1, trigger="upsert", status="running", started_at=long_ago
    )
    waiting = Assessment.objects.create(candidate=candidate, seq=2, trigger="upsert")
    locked = threading.Event()

    def reclaim_the_abandoned_one():
        """A worker takes the stale run again, holding the candidate's lock a while."""
        with transaction.atomic():
            list(Candidate.objects.select_for_update().filter(pk=candidate.pk))
            locked.set()
            claimed = pipeline.assessment_claim(assessment_id=abandoned.id)
            time.sleep(0.5)  # the other claim has started and waits for the lock meanwhile
        return claimed

    def claim_the_pending_one():
        assert locked.wait(10)
        time.sleep(0.1)
        return pipeline.assessment_claim(assessment_id=waiting.id)

    reclaimed, claimed = in_threads(reclaim_the_abandoned_one, claim_the_pending_one)
    assert reclaimed is not None and reclaimed.attempts == 1
    assert claimed is None, "two runs of one candidate would overlap"
    waiting.refresh_from_db()
    assert waiting.status == "pending" and waiting.attempts == 0


def test_a_claim_waits_for_the_write_that_coalesced_into_its_assessment():
    candidate = CandidateFactory()
    pending = Assessment.objects.create(
        candidate=candidate, seq=1, trigger="upsert", queued_at=timezone.now()
    )  # queued: its task is on the way (not run inline here)
    Candidate.objects.filter(pk=candidate.pk).update(assessment_seq=1, latest_assessment=pending)
    locked = threading.Event()

    def write_and_coalesce():
        with transaction.atomic():
            list(Candidate.objects.select_for_update().filter(pk=candidate.pk))
            locked.set()
            time.sleep(0.3)
            Candidate.objects.filter(pk=candidate.pk).update(full_name="Changed Meanwhile")
            pipeline.assessment_request(candidate=candidate, trigger="upsert")  # coalesced
        return time.monotonic()

    def claim():
        assert locked.wait(10)
        claimed = pipeline.assessment_claim(assessment_id=pending.id)
        return time.monotonic(), claimed

    committed, (claimed_at, claimed) = in_threads(write_and_coalesce, claim)
    assert claimed is not None and claimed.id == pending.id
    assert claimed_at >= committed, "the claim took the lock after the write committed"
    assert Assessment.objects.filter(candidate=candidate).count() == 1
    assert Candidate.objects.get(pk=candidate.pk).assessment_status == "running"
