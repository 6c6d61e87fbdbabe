"""Drafts of rule sets: edited in place, never scoring anyone, published as the next version.

A draft is a RuleSet row with status "draft", no version number and is_active False; its check
and signal rows are edited in place (no assessment ever used them). Publishing numbers it, makes
it the active version and records the diff against the version it replaces. A rollback is a new
draft copied from an old version and published like any other, so history only grows.

Every change goes through `ruleset_change_record` (who, when, from where, the diff). Nothing here
knows about candidates: the caller decides whether to rescore after publishing (see
candidates.rules.services), as the layers require.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction
from django.utils import timezone

from checks.models import CheckRule, RuleSet, RuleSetChange, SignalRule
from checks.rulesets import ruleset_snapshot

Rules = dict[str, Any]  # {"bands": {...}, "checks": {...}, "signals": {...}}


def rules_of(ruleset: RuleSet) -> Rules:
    """The comparable part of a rule set: bands, checks and signals (no version). A copy: the
    snapshot behind it is cached per process, and a caller editing it must not change that."""
    snapshot = ruleset_snapshot(ruleset)
    return copy.deepcopy({k: snapshot[k] for k in ("bands", "checks", "signals")})


def rules_diff(before: Rules, after: Rules) -> list[dict[str, Any]]:
    """Every leaf that differs, as {"path": "signals.phone.voip.points", "before", "after"}."""
    changes: list[dict[str, Any]] = []
    _diff_into(changes, "", before, after)
    return changes


def _diff_into(out: list[dict[str, Any]], prefix: str, before: Any, after: Any) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(before.keys() | after.keys()):
            path = f"{prefix}.{key}" if prefix else key
            _diff_into(out, path, before.get(key), after.get(key))
    elif before != after:
        out.append({"path": prefix, "before": before, "after": after})


def ruleset_change_record(
    *,
    action: str,
    user: Any = None,
    via: str,
    actor: str = "",
    ruleset: RuleSet | None = None,
    note: str = "",
    diff: list[dict[str, Any]] | None = None,
) -> RuleSetChange:
    who = actor or (user.get_username() if user is not None and user.pk else "") or via
    return RuleSetChange.objects.create(
        action=action,
        user=user if user is not None and user.pk else None,
        actor=who[:150],
        via=via,
        ruleset=ruleset,
        version=ruleset.version if ruleset is not None else None,
        note=note[:300],
        diff=diff or [],
    )


@transaction.atomic
def ruleset_draft_create(
    *,
    base: RuleSet | None = None,
    rules: Rules | None = None,
    user: Any = None,
    via: str,
    actor: str = "",
    note: str = "",
) -> RuleSet:
    """A new draft holding `rules` (default: a copy of `base`, default: the active version)."""
    if rules is None:
        base = base or RuleSet.objects.get(is_active=True)
        rules = rules_of(base)
    bands = rules["bands"]
    draft = RuleSet.objects.create(
        status=RuleSet.Status.DRAFT,
        base_version=base.version if base is not None else None,
        band_medium=bands["medium"],
        band_high=bands["high"],
        band_critical=bands["critical"],
        note=note[:300],
        created_by=user if user is not None and user.pk else None,
    )
    CheckRule.objects.bulk_create(
        [
            CheckRule(ruleset=draft, check_name=name, enabled=row["enabled"], params=row["params"])
            for name, row in sorted(rules["checks"].items())
        ]
    )
    SignalRule.objects.bulk_create(
        [
            SignalRule(ruleset=draft, code=code, **row)
            for code, row in sorted(rules["signals"].items())
        ]
    )
    source = f"from v{base.version}" if base is not None else "imported"
    ruleset_change_record(
        action=RuleSetChange.Action.DRAFT_CREATED,
        user=user,
        via=via,
        actor=actor,
        ruleset=draft,
        note=note or f"Draft {source}",
    )
    return draft


def _locked_draft(draft_id: int) -> RuleSet:
    return RuleSet.objects.select_for_update().get(pk=draft_id, status=RuleSet.Status.DRAFT)


@transaction.atomic
def ruleset_draft_update(
    *, draft: RuleSet, rules: Rules, user: Any = None, via: str, actor: str = ""
) -> list[dict[str, Any]]:
    """Make the draft hold exactly `rules` (already validated). Returns the diff it applied."""
    draft = _locked_draft(draft.pk)
    diff = rules_diff(rules_of(draft), rules)
    if not diff:
        return diff
    bands = rules["bands"]
    draft.band_medium, draft.band_high = bands["medium"], bands["high"]
    draft.band_critical = bands["critical"]
    draft.save(update_fields=["band_medium", "band_high", "band_critical", "updated_at"])
    for name, row in rules["checks"].items():
        CheckRule.objects.update_or_create(
            ruleset=draft,
            check_name=name,
            defaults={"enabled": row["enabled"], "params": row["params"]},
        )
    for code, row in rules["signals"].items():
        SignalRule.objects.update_or_create(ruleset=draft, code=code, defaults=row)
    ruleset_change_record(
        action=RuleSetChange.Action.DRAFT_EDITED,
        user=user,
        via=via,
        actor=actor,
        ruleset=draft,
        diff=diff,
    )
    return diff


@transaction.atomic
def ruleset_draft_discard(*, draft: RuleSet, user: Any = None, via: str, actor: str = "") -> None:
    draft = _locked_draft(draft.pk)
    ruleset_change_record(
        action=RuleSetChange.Action.DRAFT_DISCARDED,
        user=user,
        via=via,
        actor=actor,
        ruleset=None,
        note=f"Draft #{draft.pk} discarded",
    )
    draft.delete()


@transaction.atomic
def ruleset_publish(
    *, draft: RuleSet, note: str, user: Any = None, via: str, actor: str = "", rescore: bool
) -> RuleSet:
    """Number the draft as the next version and make it active. With `rescore` False the new
    version's reassessment pass is marked done at once: stored scores stay until each
    candidate's next change. The caller starts the pass after commit when `rescore` is True."""
    if not note.strip():
        raise ValueError("A change note is required to publish")
    active = RuleSet.objects.select_for_update().filter(is_active=True).first()
    draft = _locked_draft(draft.pk)
    last = (
        RuleSet.objects.filter(version__isnull=False)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    diff = rules_diff(rules_of(active), rules_of(draft)) if active is not None else []
    RuleSet.objects.filter(is_active=True).update(is_active=False)
    now = timezone.now()
    draft.status = RuleSet.Status.PUBLISHED
    draft.version = (last or 0) + 1
    draft.is_active = True
    draft.note = note.strip()[:300]
    draft.reassess_cursor = None
    draft.reassess_touched_at = None
    draft.reassess_done_at = None if rescore else now
    draft.save()
    ruleset_change_record(
        action=RuleSetChange.Action.PUBLISHED,
        user=user,
        via=via,
        actor=actor,
        ruleset=draft,
        note=draft.note,
        diff=diff,
    )
    return draft
