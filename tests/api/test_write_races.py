"""Two real concurrent writes (threads, each with its own connection) creating the same new
external_ids: the write path has no savepoint around its INSERT, so the one that loses the race
rolls back and starts again, finds the rows the winner committed, and updates them."""

from __future__ import annotations

import contextlib
import threading

import pytest

from candidates.models import Candidate
from candidates.services import writes
from tests.api.conftest import Api
from tests.threads import in_threads

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/candidates/"


@pytest.fixture
def both_checked_before_either_inserts(monkeypatch):
    """Each write waits, after it found no existing row, until the other has too: then both
    INSERT the same external_ids. A retry passes straight on (the barrier is broken by then)."""
    barrier = threading.Barrier(2)
    real = writes._Write._store

    def meet_then_store(self):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=3)
        return real(self)

    monkeypatch.setattr(writes._Write, "_store", meet_then_store)


def test_two_single_posts_creating_one_external_id_give_one_candidate(
    api, both_checked_before_either_inserts
):
    def send(name):
        return Api(api.key, api.client).post(URL, {"external_id": "race-1", "full_name": name})

    responses = in_threads(lambda: send("Ann Race"), lambda: send("Bo Race"))
    assert sorted(r.status_code for r in responses) == [200, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    candidate = Candidate.objects.get(external_id="race-1")
    assert candidate.full_name in ("Ann Race", "Bo Race")
    assert candidate.assessments.count() >= 1


def test_two_batches_creating_the_same_candidates_in_opposite_order_both_succeed(
    api, both_checked_before_either_inserts
):
    one = {"external_id": "race-a", "full_name": "First Race"}
    two = {"external_id": "race-b", "full_name": "Second Race"}

    def send(items):
        return Api(api.key, api.client).post(f"{URL}batch/", {"candidates": items})

    responses = in_threads(lambda: send([one, two]), lambda: send([two, one]))
    assert [r.status_code for r in responses] == [200, 200]
    results = [item for r in responses for item in r.json()["results"]]
    assert all("error" not in item for item in results)
    assert sorted(item["created"] for item in results) == [False, False, True, True]
    assert Candidate.objects.filter(external_id__startswith="race-").count() == 2
