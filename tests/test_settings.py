"""Settings come from the environment and refuse unsafe production values."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _check(**env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "VETTING_ALLOW_DEV_SECRET")
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "CRITICAL"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_the_default_secret():
    result = _check(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_secret():
    assert _check(DEBUG="0", SECRET_KEY="short").returncode != 0


def test_production_starts_with_a_real_secret():
    result = _check(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_a_bad_boolean_fails_loudly():
    result = _check(DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be one of" in result.stderr
