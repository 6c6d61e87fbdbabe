"""What a draft rule set would do to stored candidates, computed in chunks.

Both sides are scored from the same stored findings (each candidate's completed assessment's
signal codes), so the comparison shows the rule change and nothing else:
- the active side rescales the stored codes with the active version's points, severity and bands;
- the draft side does the same with the draft's, after re-running only the checks whose
  parameters (or enabled state) differ, since their stored findings no longer apply.
A points-, severity- or band-only draft therefore runs no check at all: two queries per chunk.

Recruiters' decisions are the ground truth: rejected = fraud, cleared = genuine; a candidate
counts as flagged when its level is at or above the simulation's `flag_level` (default high).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from candidates.linking import CandidateLinkIndex
from candidates.models import Candidate, Signal
from candidates.subject import subjects_load
from checks.base import Context
from checks.params import params_defaults
from checks.registry import CHECKS, code_info
from checks.scoring import LEVELS, Bands, risk_level_for, risk_score

CHANGED_CAP = 200  # candidates listed by name; the count is always complete
_CHECKS = {c.name: c for c in CHECKS}


def _check_rule(rules: dict[str, Any], name: str) -> tuple[bool, dict[str, Any]]:
    row = rules["checks"].get(name, {})
    params = {**params_defaults(_CHECKS[name].Params), **(row.get("params") or {})}
    return bool(row.get("enabled", True)), params


def _code_enabled(rules: dict[str, Any], code: str) -> bool:
    return bool(rules["signals"].get(code, {}).get("enabled", True))


def checks_to_rerun(active: dict[str, Any], draft: dict[str, Any]) -> list[str]:
    """Checks whose stored findings do not stand for the draft: other parameters, newly enabled,
    or a code the draft enables that the active version dropped before storing."""
    rerun = []
    for name, check in _CHECKS.items():
        on_active, params_active = _check_rule(active, name)
        on_draft, params_draft = _check_rule(draft, name)
        if not on_draft:
            continue  # its stored codes are simply dropped
        revived = any(
            _code_enabled(draft, code) and not _code_enabled(active, code) for code in check.codes
        )
        if not on_active or params_active != params_draft or revived:
            rerun.append(name)
    return rerun


def score_codes(codes: Iterable[str], rules: dict[str, Any]) -> tuple[int, str]:
    """The score and level `checks.engine.evaluate` gives these codes under `rules`."""
    points = []
    for code in codes:
        if not rules["checks"].get(code.split(".", 1)[0], {}).get("enabled", True):
            continue
        rule = rules["signals"].get(code)
        if rule is not None and not rule.get("enabled", True):
            continue
        default = code_info(code)
        points.append(rule["points"] if rule else (default.points if default else 0))
    total = risk_score(points)
    return total, risk_level_for(total, Bands(**rules["bands"]))


@dataclass
class Tally:
    """Running totals, stored as JSON on the simulation after every chunk."""

    levels: dict[str, dict[str, int]] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    codes: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    decided: dict[str, int] = field(default_factory=dict)
    changed: list[dict[str, Any]] = field(default_factory=list)
    changed_count: int = 0
    skipped: int = 0

    @classmethod
    def load(cls, data: dict[str, Any]) -> Tally:
        tally = cls(**data) if data else cls()
        for side in ("active", "draft"):
            tally.levels.setdefault(side, dict.fromkeys(LEVELS, 0))
            tally.confusion.setdefault(side, {"tp": 0, "fp": 0, "fn": 0, "tn": 0})
            tally.codes.setdefault(side, {})
        tally.decided.setdefault("rejected", 0)
        tally.decided.setdefault("cleared", 0)
        return tally

    def as_json(self) -> dict[str, Any]:
        return {
            "levels": self.levels,
            "confusion": self.confusion,
            "codes": self.codes,
            "decided": self.decided,
            "changed": self.changed,
            "changed_count": self.changed_count,
            "skipped": self.skipped,
        }

    def add(self, side: str, level: str, codes: set[str], decision: str, flag_at: int) -> None:
        self.levels[side][level] += 1
        if decision not in ("rejected", "cleared"):
            return
        flagged = LEVELS.index(level) >= flag_at
        fraud = decision == "rejected"
        key = ("t" if flagged == fraud else "f") + ("p" if flagged else "n")
        self.confusion[side][key] += 1
        for code in codes:
            hits = self.codes[side].setdefault(code, {"rejected": 0, "cleared": 0})
            hits[decision] += 1


@dataclass(frozen=True, slots=True)
class Row:
    id: UUID
    name: str
    external_id: str
    decision: str
    assessment_id: UUID | None


def chunk_rows(*, filters: dict[str, Any], after: UUID | None, size: int) -> list[Row]:
    qs = scope(filters).order_by("pk")
    if after is not None:
        qs = qs.filter(pk__gt=after)
    values = qs.values_list(
        "pk", "full_name", "external_id", "review_status", "completed_assessment_id"
    )
    return [Row(*v) for v in values[:size]]


def scope(filters: dict[str, Any]):
    qs = Candidate.objects.all()
    if filters.get("created_from"):
        qs = qs.filter(created_at__date__gte=filters["created_from"])
    if filters.get("created_to"):
        qs = qs.filter(created_at__date__lte=filters["created_to"])
    if filters.get("client_id"):
        qs = qs.filter(client_id=filters["client_id"])
    if filters.get("level"):
        qs = qs.filter(risk_level=filters["level"])
    if filters.get("decided_only"):
        qs = qs.filter(review_status__in=("rejected", "cleared"))
    return qs


def stored_codes(assessment_ids: list[UUID]) -> dict[UUID, set[str]]:
    codes: dict[UUID, set[str]] = {}
    for assessment_id, code in Signal.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "code"
    ):
        codes.setdefault(assessment_id, set()).add(code)
    return codes


def rerun_codes(ids: list[UUID], check_names: list[str], rules: dict[str, Any]) -> dict:
    """Codes the given checks find now, under the draft's parameters, per candidate."""
    ctx = Context(links=CandidateLinkIndex())
    runs = [(_CHECKS[n], _CHECKS[n].params_from(_check_rule(rules, n)[1])) for n in check_names]
    return {
        pk: {f.code for check, params in runs for f in check.run(subject, params, ctx)}
        for pk, subject in subjects_load(candidate_ids=ids).items()
    }


def simulate_chunk(
    tally: Tally,
    rows: list[Row],
    *,
    active: dict[str, Any],
    draft: dict[str, Any],
    rerun: list[str],
    flag_at: int,
) -> None:
    scored = [r for r in rows if r.assessment_id is not None]
    tally.skipped += len(rows) - len(scored)
    stored = stored_codes([r.assessment_id for r in scored])  # type: ignore[misc]
    fresh = rerun_codes([r.id for r in scored], rerun, draft) if rerun else {}
    rerun_set = set(rerun)
    for row in scored:
        before = stored.get(row.assessment_id, set())  # type: ignore[arg-type]
        after = {c for c in before if c.split(".", 1)[0] not in rerun_set}
        after |= fresh.get(row.id, set())
        score_a, level_a = score_codes(before, active)
        score_d, level_d = score_codes(after, draft)
        tally.add("active", level_a, _counted(before, active), row.decision, flag_at)
        tally.add("draft", level_d, _counted(after, draft), row.decision, flag_at)
        if row.decision in ("rejected", "cleared"):
            tally.decided[row.decision] += 1
        if level_a != level_d:
            tally.changed_count += 1
            if len(tally.changed) < CHANGED_CAP:
                tally.changed.append(
                    {
                        "id": str(row.id),
                        "name": row.name,
                        "external_id": row.external_id,
                        "before": level_a,
                        "after": level_d,
                        "score_before": score_a,
                        "score_after": score_d,
                        "decision": row.decision,
                    }
                )


def _counted(codes: set[str], rules: dict[str, Any]) -> set[str]:
    """The codes that score under `rules` (hit rates count only signals a recruiter would see)."""
    return {
        c
        for c in codes
        if rules["checks"].get(c.split(".", 1)[0], {}).get("enabled", True)
        and _code_enabled(rules, c)
    }


def summary(tally: dict[str, Any]) -> dict[str, Any]:
    """Precision and recall per side, and each code's hit rate among rejected and cleared."""
    decided = tally.get("decided", {})
    out: dict[str, Any] = {"agreement": {}, "hit_rates": {}}
    for side, m in tally.get("confusion", {}).items():
        flagged, fraud = m["tp"] + m["fp"], m["tp"] + m["fn"]
        out["agreement"][side] = {
            **m,
            "precision": round(m["tp"] / flagged, 4) if flagged else None,
            "recall": round(m["tp"] / fraud, 4) if fraud else None,
        }
    for side, codes in tally.get("codes", {}).items():
        out["hit_rates"][side] = {
            code: {
                decision: round(hits[decision] / decided[decision], 4)
                if decided.get(decision)
                else None
                for decision in ("rejected", "cleared")
            }
            for code, hits in sorted(codes.items())
        }
    return out
