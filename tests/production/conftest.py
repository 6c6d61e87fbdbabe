"""The production stack for the fault tests: gunicorn (DEBUG off), a Celery worker and beat, all
on the test database and a redis-server of the test's own."""

import uuid

import pytest
from django.utils import timezone

from checks.models import RuleSet
from checks.rulesets import ruleset_active_snapshot
from tests.production.servers import (
    PrivateRedis,
    celery_process,
    database_url,
    gunicorn,
    production_env,
    wait_worker_ready,
)

METRICS_TOKEN = "metrics-token-for-the-fault-tests"


@pytest.fixture
def stack(django_db_blocker, tmp_path):
    # The migrations' rule set has not had its reassessment pass in this fresh database; the
    # sweep would start it and add a "ruleset" assessment to every candidate.
    # (A test before may have flushed the table: then the defaults become the active version
    # now, rather than in the worker in the middle of the test.)
    ruleset_active_snapshot()
    RuleSet.objects.update(reassess_done_at=timezone.now())
    (tmp_path / "prometheus").mkdir()
    redis = PrivateRedis(tmp_path)
    redis.start()
    with django_db_blocker.unblock():
        env = production_env(
            DATABASE_URL=database_url(),
            REDIS_URL=redis.url,
            VETTING_QUEUE=f"faults-{uuid.uuid4().hex[:8]}",
            VETTING_SWEEP_SECONDS="2",
            VETTING_SWEEP_GRACE_SECONDS="1",
            VETTING_STALE_RUNNING_SECONDS="5",  # a killed worker's claim goes stale quickly
            MEDIA_ROOT=str(tmp_path / "media"),
            # Metrics of gunicorn and the worker, added up by /metrics.
            PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
            VETTING_METRICS_TOKEN=METRICS_TOKEN,
            STATIC_ROOT=str(tmp_path / "static"),
        )
    worker_args = ("--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat")
    beat_args = ("--schedule", str(tmp_path / "beat-schedule"))
    try:
        with (
            celery_process("worker", env, tmp_path / "worker.log", *worker_args) as worker,
            celery_process("beat", env, tmp_path / "beat.log", *beat_args),
            gunicorn(env, tmp_path / "gunicorn.log") as base,
        ):
            wait_worker_ready(tmp_path / "worker.log", worker)
            yield {"base": base, "redis": redis, "worker": worker, "logs": tmp_path, "env": env}
    finally:
        redis.stop()
