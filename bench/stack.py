"""A real deployment on loopback for the bench: a throwaway PostgreSQL database, a private
redis-server on a free port, gunicorn (2 sync workers) and Celery worker processes.

Only 127.0.0.1 is ever bound or targeted. Every process goes through harness.Procs, so it is
stopped when the bench ends, however it ends. The machine's own Redis (6379) is never used.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import redis

from bench.harness import Procs, wait_until

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PY = sys.executable
BIN = Path(PY).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def db_url(base_url: str, name: str) -> str:
    return urlunsplit(urlsplit(base_url)._replace(path=f"/{name}"))


def _admin(base_url: str):
    conn = psycopg2.connect(db_url(base_url, "postgres"))
    conn.autocommit = True
    return conn


def database_create(base_url: str, name: str, *, fresh: bool = True) -> str:
    """Create `name` (dropping what is there when `fresh`; else reuse it, e.g. a kept 1M)."""
    assert name.startswith("vetting_bench_"), name  # never anyone else's database
    conn = _admin(base_url)
    with conn.cursor() as cur:
        if fresh:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return db_url(base_url, name)


def database_drop(base_url: str, name: str) -> None:
    assert name.startswith("vetting_bench_"), name
    conn = _admin(base_url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


class Stack:
    """Start with `up()`, stop with `down()` (also from the suite's `finally`)."""

    def __init__(self, procs: Procs, base_db_url: str, db_name: str, logs: Path) -> None:
        self.procs, self.base, self.logs = procs, base_db_url, logs
        self.db_name = db_name
        self.db_url = ""
        self.redis_port = free_port()
        self.web_port = free_port()
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        self.workers: list[str] = []
        self.media = logs / "media"

    @property
    def redis_url(self) -> str:
        return f"redis://{HOST}:{self.redis_port}/0"

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "VETTING_HASH_KEY": "bench-only-hash-key-not-for-production-0123456789",
            "DATABASE_URL": self.db_url,
            "REDIS_URL": self.redis_url,
            "VETTING_QUEUE": self.queue,
            "VETTING_API_RATE": "100000000/min",  # time the API, not the throttle
            "MEDIA_ROOT": str(self.media),
            "LOG_LEVEL": "WARNING",
            # As docker-compose.yml deploys it: behind a TLS-terminating proxy, which the load
            # generator plays by sending X-Forwarded-Proto (else every request is redirected).
            "VETTING_BEHIND_PROXY": "1",
            **extra,
        }

    def up(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.db_url = database_create(self.base, self.db_name)
        self._redis()
        subprocess.run(
            [PY, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env(),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # The migrated rule set's reassessment pass has nothing to do on an empty database; a
        # deployment's first beat finishes it at once. Marked done here, or beat would start it
        # in the middle of a phase (over that phase's candidates: one extra full assessment
        # each, which is the rule set's, not the import's).
        self.sql("UPDATE checks_ruleset SET reassess_done_at = now() WHERE is_active")
        self._gunicorn()

    def _redis(self) -> None:
        server = shutil.which("redis-server") or sys.exit("redis-server is not installed")
        self.procs.start(
            "redis",
            [
                server,
                "--bind",
                HOST,
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ],
            env=dict(os.environ),
            log=self.logs / "redis.log",
        )
        client = redis.Redis.from_url(self.redis_url)
        if not wait_until(lambda: _ping(client), timeout=10):
            raise RuntimeError("the private redis-server did not start")

    def _gunicorn(self) -> None:
        self.procs.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "vetting.wsgi:application",
                "--bind",
                f"{HOST}:{self.web_port}",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=self.env(),
            cwd=ROOT,
            log=self.logs / "gunicorn.log",
        )
        if not wait_until(self._healthy, timeout=60, step=0.3):
            raise RuntimeError(f"gunicorn did not answer; see {self.logs / 'gunicorn.log'}")

    def _healthy(self) -> bool:
        import http.client

        try:
            conn = http.client.HTTPConnection(HOST, self.web_port, timeout=2)
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False

    def workers_start(self, count: int) -> list[int]:
        """`count` Celery worker processes (solo pool: one process each, like one container
        of `docker compose up --scale worker=N` per process). Returns their pids."""
        pids = []
        for _ in range(count):
            name = f"worker-{len(self.workers)}-{uuid.uuid4().hex[:4]}"
            proc = self.procs.start(
                name,
                [
                    str(BIN / "celery"),
                    "-A",
                    "bench.worker_app",
                    "worker",
                    "--pool=solo",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=WARNING",
                    # No -Q: every queue of the settings' task_queues (assessments, reassessment,
                    # webhooks and the default one, all named after VETTING_QUEUE), as a
                    # production worker that serves them all.
                    "-n",
                    f"{name}@bench",
                ],
                env=self.env(),
                cwd=ROOT,
                log=self.logs / "workers.log",
            )
            self.workers.append(name)
            pids.append(proc.pid)
        self._beat_start()
        return pids

    def _beat_start(self) -> None:
        """Celery beat beside the workers, as a deployment runs it (docker-compose.yml's `beat`):
        its sweeps queue what a write left to them (low-value link refreshes, the link backlog,
        anything the broker lost), so "settled" includes that work at its real pace."""
        if "beat" in self.workers:
            return
        self.procs.start(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "bench.worker_app",
                "beat",
                "--loglevel=WARNING",
                "--schedule",
                str(self.logs / f"celerybeat-{uuid.uuid4().hex[:6]}"),
            ],
            env=self.env(),
            cwd=ROOT,
            log=self.logs / "beat.log",
        )
        self.workers.append("beat")

    def workers_stop(self) -> None:
        for name in self.workers:
            self.procs.stop(name, timeout=20)
        self.workers = []

    def redis_flush(self) -> None:
        redis.Redis.from_url(self.redis_url).flushdb()

    def sql(self, query: str, params: tuple | list = ()) -> list[tuple]:
        conn = psycopg2.connect(self.db_url)
        try:
            with conn, conn.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()

    def reset(self) -> None:
        """Empty every table a candidate reaches (workers stopped, queue flushed), so each
        repeat starts from the same state and rings do not grow across repeats."""
        self.workers_stop()
        self.redis_flush()
        self.sql("TRUNCATE candidates_candidate CASCADE")

    def api_key(self, name: str) -> str:
        out = subprocess.run(
            [PY, "manage.py", "create_api_client", name],
            cwd=ROOT,
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip().splitlines()[-1]

    def down(self, *, keep_db: bool = False) -> None:
        self.procs.stop_all()
        if not keep_db and self.db_url:
            database_drop(self.base, self.db_name)
        shutil.rmtree(self.media, ignore_errors=True)


def _ping(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        time.sleep(0.05)
        return False
