"""Row locks in a fixed order with a bounded wait: two real concurrent transactions (threads,
each with its own database connection) writing linked candidates never deadlock, and a write
that cannot get its lock in time answers 503 `unavailable`, which the client retries."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection, transaction

from candidates import pipeline
from candidates.models import Assessment, Candidate
from tests.api.conftest import Api, assert_error
from tests.factories import contract_example
from tests.threads import in_threads

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/candidates/"


def _person(external_id: str, full_name: str, **extra) -> dict:
    body = contract_example()
    body.update(external_id=external_id, full_name=full_name, **extra)
    return body


@pytest.fixture
def meet_after_links_sync(monkeypatch):
    """Each write pauses, holding its own candidate's lock, until the other holds its own: the
    interleaving that deadlocks when each then waits for the other's row. A write that cannot
    get there (it waits for a lock, as ordering wants) lets the other go on after 3 s. (The
    write requests its own assessment only; the linked candidates are reassessed by the
    worker's first step after the write commits, which locks them without waiting.)"""
    barrier = threading.Barrier(2)
    real = pipeline.assessment_request

    def request_then_meet(**kwargs):
        assessment = real(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=3)
        return assessment

    monkeypatch.setattr(pipeline, "assessment_request", request_then_meet)


def _link_assessments(pk) -> int:
    return Assessment.objects.filter(candidate_id=pk, trigger="link").count()


def test_two_concurrent_writes_to_linked_candidates_both_succeed(api, meet_after_links_sync):
    # Same phone, email, ...: each is linked to the other. Then A changes its phone and B its
    # email: each write reassesses the holders of the value it left, so each needs the other.
    a = Api(api.key, api.client).post(URL, _person("lock-a", "Anna Lock")).json()["id"]
    b = Api(api.key, api.client).post(URL, _person("lock-b", "Bert Lock")).json()["id"]
    before = (_link_assessments(a), _link_assessments(b))

    statuses = in_threads(
        lambda: (
            Api(api.key, api.client)
            .post(URL, _person("lock-a", "Anna Lock", phone="+12015550123"))
            .status_code
        ),
        lambda: (
            Api(api.key, api.client)
            .post(URL, _person("lock-b", "Bert Lock", email="bert.lock@example.org"))
            .status_code
        ),
    )
    assert statuses == [200, 200]  # a deadlock made one of them fail (503 after 1 s)
    assert Candidate.objects.get(pk=a).phone == "+12015550123"
    assert Candidate.objects.get(pk=b).email == "bert.lock@example.org"
    # Each write still reassessed the other: now, or right after its commit if it was busy.
    assert _link_assessments(a) > before[0] and _link_assessments(b) > before[1]


def test_two_batches_locking_the_same_candidates_in_opposite_order_both_succeed(
    api, meet_after_links_sync
):
    one = {"external_id": "ord-1", "full_name": "First Order", "email": "first@example.com"}
    two = {"external_id": "ord-2", "full_name": "Second Order", "email": "second@example.com"}
    batch = "/api/v1/candidates/batch/"
    assert Api(api.key, api.client).post(batch, {"candidates": [one, two]}).status_code == 200

    def send(items):
        return Api(api.key, api.client).post(batch, {"candidates": items})

    responses = in_threads(
        lambda: send([{**one, "full_name": "First A"}, {**two, "full_name": "Second A"}]),
        lambda: send([{**two, "full_name": "Second B"}, {**one, "full_name": "First B"}]),
    )
    assert [r.status_code for r in responses] == [200, 200]
    assert all("error" not in item for r in responses for item in r.json()["results"])


def test_a_write_that_cannot_get_its_lock_in_time_answers_503_and_the_retry_succeeds(api, settings):
    settings.VETTING_LOCK_TIMEOUT_MS = 300
    cid = Api(api.key, api.client).post(URL, _person("held", "Held Person")).json()["id"]
    locked, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            Candidate.objects.select_for_update().get(pk=cid)
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=lambda: (hold(), connection.close()))
    holder.start()
    try:
        assert locked.wait(10)
        response = Api(api.key, api.client).post(URL, _person("held", "Held Persona"))
        assert_error(response, 503, "unavailable")
        assert response["Retry-After"] == "5"
        assert Candidate.objects.get(pk=cid).full_name == "Held Person"  # nothing half-written
    finally:
        release.set()
        holder.join(30)
    retried = Api(api.key, api.client).post(URL, _person("held", "Held Persona"))
    assert retried.status_code == 200 and Candidate.objects.get(pk=cid).full_name == "Held Persona"


def test_a_busy_linked_candidate_is_kept_as_a_durable_backlog_row(api):
    """The reassessment of a linked candidate that was locked by someone else is a row written
    with the change: if the task queued after commit never runs, the link sweep still does it."""
    from datetime import timedelta

    from django.utils import timezone

    from candidates.locks import linked_reassess_after_commit
    from links.models import LinkReassessBacklog
    from links.services import ONE_CANDIDATE, SWEEP_IDLE_SECONDS, link_sweep

    a = Api(api.key, api.client).post(URL, _person("busy-a", "Anna Busy")).json()["id"]
    b = Api(api.key, api.client).post(URL, _person("busy-b", "Bert Busy")).json()["id"]
    before = _link_assessments(b)
    with transaction.atomic():
        linked_reassess_after_commit(candidate_ids=[b], changed=a)
        connection.run_on_commit.clear()  # the process dies before its after-commit hand-off
    row = LinkReassessBacklog.objects.get()
    assert (row.kind, row.value) == (ONE_CANDIDATE, str(b))
    assert _link_assessments(b) == before

    idle = timezone.now() - timedelta(seconds=SWEEP_IDLE_SECONDS + 1)
    LinkReassessBacklog.objects.update(updated_at=idle)
    assert link_sweep() == 1
    assert _link_assessments(b) == before + 1
    assert not LinkReassessBacklog.objects.exists()
