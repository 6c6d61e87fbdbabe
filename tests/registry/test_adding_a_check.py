"""README, "Adding a check": a module, one registry line and its tests are all it takes. This test
does exactly that in a copy of the project, migrates a fresh database (SQLite, then PostgreSQL),
and looks where users look: the signal catalogue, /rules/, and an assessment of a candidate."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _project_with_new_check(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("vetting", "candidates", "links", "checks", "templates", "static"):
        shutil.copytree(ROOT / name, project / name, ignore=ignore)
    shutil.copy(ROOT / "manage.py", project / "manage.py")
    # The three touches: the module, one registry line (and its import), and a test file.
    shutil.copy(HERE / "throwaway_check.py", project / "checks" / "throwaway.py")
    registry = project / "checks" / "registry.py"
    text = registry.read_text().replace(
        "CHECKS: tuple[Check, ...] = (",
        "from checks.throwaway import ThrowawayCheck  # noqa: E402\n\n"
        "CHECKS: tuple[Check, ...] = (\n    ThrowawayCheck(),",
    )
    registry.write_text(text)
    return project


def _manage(project: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _probe(project: Path, env: dict[str, str]) -> dict:
    _manage(project, env, "migrate", "--noinput")
    out = _manage(project, env, "shell", stdin=(HERE / "probe.py").read_text())
    [line] = [line for line in out.splitlines() if line.startswith("PROBE ")]
    return json.loads(line.removeprefix("PROBE "))


def _assert_visible_and_firing(seen: dict) -> None:
    assert seen["catalogue"]["check"] == "throwaway"
    assert seen["catalogue"]["default_points"] == 33
    assert seen["catalogue"]["points"] == 33  # in the active rule set, added at migrate time
    assert seen["on_rules_page"] is True
    assert seen["status"] == "completed"
    assert seen["signal"]["score"] == 33
    assert seen["signal"]["severity"] == "medium"
    assert seen["signal"]["message"] == "The full name contains 1 digits"


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    return {**env, "DEBUG": "1", **extra}


def test_a_new_check_on_sqlite(tmp_path):
    project = _project_with_new_check(tmp_path)
    seen = _probe(project, _env(SQLITE_PATH=str(tmp_path / "db.sqlite3")))
    _assert_visible_and_firing(seen)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs DATABASE_URL pointing at PostgreSQL (make test does)",
)
def test_a_new_check_on_postgresql(tmp_path):
    db = settings.DATABASES["default"]
    name = f"vetting_new_check_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
    )
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        project = _project_with_new_check(tmp_path)
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
        _assert_visible_and_firing(_probe(project, _env(DATABASE_URL=url)))
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
