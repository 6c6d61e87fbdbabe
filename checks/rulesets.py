"""Reading and versioning rule sets."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from django.db import IntegrityError, transaction

from checks.models import CheckRule, RuleSet, SignalRule

# A version never changes once saved, so its snapshot is cached per process. The key includes
# created_at because a wiped and re-created database may reuse a version number.
_snapshot_cache: dict[tuple[int, Any], dict[str, Any]] = {}
log = logging.getLogger(__name__)


def ruleset_active() -> RuleSet:
    return RuleSet.objects.get(is_active=True)


def ruleset_snapshot(ruleset: RuleSet) -> dict[str, Any]:
    """The rule set as plain JSON, cached per version (a version never changes once used)."""
    cached = _snapshot_cache.get((ruleset.version, ruleset.created_at))
    if cached is not None:
        return cached
    snapshot = {
        "version": ruleset.version,
        "bands": {
            "medium": ruleset.band_medium,
            "high": ruleset.band_high,
            "critical": ruleset.band_critical,
        },
        "checks": {
            r.check_name: {"enabled": r.enabled, "params": r.params}
            for r in ruleset.check_rules.all()
        },
        "signals": {
            r.code: {"enabled": r.enabled, "points": r.points, "severity": r.severity}
            for r in ruleset.signal_rules.all()
        },
    }
    if ruleset.version is not None:  # a draft changes while edited: never cached
        _snapshot_cache[(ruleset.version, ruleset.created_at)] = snapshot
    return snapshot


def ruleset_active_snapshot() -> dict[str, Any]:
    """The active rule set (one query when cached). There is always one: if the table was
    emptied, the registry's defaults become a new version rather than every assessment failing."""
    row = RuleSet.objects.filter(is_active=True).values_list("version", "created_at").first()
    if row is None:
        return ruleset_snapshot(ruleset_create_defaults())
    if row in _snapshot_cache:
        return _snapshot_cache[row]
    return ruleset_snapshot(RuleSet.objects.get(version=row[0]))


def ruleset_create_defaults() -> RuleSet:
    from checks.registry import CHECKS

    log.warning("No active rule set: creating one from the check registry's defaults")
    checks = {c.name: {"enabled": True, "params": dataclasses.asdict(c.Params())} for c in CHECKS}
    signals = {
        code: {"enabled": True, "points": info.points, "severity": info.severity}
        for c in CHECKS
        for code, info in c.codes.items()
    }
    try:
        with transaction.atomic():
            return ruleset_copy_with(
                RuleSet,
                CheckRule,
                SignalRule,
                base=None,
                checks=checks,
                signals=signals,
                note="Defaults from the check registry (none was active)",
            )
    except IntegrityError:  # another process created it first
        return RuleSet.objects.get(is_active=True)


@transaction.atomic
def ruleset_save_new_version(
    *,
    base: RuleSet,
    note: str = "",
    user=None,
    bands: dict[str, int] | None = None,
    checks: dict[str, dict[str, Any]] | None = None,
    signals: dict[str, dict[str, Any]] | None = None,
    activate: bool = True,
) -> RuleSet:
    """Copy `base` into a new version with the given overrides, and make it active.

    Activating queues a reassessment of every candidate under the new version (trigger
    "ruleset"), in batches, after commit. Past assessments keep the version they ran with.
    """
    new = ruleset_copy_with(
        RuleSet,
        CheckRule,
        SignalRule,
        base=base,
        note=note,
        user=user,
        bands=bands,
        checks=checks,
        signals=signals,
        activate=activate,
    )
    if activate:
        from candidates.pipeline import ruleset_reassess_start

        transaction.on_commit(lambda: ruleset_reassess_start(version=new.version))
    return new


def ruleset_copy_with(
    RuleSetM,
    CheckRuleM,
    SignalRuleM,
    *,
    base,
    note="",
    user=None,
    bands=None,
    checks=None,
    signals=None,
    activate=True,
):
    """Model-class-agnostic so data migrations can call it with historical models.
    `base` may be None (the very first version)."""
    last = (
        RuleSetM.objects.filter(version__isnull=False)  # drafts have no number yet
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    )
    b = {"medium": 25, "high": 50, "critical": 75}
    check_rows: dict[str, dict] = {}
    signal_rows: dict[str, dict] = {}
    if base is not None:
        b = {"medium": base.band_medium, "high": base.band_high, "critical": base.band_critical}
        check_rows = {
            r.check_name: {"enabled": r.enabled, "params": r.params} for r in base.check_rules.all()
        }
        signal_rows = {
            r.code: {"enabled": r.enabled, "points": r.points, "severity": r.severity}
            for r in base.signal_rules.all()
        }
    b.update(bands or {})
    for name, override in (checks or {}).items():
        check_rows[name] = {**check_rows.get(name, {"enabled": True, "params": {}}), **override}
    for code, override in (signals or {}).items():
        signal_rows[code] = {**signal_rows.get(code, {"enabled": True}), **override}
    if activate:
        RuleSetM.objects.filter(is_active=True).update(is_active=False)
    new = RuleSetM.objects.create(
        version=last + 1,
        is_active=activate,
        band_medium=b["medium"],
        band_high=b["high"],
        band_critical=b["critical"],
        note=note,
        created_by=user,
    )
    CheckRuleM.objects.bulk_create(
        [CheckRuleM(ruleset=new, check_name=n, **row) for n, row in sorted(check_rows.items())]
    )
    SignalRuleM.objects.bulk_create(
        [SignalRuleM(ruleset=new, code=c, **row) for c, row in sorted(signal_rows.items())]
    )
    return new


def migration_add_version(
    apps,
    note: str,
    *,
    checks: dict | None = None,
    signals: dict | None = None,
    bands: dict | None = None,
) -> None:
    """For data migrations: a new active version = the active one plus these defaults.

    Migrations pass their defaults literally (not read from the registry) so that replaying an
    old migration always creates the same version.
    """
    RuleSetM = apps.get_model("checks", "RuleSet")
    base = RuleSetM.objects.filter(is_active=True).first()
    ruleset_copy_with(
        RuleSetM,
        apps.get_model("checks", "CheckRule"),
        apps.get_model("checks", "SignalRule"),
        base=base,
        note=note,
        bands=bands,
        checks=checks,
        signals=signals,
    )
