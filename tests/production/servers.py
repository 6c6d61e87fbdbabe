"""Real server processes for the production-path tests: gunicorn with DEBUG off, a private
redis-server on a free loopback port (never the machine's shared one), the test database's URL."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The test database as a URL another process can open (PostgreSQL only)."""
    s = connection.settings_dict
    if s["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a second process needs a shared database server (PostgreSQL)")
    user, host, port = s["USER"] or "postgres", s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{s['NAME']}"


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production process: DEBUG off, a real secret."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG",)}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(48), VETTING_HASH_KEY="h" * 40)
    # As deployed behind the TLS-terminating proxy (SECURITY.md): plain HTTP on loopback here.
    env.update(VETTING_BEHIND_PROXY="1")
    env.update(extra)
    return env


def wait_until_answers(url: str, timeout: float = 60.0, proc=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:4]} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers, whatever the status
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


@contextmanager
def gunicorn(env: dict[str, str], log: Path, workers: int = 1):
    """gunicorn serving vetting.wsgi as the README runs it; yields the base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "vetting.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(f"{base}/healthz", proc=proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


class PrivateRedis:
    """A redis-server of our own on a free loopback port, that a test may stop and restart."""

    def __init__(self, workdir: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.binary, self.workdir, self.port = binary, workdir, free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--daemonize", "no", "--dir", str(self.workdir)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


def http_json(method: str, url: str, *, key: str | None = None, body=None, timeout: float = 60):
    """(status, parsed JSON body) for one HTTP call to a server process."""
    import json

    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, raw.decode(errors="replace")


@contextmanager
def celery_process(kind: str, env: dict[str, str], log: Path, *extra: str):
    """A Celery worker or beat process of our own; stopped (and reaped) on exit."""
    args = [sys.executable, "-m", "celery", "-A", "vetting", kind, "--loglevel=INFO", *extra]
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def wait_for(predicate, timeout: float = 60.0, step: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def wait_worker_ready(log: Path, proc, timeout: float = 180.0) -> None:
    """Until the worker says it is ready (a loaded machine can take a minute to start one)."""
    ok = wait_for(
        lambda: proc.poll() is not None or " ready." in log.read_text(),
        timeout=timeout,
        step=0.5,
    )
    if not ok or proc.poll() is not None:
        raise RuntimeError("the Celery worker did not start:\n" + log.read_text()[-3000:])
