"""The layers stay one-way (import-linter's contract in pyproject.toml, run by `make lint`), and no
first-party import hides inside a function to dodge a cycle: only AppConfig.ready may import late,
because Django requires it there."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = ("vetting", "candidates", "links", "checks")


def _deferred_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or func.name == "ready":
            continue
        for node in ast.walk(func):
            names = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.split(".")[0] in FIRST_PARTY:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return found


def test_no_first_party_import_is_deferred_outside_app_ready():
    deferred = []
    for package in FIRST_PARTY:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                deferred += _deferred_imports(path)
    assert deferred == []


def test_the_layers_contract_holds_and_catches_a_violation(tmp_path):
    """`lint-imports` passes on the tree, and fails on a copy where checks imports candidates."""
    lint = Path(sys.executable).with_name("lint-imports")
    ok = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    for package in FIRST_PARTY:
        subprocess.run(["cp", "-r", ROOT / package, tmp_path / package], check=True)
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "checks" / "upward.py").write_text("from candidates import models  # noqa\n")
    broken = subprocess.run(
        [lint],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
    )
    assert broken.returncode != 0
    assert "checks.upward -> candidates.models" in broken.stdout
