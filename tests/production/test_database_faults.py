"""PostgreSQL faults: a dropped connection answers 503 `unavailable` in the contract's shape for
the request that was using it, and the web process and the worker carry on without a restart.
The fault is real: the test terminates the other backends of the test database."""

import threading
import time

import pytest
from django.db import connection, transaction

from candidates.models import Assessment, Candidate
from tests.production.servers import http_json, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _terminate(extra_where: str = "") -> int:
    """pg_terminate_backend on every other backend of this database (ours is spared)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() " + extra_where
        )
        return cursor.fetchone()[0]


def _person(tag: str) -> dict:
    return {"external_id": tag, "full_name": f"Person {tag}", "email": f"{tag}@example.com"}


def _completed(pk: str) -> bool:
    return Assessment.objects.filter(candidate_id=pk, status="completed").exists()


def _logs(stack) -> str:
    return "\n".join(
        f"--- {name}\n" + (stack["logs"] / name).read_text()[-2500:]
        for name in ("gunicorn.log", "worker.log")
    )


def test_web_and_worker_recover_from_terminated_connections_without_a_restart(
    stack, api_client_factory
):
    base = stack["base"]
    _client, key = api_client_factory(name="ats-pg")
    api = f"{base}/api/v1/candidates/"
    status, first = http_json("POST", api, key=key, body=_person("pg-before"))
    assert status == 201, first
    assert wait_for(lambda: _completed(first["id"])), _logs(stack)  # the worker is connected

    assert _terminate() >= 2  # gunicorn's and the worker's connections, at least

    # The very next request gets a new connection: no 500, no 503, no restart.
    status, after = http_json("POST", api, key=key, body=_person("pg-after"))
    assert status == 201, after
    assert http_json("GET", f"{base}/healthz")[0] == 200
    # So does the worker, whose connection was dropped between two tasks.
    assert wait_for(lambda: _completed(after["id"])), _logs(stack)


def test_a_request_whose_connection_is_lost_answers_503_unavailable(stack, api_client_factory):
    base = stack["base"]
    _client, key = api_client_factory(name="ats-pg-inflight")
    api = f"{base}/api/v1/candidates/"
    status, created = http_json("POST", api, key=key, body=_person("pg-inflight"))
    assert status == 201, created
    # Its assessment done first: the worker would otherwise wait on the same row lock too.
    assert wait_for(lambda: _completed(created["id"])), _logs(stack)
    change = {**_person("pg-inflight"), "full_name": "Person renamed"}

    answer: dict = {}
    with transaction.atomic():
        # Hold the candidate's row lock, so the update waits inside the database...
        Candidate.objects.select_for_update().get(pk=created["id"])
        thread = threading.Thread(
            target=lambda: answer.update(r=http_json("POST", api, key=key, body=change))
        )
        thread.start()
        waiting = "AND wait_event_type = 'Lock'"
        assert wait_for(lambda: _waiting_backends(waiting) == 1, timeout=20), (answer, _logs(stack))
        # ...and drop its connection there, as a database restart would.
        assert _terminate(waiting) == 1
        thread.join(timeout=30)
    status, body = answer["r"]
    assert status == 503, body
    assert body["error"]["code"] == "unavailable"
    assert set(body["error"]) == {"code", "message", "fields", "request_id"}
    assert body["error"]["request_id"]
    assert Candidate.objects.get(pk=created["id"]).full_name == "Person pg-inflight"  # untouched

    status, body = http_json("POST", api, key=key, body=change)  # the client's retry
    assert status == 200, body
    assert Candidate.objects.get(pk=created["id"]).full_name == "Person renamed"


def _waiting_backends(where: str) -> int:
    time.sleep(0.1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() " + where
        )
        return cursor.fetchone()[0]
