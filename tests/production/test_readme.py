"""The README's "Running it for real" section, executed as written.

The fenced shell block is taken from README.md and run by bash, with DEBUG off, in a copy of the
repository. Only what a reader fills in for their own site is replaced:
- the database and Redis URLs: a throwaway PostgreSQL database and a private redis-server on
  loopback;
- the "…" placeholders: generated values;
- the port gunicorn binds: loopback and a free port, not 0.0.0.0:8000.
The three long-running commands (gunicorn, worker, beat) run in the background, as a reader runs
them in their own terminals. Every replacement must apply exactly once, so a README that changes
fails here instead of running something else. Everything is stopped at the end (one process
group), and the whole run is bounded.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from candidates.roles import RECRUITERS
from tests.production.servers import ROOT, PrivateRedis, free_port, wait_for

pytestmark = pytest.mark.django_db

LONG_RUNNING = (".venv/bin/gunicorn ", "make worker", "make beat")
COPY_IGNORE = shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__", "*.pyc")


def readme_commands() -> list[str]:
    """The shell lines of the first fenced block under "## Running it for real"."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Running it for real\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)\n```", section, re.S)
    assert block, "the section has no ```sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def _replace_once(script: str, old: str, new: str) -> str:
    assert script.count(old) == 1, f"the README no longer has {old!r} exactly once"
    return script.replace(old, new)


def as_run_here(lines: list[str], *, database: str, redis: str, port: int, password: str) -> str:
    script = "\n".join(lines)
    script = _replace_once(script, "postgres://vetting:secret@127.0.0.1:5432/vetting", database)
    script = _replace_once(script, "redis://127.0.0.1:6379/0", redis)
    script = _replace_once(
        script, "VETTING_HASH_KEY=…", f"VETTING_HASH_KEY={secrets.token_hex(24)}"
    )
    script = _replace_once(script, "VETTING_METRICS_TOKEN=…", "VETTING_METRICS_TOKEN=readme-token")
    script = _replace_once(script, "VETTING_PASSWORD=…", f"VETTING_PASSWORD={password}")
    script = _replace_once(script, "--bind 0.0.0.0:8000", f"--bind 127.0.0.1:{port}")
    assert "…" not in script, "a placeholder this test does not know"
    out = ["set -euo pipefail"]
    for number, line in enumerate(script.splitlines()):
        command = re.sub(r"\s+#.*$", "", line)  # the README's explanatory comments
        if command.startswith(LONG_RUNNING):
            command = f"{command} > long-running-{number}.log 2>&1 &"
        out.append(command)
    out += ["echo README-DONE", "wait"]  # keep the group alive until the test stops it
    return "\n".join(out) + "\n"


@pytest.fixture
def throwaway_database():
    s = connection.settings_dict
    if s["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the README's deployment runs on PostgreSQL")
    user, host, port = s["USER"] or "postgres", s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    name = f"vetting_readme_{secrets.token_hex(4)}"
    admin = psycopg2.connect(
        dbname="postgres", user=user, host=host, port=port, password=s["PASSWORD"] or None
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            f"postgres://{user}@{host}:{port}/{name}",
            dict(dbname=name, user=user, host=host, port=port, password=s["PASSWORD"] or None),
        )
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_the_readme_production_section_runs_as_written(throwaway_database, tmp_path):
    database_url, database = throwaway_database
    redis = PrivateRedis(tmp_path)
    redis.start()
    copy = tmp_path / "vetting"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
    (copy / ".venv").symlink_to((ROOT / ".venv").resolve())  # `make install` finds it installed
    port = free_port()
    script = as_run_here(
        readme_commands(), database=database_url, redis=redis.url, port=port, password="pw-readme"
    )
    (copy / "readme.sh").write_text(script)
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}  # no DEBUG
    log = tmp_path / "readme.log"
    proc = subprocess.Popen(
        ["bash", "readme.sh"],
        cwd=copy,
        env=keep,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # one process group: gunicorn, worker and beat stop with it
    )
    try:
        done = wait_for(
            lambda: proc.poll() is not None or "README-DONE" in log.read_text(), timeout=300
        )
        assert done and proc.poll() is None, "the README's commands failed:\n" + _tail(log)
        health = f"http://127.0.0.1:{port}/healthz?strict=1"
        assert wait_for(lambda: _answers(health) == 200, timeout=60), _tail(log)
        with urllib.request.urlopen(health, timeout=5) as response:
            assert b'"broker": "ok"' in response.read().replace(b'":"', b'": "')
        logs = lambda: "".join(p.read_text() for p in copy.glob("long-running-*.log"))  # noqa: E731
        assert wait_for(lambda: " ready." in logs(), timeout=180), logs()[-3000:]  # the worker
        assert wait_for(lambda: "beat: Starting" in logs(), timeout=60), logs()[-3000:]
        assert (copy / "var" / "staticfiles" / "staticfiles.json").exists()  # the manifest
        assert _user_roles(database, "alice") == [RECRUITERS]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        time.sleep(1)  # let gunicorn and Celery children exit before the database is dropped
        redis.stop()


def _answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def _user_roles(database: dict, username: str) -> list[str]:
    with psycopg2.connect(**database) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT g.name FROM auth_user u JOIN auth_user_groups ug ON ug.user_id = u.id"
            " JOIN auth_group g ON g.id = ug.group_id WHERE u.username = %s",
            [username],
        )
        names = [row[0] for row in cursor.fetchall()]
    conn.close()
    return names


def _tail(log: Path) -> str:
    return log.read_text()[-4000:]
