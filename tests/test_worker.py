"""The pipeline with a real Celery worker process on Redis and PostgreSQL (not eager mode)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from candidates import pipeline
from candidates.models import Assessment, Signal
from candidates.tasks import assess_candidate_task
from tests.factories import CandidateFactory
from vetting.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
# serialized_rollback: the rule sets that migrations create survive the flush between tests.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a real worker needs a shared database server (PostgreSQL)")
    user, host, port = s["USER"] or "postgres", s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{s['NAME']}"


@pytest.fixture
def queue():
    """This run's own queue (tests/conftest.py names it), with tasks really sent to Redis."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("a real worker needs REDIS_URL")
    celery_app.conf.task_always_eager = False
    return celery_app.conf.task_default_queue


def _env(queue: str, database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "VETTING_QUEUE": queue,
        "DEBUG": "1",
        **extra,
    }


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """One worker process for the module, on the test database; stopped before it is dropped."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("a real worker needs REDIS_URL")
    with django_db_blocker.unblock():
        database_url = _database_url()
    queue = celery_app.conf.task_default_queue
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    media = tmp_path_factory.mktemp("media")  # where a test and the worker share stored images
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "vetting",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",  # every queue of this run (VETTING_QUEUE is their prefix)
        ],
        cwd=ROOT,
        env=_env(queue, database_url, MEDIA_ROOT=str(media)),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    proc.log = log
    proc.media_root = media
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _wait_for(predicate, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_saved_candidate_is_assessed_by_a_real_worker(queue, worker):
    with transaction.atomic():
        candidate = CandidateFactory(phone="12")
        assessment = pipeline.assessment_request(candidate=candidate, trigger="upsert")
    # The task was queued on commit; the worker process picks it up from Redis.
    assert _wait_for(lambda: Assessment.objects.get(pk=assessment.pk).status == "completed"), (
        worker.log.read_text()[-3000:]
    )
    candidate.refresh_from_db()
    assert candidate.assessment_status == "completed"
    assert candidate.risk_score == 15
    assert list(Signal.objects.filter(assessment=assessment).values_list("code", flat=True)) == [
        "phone.invalid"
    ]


def _skipped(worker, assessment_id) -> int:
    """How many deliveries of this assessment the worker refused (pipeline.assessment_run logs
    each one it finds already claimed or finished)."""
    refused = f"Assessment {assessment_id} already claimed or finished; skipping"
    return worker.log.read_text().count(refused)


def test_a_duplicate_delivery_leaves_one_assessment(queue, worker):
    with transaction.atomic():
        candidate = CandidateFactory(phone="12")
        assessment = pipeline.assessment_request(candidate=candidate, trigger="upsert")
    assess_candidate_task.delay(str(assessment.id))  # the same task delivered again
    assess_candidate_task.delay(str(assessment.id))
    # The worker takes the three deliveries in order: one run, then two refusals. Waiting for
    # both refusals means every delivery has been handled before the rows are counted.
    assert _wait_for(lambda: _skipped(worker, assessment.id) == 2), worker.log.read_text()[-3000:]
    assert Assessment.objects.get(pk=assessment.pk).status == "completed"
    assert Assessment.objects.filter(candidate=candidate).count() == 1
    assert Signal.objects.filter(assessment=assessment).count() == 1
    assert Assessment.objects.get(pk=assessment.pk).attempts == 1


def _with_the_broker_down(queue: str, body: str) -> subprocess.CompletedProcess:
    """Run `body` (inside a transaction, with CandidateFactory and pipeline imported) in a
    separate process whose broker is unreachable; it must succeed within 60 s (a save that
    hung on the dead broker fails here)."""
    script = (
        "import django; django.setup()\n"
        "from django.db import transaction\n"
        "from tests.factories import CandidateFactory\n"
        "from candidates import pipeline\n"
        "with transaction.atomic():\n" + body
    )
    down = _env(
        queue,
        _database_url(),
        REDIS_URL="redis://127.0.0.1:1/0",
        DJANGO_SETTINGS_MODULE="vetting.settings",
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=down,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out


def test_many_queued_at_once_while_the_broker_is_down_are_all_left_to_the_sweep(queue):
    # Many assessments are published in one Redis pipeline; when that fails they are sent one
    # by one, and at the broker's fault all are left to the sweep.
    out = _with_the_broker_down(
        queue,
        "    ids = [CandidateFactory(phone='12').pk for _ in range(3)]\n"
        "    pipeline.assessment_request_many(candidate_ids=ids, trigger='upsert')\n"
        "print(' '.join(map(str, ids)))\n",
    )
    ids = out.stdout.strip().splitlines()[-1].split()
    assert "Queueing 3 assessments at once failed; one by one" in out.stderr
    assert "; the sweep will retry" in out.stderr
    pending = Assessment.objects.filter(candidate_id__in=ids)
    assert [(a.status, a.queued_at) for a in pending] == [("pending", None)] * 3


def test_a_save_while_the_broker_is_down_is_kept_and_the_sweep_queues_it(queue, worker):
    # A separate process whose broker is unreachable saves a candidate: the save succeeds.
    out = _with_the_broker_down(
        queue,
        "    c = CandidateFactory(phone='12')\n"
        "    a = pipeline.assessment_request(candidate=c, trigger='upsert')\n"
        "print(a.id)\n",
    )
    assessment_id = out.stdout.strip().splitlines()[-1]
    # The enqueue gave up on the dead broker and left the assessment to the sweep: nothing was
    # sent anywhere a worker could take it from, and the request is kept.
    assert f"Could not queue assessment {assessment_id}; the sweep will retry" in out.stderr
    assert Assessment.objects.get(pk=assessment_id).status == "pending"

    from django.test import override_settings

    with override_settings(VETTING_SWEEP_GRACE_SECONDS=0):
        assert pipeline.assessment_sweep() >= 1
    assert _wait_for(lambda: Assessment.objects.get(pk=assessment_id).status == "completed")


def test_a_simulation_and_a_rescore_run_on_a_real_worker(queue, worker):
    from candidates.models import Candidate
    from candidates.rules import services
    from candidates.rules.models import RuleSimulation
    from checks.drafts import rules_of, ruleset_draft_create, ruleset_draft_update

    with transaction.atomic():
        for _ in range(3):  # phone.invalid only (no address: the factory's default is shared)
            candidate = CandidateFactory(phone="12", home_address=None)
            pipeline.assessment_request(candidate=candidate, trigger="upsert")
    assert _wait_for(lambda: not Candidate.objects.exclude(assessment_status="completed").exists())
    draft = ruleset_draft_create(via="test")
    rules = rules_of(draft)
    rules["signals"]["phone.invalid"]["points"] = 60
    ruleset_draft_update(draft=draft, rules=rules, via="test")

    with transaction.atomic():
        sim = services.simulation_start(draft=draft, filters={})
    assert _wait_for(lambda: RuleSimulation.objects.get(pk=sim.pk).status == "done"), (
        worker.log.read_text()[-3000:]
    )
    sim.refresh_from_db()
    assert (sim.done, sim.total) == (3, 3) and sim.result["levels"]["draft"]["high"] == 3
    assert set(Candidate.objects.values_list("risk_score", flat=True)) == {15}  # untouched

    new = services.rules_publish(draft=draft, note="phones", via="test", rescore=True)
    assert _wait_for(
        lambda: (
            set(
                Candidate.objects.values_list("risk_score", "completed_assessment__ruleset_version")
            )
            == {(60, new.version)}
        )
    ), worker.log.read_text()[-3000:]
    new.refresh_from_db()
    progress = services.rescore_progress(new)
    assert progress.finished and progress.done == progress.total == 3


def test_a_photo_posted_twice_is_keyed_by_the_worker_and_flags_both(
    queue, worker, settings, api_client_factory
):
    """The request stores the photo without keying it; the worker fingerprints it, keys it and
    reassesses the earlier holder, so both candidates carry link.photo_duplicate."""
    from django.test import Client

    from links.models import LinkKey
    from tests.api.conftest import data_uri

    settings.MEDIA_ROOT = str(worker.media_root)
    _client, key = api_client_factory(name="ats-worker")
    http, headers = Client(), {"Authorization": f"Bearer {key}"}
    photo = data_uri("PNG", (64, 80), (40, 90, 160))
    ids = []
    for n in range(2):
        body = {"external_id": f"dup-{n}", "full_name": f"Person {n} Doe", "photo": photo}
        response = http.post(
            "/api/v1/candidates/", body, content_type="application/json", headers=headers
        )
        assert response.status_code == 201, response.content[:300]
        ids.append(response.json()["id"])
    first, second = ids

    def flagged(mine: str, theirs: str) -> bool:
        latest = Assessment.objects.filter(candidate_id=mine).order_by("-seq").first()
        if latest is None or latest.status != "completed":
            return False
        signal = Signal.objects.filter(assessment=latest, code="link.photo_duplicate").first()
        return signal is not None and [r["id"] for r in signal.related_candidates] == [theirs]

    assert _wait_for(lambda: flagged(second, first) and flagged(first, second)), (
        worker.log.read_text()[-3000:]
    )
    assert LinkKey.objects.filter(kind="photo_sha", candidate_id__in=ids).count() == 2


def test_a_ring_posted_one_by_one_is_assessed_in_full_once_each_by_a_real_worker(queue, worker):
    """Writes queue only their own assessment; the worker keys each candidate and refreshes
    the earlier holders' links. However the runs interleave, each candidate gets exactly one
    full assessment (a refresh requested while its own is pending joins it), and every one
    ends linked to all the others."""
    ring = []
    for n in range(3):
        with transaction.atomic():
            candidate = CandidateFactory(phone="+1 314 555 0142", full_name=f"Ring {n}")
            pipeline.assessment_request(candidate=candidate, trigger="upsert")
        ring.append(candidate.pk)

    def linked_to_all(pk) -> bool:
        latest = Assessment.objects.filter(candidate_id=pk).order_by("-seq").first()
        if latest is None or latest.status != "completed":
            return False
        signal = Signal.objects.filter(assessment=latest, code="link.phone_shared").first()
        return signal is not None and len(signal.related_candidates) == 2

    def settled() -> bool:
        done = not Assessment.objects.filter(candidate_id__in=ring).exclude(status="completed")
        return done and all(linked_to_all(pk) for pk in ring)

    assert _wait_for(settled), worker.log.read_text()[-3000:]
    rows = Assessment.objects.filter(candidate_id__in=ring)
    assert rows.filter(scope="full").count() == 3
    assert rows.filter(scope="links").count() <= 3  # 0+1+2 at most: the rest joined
