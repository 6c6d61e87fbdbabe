"""Structured logs: JSON lines from gunicorn and the worker, each with the request id and the
task id, so one candidate's path is followed from the API call through the worker."""

import json

import pytest

from candidates.models import Assessment
from tests.production.servers import http_json, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _records(path) -> list[dict]:
    records = []
    for line in path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue  # gunicorn's own start-up lines are not ours
    return records


def test_one_request_is_followed_from_the_web_into_the_worker(stack, api_client_factory):
    import urllib.request

    _client, key = api_client_factory(name="ats-logs")
    body = json.dumps({"external_id": "log-1", "full_name": "Log Person"}).encode()
    request = urllib.request.Request(
        f"{stack['base']}/api/v1/candidates/",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "X-Request-Id": "trace-me-123",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        candidate_id = json.loads(response.read())["id"]
    assert wait_for(
        lambda: Assessment.objects.filter(candidate_id=candidate_id, status="completed").exists()
    )
    logs = stack["logs"]
    assert wait_for(
        lambda: any(r.get("message") == "assessment stored" for r in _records(logs / "worker.log")),
        timeout=10,
    )
    web = [r for r in _records(logs / "gunicorn.log") if r.get("candidate_id") == candidate_id]
    assert web and web[0]["request_id"] == "trace-me-123"
    assert {"time", "level", "logger", "message", "task_id"} <= set(web[0])
    worker = [
        r
        for r in _records(logs / "worker.log")
        if r.get("candidate_id") == candidate_id and r.get("message") == "assessment stored"
    ]
    assert len(worker) == 1
    assert worker[0]["request_id"] == "trace-me-123"  # carried in the task's headers
    assert worker[0]["task_id"]  # the Celery task that ran it
    assert worker[0]["assessment_id"] == web[0]["assessment_id"]
    assert http_json("GET", f"{stack['base']}/healthz")[0] == 200
