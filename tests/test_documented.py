"""What users read matches the code: every environment variable the code reads is in the
README's settings table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_READS = re.compile(
    r"""(?:env_(?:str|int|bool|list)|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def test_every_environment_variable_is_in_the_readme_table():
    read = set()
    for package in ("vetting", "candidates", "links", "checks"):
        for path in (ROOT / package).rglob("*.py"):
            read |= set(_READS.findall(path.read_text()))
    rows = [
        line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `")
    ]
    documented = {
        name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])
    }
    assert "DATABASE_URL" in read and "VETTING_QUEUE" in read  # the scan sees the settings
    assert read - documented == set()
