"""Reads for the rules workspace pages (a handful of queries each, whatever the table sizes)."""

from __future__ import annotations

from typing import Any

from candidates.rules import services
from candidates.rules.models import RuleSimulation
from candidates.rules.simulate import summary
from checks.models import RuleSet, RuleSetChange
from checks.scoring import LEVELS

HISTORY = 30


def workspace_context() -> dict[str, Any]:
    active = RuleSet.objects.select_related("created_by").get(is_active=True)
    return {
        "active": active,
        "rescore": services.rescore_progress(active),
        "drafts": RuleSet.objects.filter(status=RuleSet.Status.DRAFT)
        .select_related("created_by")
        .order_by("-updated_at"),
        "versions": RuleSet.objects.filter(status=RuleSet.Status.PUBLISHED)
        .select_related("created_by")
        .order_by("-version")[:HISTORY],
        "changes": RuleSetChange.objects.select_related("ruleset").order_by("-at", "-id")[:HISTORY],
    }


def simulation_context(sim: RuleSimulation) -> dict[str, Any]:
    result = sim.result or {}
    levels = result.get("levels", {})
    stats = summary(result)
    hit_rates = stats["hit_rates"]
    codes = sorted(set(hit_rates.get("active", {})) | set(hit_rates.get("draft", {})))
    return {
        "sim": sim,
        "progress": services.simulation_progress(sim),
        "running": sim.status in (RuleSimulation.Status.QUEUED, RuleSimulation.Status.RUNNING),
        "level_rows": [
            (
                level,
                levels.get("active", {}).get(level, 0),
                levels.get("draft", {}).get(level, 0),
            )
            for level in LEVELS
        ],
        "agreement": stats["agreement"],
        "decided": result.get("decided", {}),
        "hit_rows": [
            (
                code,
                hit_rates.get("active", {}).get(code, {}),
                hit_rates.get("draft", {}).get(code, {}),
            )
            for code in codes
        ],
        "changed": result.get("changed", []),
        "changed_count": result.get("changed_count", 0),
        "skipped": result.get("skipped", 0),
    }
