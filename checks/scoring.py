"""Combining signal points into the 0-100 risk score. Pure functions: no ORM, no settings.

Each signal's points p (0-100) are read as an independent probability-like weight, and the score
is 100 * (1 - prod(1 - p/100)): one strong signal counts almost fully, more signals push the
score up with diminishing returns, and it never passes 100. A 100-point signal alone gives 100.

A signal's `contribution` is its share of the final score, split in proportion to
-ln(1 - p/100) (the amount it adds on the log scale the product works on), then rounded with
largest remainders so the contributions add up exactly to the score.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

LEVELS = ("low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True)
class Bands:
    medium: int = 25
    high: int = 50
    critical: int = 75


def risk_score(points: Sequence[int]) -> int:
    remaining = 1.0
    for p in points:
        remaining *= 1.0 - min(max(p, 0), 100) / 100.0
    return round(100 * (1.0 - remaining))


def contributions(points: Sequence[int]) -> list[int]:
    """Each signal's share of `risk_score(points)`, summing exactly to it."""
    total = risk_score(points)
    if total == 0:
        return [0 for _ in points]
    weights = [_log_weight(p) for p in points]
    if any(math.isinf(w) for w in weights):  # a 100-point signal: those share everything
        weights = [1.0 if math.isinf(w) else 0.0 for w in weights]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    shares = [math.floor(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def risk_level_for(score: int, bands: Bands) -> str:
    if score >= bands.critical:
        return "critical"
    if score >= bands.high:
        return "high"
    if score >= bands.medium:
        return "medium"
    return "low"


def _log_weight(p: int) -> float:
    p = min(max(p, 0), 100)
    return math.inf if p == 100 else -math.log(1.0 - p / 100.0)
