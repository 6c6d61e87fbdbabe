"""Every signal code cites the public guidance it follows, and a system check enforces it."""

from __future__ import annotations

from checks import system_checks
from checks.base import Code
from checks.registry import CHECKS, catalogue

SOURCES = ("State/Treasury/FBI", "U.S. Department of State", "FBI PSA", "Department of Justice")


def test_every_code_cites_a_public_source():
    for code, _check, info in catalogue():
        assert any(source in info.guidance for source in SOURCES), code


def test_the_system_check_passes_and_fails_on_a_code_without_guidance(monkeypatch):
    assert [m for m in system_checks.registry_codes() if m.id == "registry.E002"] == []
    link = next(c for c in CHECKS if c.name == "link")
    bare = {**link.codes, "link.example": Code("An example without guidance", 1, "info")}
    monkeypatch.setattr(type(link), "codes", bare)
    [error] = [m for m in system_checks.registry_codes() if m.id == "registry.E002"]
    assert error.is_serious() and "link.example" in error.msg
