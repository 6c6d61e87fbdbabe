"""Smoke test of the embedded mode most people meet first: SQLite, inline tasks, `make demo`'s
steps, and the README's curl walk-through against a real server process."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "candidate.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(url: str, *, key: str, body: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST" if body else "GET",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("embedded")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DEBUG="1", SQLITE_PATH=str(tmp / "vetting.sqlite3"), MEDIA_ROOT=str(tmp / "media"))
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    seeded = subprocess.run(
        [*manage, "demo_seed", "--count", "25"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    demo_key = seeded.stdout.strip().splitlines()[-1]
    created = subprocess.run(
        [*manage, "create_api_client", "readme-ats"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    key = created.stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield {
        "base": base,
        "key": key,
        "demo_key": demo_key,
        "seed_output": seeded.stdout,
        "env": env,
    }
    server.terminate()
    server.wait(timeout=15)


def test_the_demo_loads_candidates_and_prints_logins(embedded):
    out = embedded["seed_output"]
    assert "Demo candidates: 25 loaded now" in out
    assert "recruiter" in out and embedded["demo_key"].startswith("vk_")
    # The demo recruiter decided a few through the review service: the queue shows both kinds.
    assert "Recruiter decisions recorded: " in out
    for status in ("escalated", "cleared"):
        code, body = _call(
            f"{embedded['base']}/api/v1/candidates/?review_status={status}",
            key=embedded["demo_key"],
        )
        assert code == 200 and body["results"], status


def test_the_readme_walk_through_works_on_the_embedded_defaults(embedded):
    base, key = embedded["base"], embedded["key"]
    status, body = _call(f"{base}/api/v1/candidates/", key=key, body=EXAMPLE.read_bytes())
    assert status == 201, body
    status, got = _call(f"{base}/api/v1/candidates/{body['id']}/", key=key)
    assert status == 200
    # Inline tasks: the assessment completed before the POST answered.
    assert got["assessment"]["status"] == "completed"
    assert got["assessment"]["risk_level"] == "low"
    assert got["external_id"] == "ats-12345"
    assert "584120739" not in json.dumps(got)  # the passport number is never echoed


def test_a_client_cannot_read_another_clients_candidate(embedded):
    base = embedded["base"]
    status, body = _call(f"{base}/api/v1/candidates/?limit=1", key=embedded["demo_key"])
    assert status == 200 and body["results"]
    other = body["results"][0]["id"]
    status, err = _call(f"{base}/api/v1/candidates/{other}/", key=embedded["key"])
    assert status == 404 and err["error"]["code"] == "not_found"


# The pipeline's raw statements (the claim's and the store's UPDATE … RETURNING) on SQLite.
PIPELINE_ON_SQLITE = """
import json
from datetime import timedelta
from django.utils import timezone
from candidates import pipeline
from candidates.models import Assessment, Candidate
from links.models import LinkKey

flagged = Candidate.objects.filter(completed_assessment__signals__isnull=False)
c = flagged.distinct().order_by("created_at").first()
pending = Assessment.objects.filter(candidate=c, status="pending")
pipeline.assessment_request_many(candidate_ids=[c.pk], trigger="manual", enqueue=False)
first = pending.get()
claimed = pipeline.assessment_claim(assessment_id=first.id)
shown = Candidate.objects.get(pk=c.pk).assessment_status
again = pipeline.assessment_claim(assessment_id=first.id)
pipeline.assessment_request_many(candidate_ids=[c.pk], trigger="manual", enqueue=False)
second = pending.get()
held = pipeline.assessment_claim(assessment_id=second.id)
pending.update(queued_at=timezone.now())  # its task came, found the first running, and waits
# The first run's worker died; taken again once stale, it ends by queueing the second (inline).
Assessment.objects.filter(pk=first.pk).update(started_at=timezone.now() - timedelta(days=1))
pipeline.assessment_run(assessment_id=first.id)
first.refresh_from_db()
second.refresh_from_db()
c.refresh_from_db()
print(json.dumps({
    "claimed": claimed is not None and claimed.attempts == 1 and claimed.status == "running",
    "shown_running": shown,
    "again": again is None,
    "held": held is None,
    "first": [first.status, first.attempts, first.signals.count() > 0],
    "second": second.status,
    "candidate": [c.completed_assessment_id == second.id, c.assessment_status, c.risk_level],
    "keys": LinkKey.objects.filter(candidate=c).exists(),
}))
"""


def test_the_pipeline_claims_runs_and_stores_on_sqlite(embedded):
    run = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PIPELINE_ON_SQLITE],
        cwd=ROOT,
        env=embedded["env"],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["claimed"] and got["shown_running"] == "running"
    assert got["again"], "a duplicate delivery claimed it twice"
    assert got["held"], "two runs of one candidate overlapped"
    assert got["first"] == ["completed", 2, True]
    assert got["second"] == "completed"
    completed, status, level = got["candidate"]
    assert completed and status == "completed" and level
    assert got["keys"]
