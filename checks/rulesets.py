"""Reading and versioning rule sets."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from django.db import IntegrityError, transaction

from checks.models import CheckRule, RuleSet, SignalRule
from checks.registry import CHECKS
from checks.scoring import Bands
from checks.signals import ruleset_activated

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
    return ruleset_snapshot_of(active=row)


def ruleset_snapshot_of(*, active: tuple[int, Any] | None) -> dict[str, Any]:
    """`ruleset_active_snapshot` for the active rule set's (version, created_at) read by the
    caller in a statement of its own (no query when cached)."""
    if active is None or active[0] is None:
        return ruleset_snapshot(ruleset_create_defaults())
    if active in _snapshot_cache:
        return _snapshot_cache[active]
    return ruleset_snapshot(RuleSet.objects.get(version=active[0]))


def registry_defaults() -> tuple[dict[str, dict], dict[str, dict]]:
    """(checks, signals) rows as a rule set stores them, from the check registry: the single
    source of every check's parameters and every code's default points and severity."""
    checks = {c.name: {"enabled": True, "params": _as_json(c.Params())} for c in CHECKS}
    signals = {
        code: {"enabled": True, "points": info.points, "severity": info.severity}
        for c in CHECKS
        for code, info in c.codes.items()
    }
    return checks, signals


def _as_json(params: Any) -> dict[str, Any]:
    return {
        k: list(v) if isinstance(v, tuple | frozenset | set) else v
        for k, v in dataclasses.asdict(params).items()
    }


def ruleset_registry_gaps(ruleset: RuleSet) -> tuple[dict[str, dict], dict[str, dict]]:
    """What the registry has and `ruleset` lacks: whole checks, parameters of a check, codes.
    Returns (checks, signals) overrides with the registry's defaults for just those."""
    checks, signals = registry_defaults()
    have_checks = {r.check_name: r.params for r in ruleset.check_rules.all()}
    have_codes = set(ruleset.signal_rules.values_list("code", flat=True))
    missing_checks: dict[str, dict] = {}
    for name, row in checks.items():
        if name not in have_checks:
            missing_checks[name] = row
            continue
        params = row["params"]
        lacking = {k: v for k, v in params.items() if k not in (have_checks[name] or {})}
        if lacking:  # keep the admin's values, add only the new parameters
            missing_checks[name] = {"params": {**(have_checks[name] or {}), **lacking}}
    missing_codes = {code: row for code, row in signals.items() if code not in have_codes}
    return missing_checks, missing_codes


def ruleset_sync_registry() -> RuleSet | None:
    """At migrate time: a code or parameter the registry has and the active version lacks is
    added with its default, as a new active version (versions are immutable). None if nothing
    was missing or there is no active version yet (the first assessment creates one).

    Like a version a data migration creates, it is picked up by the periodic sweep's rule-set
    pass (candidates.pipeline.ruleset_reassess_resume) rather than reassessing inside migrate."""
    with transaction.atomic():
        active = RuleSet.objects.select_for_update().filter(is_active=True).first()
        if active is None:
            return None
        checks, signals = ruleset_registry_gaps(active)
        if not checks and not signals:
            return None
        added = sorted(signals) + [
            f"{name} parameters"
            if name in {r.check_name for r in active.check_rules.all()}
            else f"check {name}"
            for name in sorted(checks)
        ]
        log.info("Adding to the active rule set from the check registry: %s", ", ".join(added))
        return ruleset_copy_with(
            RuleSet,
            CheckRule,
            SignalRule,
            base=active,
            checks=checks,
            signals=signals,
            note=_note("Added from the check registry: " + ", ".join(added)),
        )


def _note(text: str) -> str:
    limit = RuleSet._meta.get_field("note").max_length or 300
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ruleset_create_defaults() -> RuleSet:
    log.warning("No active rule set: creating one from the check registry's defaults")
    checks, signals = registry_defaults()
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
        transaction.on_commit(lambda: ruleset_activated.send(sender=RuleSet, version=new.version))
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
    b = dataclasses.asdict(Bands())
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
