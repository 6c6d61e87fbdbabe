"""Reading and versioning rule sets."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from checks.models import CheckRule, RuleSet, SignalRule

_snapshot_cache: dict[int, dict[str, Any]] = {}


def ruleset_active() -> RuleSet:
    return RuleSet.objects.get(is_active=True)


def ruleset_snapshot(ruleset: RuleSet) -> dict[str, Any]:
    """The rule set as plain JSON, cached per version (a version never changes once used)."""
    cached = _snapshot_cache.get(ruleset.version)
    if cached is not None:
        return cached
    snapshot = {
        "version": ruleset.version,
        "bands": {"medium": ruleset.band_medium, "high": ruleset.band_high,
                  "critical": ruleset.band_critical},
        "checks": {r.check_name: {"enabled": r.enabled, "params": r.params}
                   for r in ruleset.check_rules.all()},
        "signals": {r.code: {"enabled": r.enabled, "points": r.points, "severity": r.severity}
                    for r in ruleset.signal_rules.all()},
    }
    _snapshot_cache[ruleset.version] = snapshot
    return snapshot


def ruleset_active_snapshot() -> dict[str, Any]:
    version = RuleSet.objects.filter(is_active=True).values_list("version", flat=True).first()
    if version is None:
        raise RuntimeError("No active rule set: run migrations")
    if version in _snapshot_cache:
        return _snapshot_cache[version]
    return ruleset_snapshot(RuleSet.objects.get(version=version))


@transaction.atomic
def ruleset_save_new_version(*, base: RuleSet, note: str = "", user=None,
                             bands: dict[str, int] | None = None,
                             checks: dict[str, dict[str, Any]] | None = None,
                             signals: dict[str, dict[str, Any]] | None = None,
                             activate: bool = True) -> RuleSet:
    """Copy `base` into a new version with the given overrides, and make it active."""
    return ruleset_copy_with(RuleSet, CheckRule, SignalRule, base=base, note=note, user=user,
                             bands=bands, checks=checks, signals=signals, activate=activate)


def ruleset_copy_with(RuleSetM, CheckRuleM, SignalRuleM, *, base, note="", user=None,  # noqa: N803
                      bands=None, checks=None, signals=None, activate=True):
    """Model-class-agnostic so data migrations can call it with historical models.
    `base` may be None (the very first version)."""
    last = RuleSetM.objects.order_by("-version").values_list("version", flat=True).first() or 0
    b = {"medium": 25, "high": 50, "critical": 75}
    check_rows: dict[str, dict] = {}
    signal_rows: dict[str, dict] = {}
    if base is not None:
        b = {"medium": base.band_medium, "high": base.band_high, "critical": base.band_critical}
        check_rows = {r.check_name: {"enabled": r.enabled, "params": r.params}
                      for r in base.check_rules.all()}
        signal_rows = {r.code: {"enabled": r.enabled, "points": r.points, "severity": r.severity}
                       for r in base.signal_rules.all()}
    b.update(bands or {})
    for name, override in (checks or {}).items():
        check_rows[name] = {**check_rows.get(name, {"enabled": True, "params": {}}), **override}
    for code, override in (signals or {}).items():
        signal_rows[code] = {**signal_rows.get(code, {"enabled": True}), **override}
    if activate:
        RuleSetM.objects.filter(is_active=True).update(is_active=False)
    new = RuleSetM.objects.create(
        version=last + 1, is_active=activate, band_medium=b["medium"], band_high=b["high"],
        band_critical=b["critical"], note=note, created_by=user,
    )
    CheckRuleM.objects.bulk_create(
        [CheckRuleM(ruleset=new, check_name=n, **row) for n, row in sorted(check_rows.items())])
    SignalRuleM.objects.bulk_create(
        [SignalRuleM(ruleset=new, code=c, **row) for c, row in sorted(signal_rows.items())])
    return new


def migration_add_version(apps, note: str, *, checks: dict | None = None,
                          signals: dict | None = None, bands: dict | None = None) -> None:
    """For data migrations: a new active version = the active one plus these defaults.

    Migrations pass their defaults literally (not read from the registry) so that replaying an
    old migration always creates the same version.
    """
    RuleSetM = apps.get_model("checks", "RuleSet")  # noqa: N806
    base = RuleSetM.objects.filter(is_active=True).first()
    ruleset_copy_with(RuleSetM, apps.get_model("checks", "CheckRule"),
                      apps.get_model("checks", "SignalRule"), base=base, note=note,
                      bands=bands, checks=checks, signals=signals)
