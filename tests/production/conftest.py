"""The production stack for the fault tests: gunicorn (DEBUG off), a Celery worker and beat, all
on the test database and a redis-server of the test's own."""

import uuid

import pytest
from django.utils import timezone

from checks.models import RuleSet
from tests.production.servers import (
    PrivateRedis,
    celery_process,
    database_url,
    gunicorn,
    production_env,
)

METRICS_TOKEN = "metrics-token-for-the-fault-tests"


@pytest.fixture
def stack(django_db_blocker, tmp_path):
    # The migrations' rule set has not had its reassessment pass in this fresh database; the
    # sweep would start it and add a "ruleset" assessment to every candidate.
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
            yield {"base": base, "redis": redis, "worker": worker, "logs": tmp_path}
    finally:
        redis.stop()
