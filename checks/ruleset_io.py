"""Rule sets as portable JSON (`manage.py ruleset export / import`) and their validation.

The same validation serves the import and the /rules/ workspace, so a file can never hold what
the workspace would refuse: unknown checks or codes, parameters the check's Params reject,
points outside 0-100, unknown severities, bands that do not rise.
"""

from __future__ import annotations

from typing import Any

from checks.drafts import Rules, rules_of
from checks.models import RuleSet, Severity
from checks.params import params_errors
from checks.registry import CHECKS, code_info

FORMAT = "vetting-ruleset/1"


def ruleset_export(ruleset: RuleSet) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": ruleset.version,
        "status": ruleset.status,
        "note": ruleset.note,
        **rules_of(ruleset),
    }


def bands_errors(bands: Any) -> list[str]:
    if not isinstance(bands, dict) or set(bands) != {"medium", "high", "critical"}:
        return ["bands must be an object with medium, high and critical"]
    values = [bands[k] for k in ("medium", "high", "critical")]
    if not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 100 for v in values):
        return ["each band is a whole number from 1 to 100"]
    if not values[0] < values[1] < values[2]:
        return ["bands must rise: medium < high < critical"]
    return []


def _check_errors(name: str, row: Any) -> list[str]:
    check = next((c for c in CHECKS if c.name == name), None)
    if check is None:
        return [f"unknown check (known: {', '.join(c.name for c in CHECKS)})"]
    if not isinstance(row, dict) or set(row) != {"enabled", "params"}:
        return ["expected an object with enabled and params"]
    errors = [] if isinstance(row["enabled"], bool) else ["enabled: expected true or false"]
    return errors + params_errors(check.Params, row["params"])


def _signal_errors(code: str, row: Any) -> list[str]:
    if code_info(code) is None:
        return ["unknown signal code"]
    if not isinstance(row, dict) or set(row) != {"enabled", "points", "severity"}:
        return ["expected an object with enabled, points and severity"]
    errors = []
    if not isinstance(row["enabled"], bool):
        errors.append("enabled: expected true or false")
    points = row["points"]
    if not isinstance(points, int) or isinstance(points, bool) or not 0 <= points <= 100:
        errors.append("points: a whole number from 0 to 100")
    if row["severity"] not in Severity.values:
        errors.append(f"severity: one of {', '.join(Severity.values)}")
    return errors


def rules_errors(data: Any) -> dict[str, list[str]]:
    """Problems keyed by dotted path ("signals.phone.voip"), the API's `fields` shape."""
    if not isinstance(data, dict):
        return {"": ["a rule set is a JSON object"]}
    errors: dict[str, list[str]] = {}
    for key in ("bands", "checks", "signals"):
        if key not in data:
            errors[key] = ["missing"]
    if errors:
        return errors
    if problems := bands_errors(data["bands"]):
        errors["bands"] = problems
    for key, judge in (("checks", _check_errors), ("signals", _signal_errors)):
        rows = data[key]
        if not isinstance(rows, dict):
            errors[key] = ["expected an object"]
            continue
        for name, row in rows.items():
            if problems := judge(name, row):
                errors[f"{key}.{name}"] = problems
    return errors


def rules_from(data: dict[str, Any]) -> Rules:
    """The rules part of a validated export (anything else in the file is ignored)."""
    return {k: data[k] for k in ("bands", "checks", "signals")}
