"""Assessments per second through a real Celery worker process (solo pool, one core), with the
worker keeping its database connection between tasks and with Celery's default of closing it.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_bench_worker \
      REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/bench_worker.py [N]

It creates the database's tables, N candidates with pending assessments, queues them, and times
how long one worker takes to complete them all. Figures go to docs/performance.md.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
os.environ["VETTING_QUEUE"] = f"bench-{uuid.uuid4().hex[:8]}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from candidates import pipeline  # noqa: E402
from candidates.models import ApiClient, Assessment, Candidate  # noqa: E402
from tests.factories import ApiClientFactory, CandidateFactory  # noqa: E402


def _prepare(n: int) -> list[str]:
    Candidate.objects.all().delete()
    ApiClient.objects.all().delete()
    client = ApiClientFactory()
    ids = []
    for i in range(n):
        candidate = CandidateFactory(client=client, phone=f"+1 314 20{i % 10} {1000 + i % 9000}")
        ids.append(candidate)
    Assessment.objects.all().delete()
    return ids


def _run(n: int, reuse: bool) -> float:
    candidates = _prepare(n)
    env = {**os.environ, "VETTING_DB_REUSE_MAX": "1000" if reuse else "0"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "vetting",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "-Q",  # the assessments wait in their own queue (settings.VETTING_QUEUES)
            ",".join(settings.VETTING_QUEUE_NAMES),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(4)  # worker start-up, not part of the figure
        with transaction.atomic():
            for candidate in candidates:
                pipeline.assessment_request(candidate=candidate, trigger="manual")
        started = time.monotonic()
        while Assessment.objects.exclude(status__in=("completed", "failed")).exists():
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        failed = Assessment.objects.filter(status="failed").count()
        assert failed == 0, f"{failed} assessments failed"
        return n / elapsed
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    call_command("migrate", verbosity=0)
    reuse = _run(n, reuse=True)
    close = _run(n, reuse=False)
    print(f"{n} assessments, one solo worker process:")
    print(f"  connection kept between tasks: {reuse:7.1f} assessments/s")
    print(
        f"  connection closed per task:    {close:7.1f} assessments/s  "
        f"({close / reuse:.0%} of the kept-connection figure)"
    )


if __name__ == "__main__":
    main()
