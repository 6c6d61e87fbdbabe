"""Django system checks of the check registry (`manage.py check`, and before `migrate`).

Stable ids, as Django's own: registry.E001 a code outside its check's family, registry.E002 a
code without the public guidance it follows (an error: every code says why it matters),
registry.W003 a registry entry the active rule set lacks (run `manage.py migrate`, which adds it).
"""

from __future__ import annotations

from typing import Any

from django.core import checks as django_checks
from django.db import DatabaseError

from checks.models import RuleSet
from checks.registry import CHECKS
from checks.rulesets import ruleset_registry_gaps


@django_checks.register("vetting")
def registry_codes(app_configs: Any = None, **_kwargs: Any) -> list[django_checks.CheckMessage]:
    found: list[django_checks.CheckMessage] = []
    for check in CHECKS:
        for code, info in check.codes.items():
            if code.split(".", 1)[0] != check.name:
                found.append(
                    django_checks.Error(
                        f"Signal code {code!r} does not start with its check's name "
                        f"{check.name!r}.",
                        hint="A code's family is its check's name: the API reports it as 'check'.",
                        obj=type(check).__name__,
                        id="registry.E001",
                    )
                )
            if not info.guidance.strip():
                found.append(
                    django_checks.Error(
                        f"Signal code {code!r} cites no public guidance.",
                        hint="Give its Code a guidance string (see checks/guidance.py).",
                        obj=type(check).__name__,
                        id="registry.E002",
                    )
                )
    return found


@django_checks.register("vetting", django_checks.Tags.database)
def registry_in_active_ruleset(
    app_configs: Any = None, databases: Any = None, **_kwargs: Any
) -> list[django_checks.CheckMessage]:
    if not databases:
        return []
    try:
        active = RuleSet.objects.filter(is_active=True).first()
        if active is None:
            return []
        checks, signals = ruleset_registry_gaps(active)
    except DatabaseError:  # not migrated yet: migrate will add everything
        return []
    missing = sorted(signals) + sorted(f"{name} (parameters)" for name in checks)
    if not missing:
        return []
    return [
        django_checks.Warning(
            f"The active rule set v{active.version} lacks what the check registry has: "
            + ", ".join(missing),
            hint="Run `manage.py migrate`: it adds them with their defaults as a new version.",
            id="registry.W003",
        )
    ]
