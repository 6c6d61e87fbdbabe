"""Runs every enabled check on a subject and scores the findings under a rule set snapshot.

The snapshot is plain JSON (see `checks.rulesets.ruleset_snapshot`), cached per immutable
version; an assessment records the version it applied.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from checks import scoring
from checks.base import RELATED_CAP, Context, Finding, Related, Subject
from checks.registry import CHECKS, code_info

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ScoredSignal:
    code: str
    check: str
    score: int
    contribution: int
    severity: str
    message: str
    evidence: dict[str, Any]
    related: tuple[Related, ...]
    related_count: int


@dataclass(frozen=True, slots=True)
class Outcome:
    risk_score: int
    risk_level: str
    signals: list[ScoredSignal]


def evaluate(
    subject: Subject,
    rules: dict[str, Any],
    ctx: Context,
    *,
    only: Collection[str] | None = None,
    reused: Iterable[Finding] = (),
) -> Outcome:
    """Run the enabled checks and score their findings. With `only` (check names), run just
    those and score their findings together with `reused`, the other checks' findings kept
    from an earlier run under the same rule set (a link-only refresh): the outcome is the one
    a full run would give if the other checks found the same."""
    findings: list[Finding] = list(reused)
    for check in CHECKS:
        if only is not None and check.name not in only:
            continue
        rule = rules["checks"].get(check.name, {})
        if not rule.get("enabled", True):
            continue
        findings.extend(check.run(subject, check.params_from(rule.get("params")), ctx))

    # In code order, whatever order the checks ran in: rounding ties in the contributions
    # then fall the same way in a full run and in a partial one.
    merged = sorted(_merge_by_code(findings), key=lambda f: f.code)
    kept: list[tuple[Finding, int, str]] = []
    for finding in merged:
        rule = rules["signals"].get(finding.code)
        default = code_info(finding.code)
        if rule is not None and not rule.get("enabled", True):
            continue
        points = rule["points"] if rule else (default.points if default else 0)
        severity = rule["severity"] if rule else (default.severity if default else "info")
        kept.append((finding, points, severity))

    points = [p for _, p, _ in kept]
    shares = scoring.contributions(points)
    total = scoring.risk_score(points)
    bands = scoring.Bands(**rules["bands"])
    signals = [
        ScoredSignal(
            code=f.code,
            check=f.code.split(".", 1)[0],
            score=p,
            contribution=share,
            severity=sev,
            message=f.message,
            evidence=f.evidence,
            related=f.related[:RELATED_CAP],
            related_count=f.related_count if f.related_count is not None else len(f.related),
        )
        for (f, p, sev), share in zip(kept, shares, strict=True)
    ]
    signals.sort(key=lambda s: (-s.contribution, s.code))
    return Outcome(
        risk_score=total, risk_level=scoring.risk_level_for(total, bands), signals=signals
    )


def _merge_by_code(findings: list[Finding]) -> list[Finding]:
    """One signal per code: several instances go into its evidence."""
    by_code: dict[str, list[Finding]] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    merged = []
    for code, group in by_code.items():
        if len(group) == 1:
            merged.append(group[0])
            continue
        seen: dict[Any, Related] = {}
        for f in group:
            for r in f.related:
                seen.setdefault(r.candidate_id, r)
        merged.append(
            Finding(
                code=code,
                message=f"{group[0].message} (+{len(group) - 1} more)",
                evidence={"instances": [f.evidence for f in group]},
                related=tuple(seen.values()),
                related_count=max([len(seen)] + [f.related_count or 0 for f in group]),
            )
        )
    return merged
