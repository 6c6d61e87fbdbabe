"""Redis faults degrade, never fail. gunicorn, a Celery worker and beat run on a redis-server of
the test's own; the test stops it (and, separately, freezes it so it stops answering) while an
ATS posts single, batch and session writes over HTTP. Every write answers 2xx, and after Redis
returns every requested assessment completes exactly once, through the worker and the sweep."""

import pytest

from candidates.models import Assessment, Candidate, Signal
from tests.production.servers import http_json, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _candidate(n: int, tag: str) -> dict:
    # Nothing shared between candidates: no link reassessments blur the assessment counts.
    return {
        "external_id": f"{tag}-{n}",
        "full_name": f"Person {tag} {n}",
        "email": f"person.{tag}.{n}@example.com",
    }


def _session(n: int) -> dict:
    return {
        "sessions": [
            {"ip": f"81.{n}.12.7", "seen_at": "2026-11-20T14:03:00Z", "kind": "application"}
        ]
    }


def _logs(stack) -> str:
    return "\n".join(
        f"--- {name}\n" + (stack["logs"] / name).read_text()[-2500:]
        for name in ("gunicorn.log", "worker.log", "beat.log")
    )


def _state(expected: dict[str, int]) -> dict:
    return {
        pk: list(Assessment.objects.filter(candidate_id=pk).values_list("status", "trigger"))
        for pk in expected
    }


def _all_done(expected: dict[str, int]) -> bool:
    for pk, writes in expected.items():
        statuses = list(Assessment.objects.filter(candidate_id=pk).values_list("status", flat=True))
        if len(statuses) != writes or any(s != "completed" for s in statuses):
            return False
    return True


def test_writes_through_http_succeed_while_redis_is_down_and_complete_after(
    stack, api_client_factory
):
    base, redis = stack["base"], stack["redis"]
    _client, key = api_client_factory(name="ats-faults")
    api = f"{base}/api/v1/candidates/"
    expected: dict[str, int] = {}  # candidate id -> writes that requested an assessment

    status, before = http_json("POST", api, key=key, body=_candidate(0, "before"))
    assert status == 201, before
    expected[before["id"]] = 1

    redis.stop()
    status, health = http_json("GET", f"{base}/healthz")
    assert (status, health["status"], health["broker"]) == (200, "degraded", "down")
    assert http_json("GET", f"{base}/healthz?strict=1")[0] == 503

    status, single = http_json("POST", api, key=key, body=_candidate(1, "down"))
    assert status == 201, single
    expected[single["id"]] = 1
    batch = {"candidates": [_candidate(n, "batch") for n in range(20)]}
    status, results = http_json("POST", f"{api}batch/", key=key, body=batch)
    assert status == 200, results
    assert all("id" in r for r in results["results"]), results
    expected.update({r["id"]: 1 for r in results["results"]})
    for n, pk in enumerate((before["id"], single["id"])):
        # A request for a candidate whose assessment is still pending joins it (coalescing).
        joins = Assessment.objects.filter(candidate_id=pk, status="pending").exists()
        status, body = http_json("POST", f"{api}{pk}/sessions/", key=key, body=_session(n))
        assert status == 202, body
        expected[pk] += 0 if joins else 1
    # Kept, not lost: every requested assessment waits in the database (one per candidate).
    assert Assessment.objects.filter(candidate_id__in=expected, status="pending").count() >= 22

    redis.start()  # an empty Redis: whatever was queued before the fault is gone too
    assert wait_for(lambda: _all_done(expected), timeout=90), (_state(expected), _logs(stack))
    assert http_json("GET", f"{base}/healthz?strict=1")[0] == 200
    for pk in expected:  # done once: one set of signals per assessment
        codes = list(
            Signal.objects.filter(assessment__candidate_id=pk).values_list("code", "assessment")
        )
        assert len(codes) == len(set(codes))
        candidate = Candidate.objects.get(pk=pk)
        assert candidate.assessment_status == "completed"
        assert candidate.completed_assessment_id == candidate.latest_assessment_id
    _metrics_tell_the_story(base)


def _metrics_tell_the_story(base: str) -> None:
    """/metrics adds up gunicorn's and the worker's counters (PROMETHEUS_MULTIPROC_DIR)."""
    import urllib.error
    import urllib.request

    from tests.production.conftest import METRICS_TOKEN

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base}/metrics", timeout=10)
    assert refused.value.code == 401
    request = urllib.request.Request(
        f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    values = _samples(text)
    # Written by the web process:
    assert values[("vetting_http_requests_total", "POST", "/api/v1/candidates/", "201")] >= 2
    # Written by the worker: the sweep recovered the work queued while Redis was down.
    assert values[("vetting_sweep_requeued_total", "assessment")] >= 22  # one per candidate
    completed = sum(
        v
        for k, v in values.items()
        if k[0] == "vetting_assessments_finished_total" and "completed" in k
    )
    assert completed >= 23  # 22 candidates, one of them assessed twice (before and after)
    assert ("vetting_assessments_unfinished", "pending") in values
    assert any(k[0] == "vetting_queue_depth" for k in values)


def _samples(text: str) -> dict[tuple, float]:
    from prometheus_client.parser import text_string_to_metric_families

    values: dict[tuple, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = tuple(v for k, v in sorted(sample.labels.items()) if k != "pid")
            key = (sample.name, *labels)
            values[key] = values.get(key, 0) + sample.value
    return values


def test_a_redis_that_stops_answering_costs_seconds_not_a_hung_request(stack, api_client_factory):
    import os
    import signal
    import time

    base, redis = stack["base"], stack["redis"]
    _client, key = api_client_factory(name="ats-frozen")
    os.kill(redis.proc.pid, signal.SIGSTOP)  # connections are accepted, nothing is answered
    try:
        started = time.monotonic()
        status, body = http_json(
            "POST", f"{base}/api/v1/candidates/", key=key, body=_candidate(0, "frozen")
        )
        elapsed = time.monotonic() - started
        assert status == 201, body
        assert elapsed < 15, elapsed  # bounded by the clients' timeouts, far below gunicorn's
        started = time.monotonic()
        batch = {"candidates": [_candidate(n, "frozen-batch") for n in range(1, 11)]}
        status, body = http_json("POST", f"{base}/api/v1/candidates/batch/", key=key, body=batch)
        assert status == 200, body
        assert time.monotonic() - started < 15  # the breaker: not one timeout per item
        pk = body["results"][0]["id"]
    finally:
        os.kill(redis.proc.pid, signal.SIGCONT)
    assert wait_for(
        lambda: Assessment.objects.filter(candidate_id=pk, status="completed").count() == 1,
        timeout=90,
    ), _logs(stack)
