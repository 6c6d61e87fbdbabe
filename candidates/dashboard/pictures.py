"""Geometry and comparisons behind the detail page's pictures, as plain data for templates.

The templates draw inline SVG from these numbers; all text goes through autoescaping there.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from candidates.models import Candidate
from checks.links import resume
from checks.places import ZoneClaim

WORK_START, WORK_END = 9, 18  # local working hours shaded on the activity chart

RISK_COLOURS = {
    "critical": "#8b0000",
    "high": "#c2410c",
    "medium": "#a16207",
    "low": "#15803d",
    "": "#64748b",
}
DECISION_COLOURS = {"cleared": "#15803d", "rejected": "#3f3f46", "escalated": "#7c3aed"}


def activity_hours(times: list[datetime], claim: ZoneClaim) -> dict[str, Any]:
    """Sessions per local hour of the claimed time zone (sent, or derived as the time-zone checks
    derive it: `checks.places`), with bar geometry (24 x 20 px)."""
    tz_name = claim.zone
    try:
        tz = ZoneInfo(tz_name) if tz_name else None
    except (ZoneInfoNotFoundError, ValueError):
        tz = None
    counts = [0] * 24
    for t in times:
        counts[_local_hour(t, tz)] += 1
    peak = max(counts) or 1
    bars = [
        {
            "hour": h,
            "count": n,
            "x": 30 + h * 20,
            "h": round(80 * n / peak),
            "y": 100 - round(80 * n / peak),
            "work": WORK_START <= h < WORK_END,
        }
        for h, n in enumerate(counts)
    ]
    in_work = sum(n for h, n in enumerate(counts) if WORK_START <= h < WORK_END)
    return {
        "bars": bars,
        "total": len(times),
        "in_work": in_work,
        "tz": tz_name if tz else "UTC",
        "tz_from": claim.source if tz else "",
        "tz_place": claim.place if tz else "",
        "tz_others": list(claim.zones[1:4]) if tz else [],
        "work_x": 30 + WORK_START * 20,
        "work_w": (WORK_END - WORK_START) * 20,
        "ticks": [{"hour": h, "x": 40 + h * 20} for h in range(0, 24, 3)],
    }


def _local_hour(t: datetime, tz: ZoneInfo | None) -> int:
    if tz is None:
        return t.hour
    try:
        return t.astimezone(tz).hour
    except OverflowError:
        # Year 1 west of UTC, or 9999 east of it, is outside datetime's range; the zone's
        # offset at that instant still gives the hour.
        offset = tz.utcoffset(t.replace(tzinfo=None)) or timedelta()
        return (t.hour * 60 + t.minute + offset // timedelta(minutes=1)) // 60 % 24


def link_graph(
    candidate: Candidate, signals: list[Any], related: dict[str, Candidate], limit: int = 24
) -> dict[str, Any]:
    """A star: the candidate in the middle, each related candidate around it, each edge labelled
    with everything the two share according to the stored signals."""
    shared: dict[str, list[str]] = {}
    for s in signals:
        for r in s.related_candidates:
            rid = str(r.get("id"))
            label = r.get("shared") or s.code
            if label not in shared.setdefault(rid, []):
                shared[rid].append(label)
    ids = [rid for rid in shared if rid in related][:limit]
    cx, cy, rx, ry = 330, 200, 240, 150  # an ellipse uses the wide box better than a circle
    nodes = [_node(candidate, cx, cy, centre=True)]
    edges = []
    for i, rid in enumerate(ids):
        # Start off the vertical so no edge label sits on the centre node's own label.
        angle = 2 * math.pi * i / max(len(ids), 1) - math.pi / 2 + 0.35
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        nodes.append(_node(related[rid], x, y))
        edges.append(
            {
                "x1": cx,
                "y1": cy,
                "x2": round(x, 1),
                "y2": round(y, 1),
                "lx": round(cx + 0.6 * (x - cx), 1),
                "ly": round(cy + 0.6 * (y - cy), 1),
                "label": "; ".join(shared[rid]),
            }
        )
    return {"nodes": nodes, "edges": edges, "hidden": max(len(shared) - len(ids), 0)}


def _node(c: Candidate, x: float, y: float, centre: bool = False) -> dict[str, Any]:
    decided = c.review_status in DECISION_COLOURS
    colour = DECISION_COLOURS[c.review_status] if decided else RISK_COLOURS.get(c.risk_level, "")
    name = c.full_name if len(c.full_name) <= 22 else c.full_name[:21] + "…"
    return {
        "id": c.id,
        "x": round(x, 1),
        "y": round(y, 1),
        "r": 26 if centre else 20,
        "colour": colour or RISK_COLOURS[""],
        "name": name,
        "full_name": c.full_name,
        "score": c.risk_score,
        "status": c.review_status,
        "centre": centre,
    }


def resume_overlap(
    text: str, others: dict[str, str], measured: dict[str, float], threshold: float | None
) -> dict[str, Any]:
    """This resume's lines, each marked with the first related candidate (by name) whose resume
    it shares in the resume check's terms, and the similarity the check measured for each.

    `measured` is the check's stored evidence (name -> Jaccard); a name missing from it (an
    assessment stored before evidence carried it) is measured again with the check's function.
    """
    marks = {name: resume.shared_lines(text, other) for name, other in others.items()}
    lines, shared = [], 0
    for i, line in enumerate(text.splitlines()):
        hit = next((name for name, m in marks.items() if m[i]), "")
        shared += bool(hit)
        lines.append({"text": line, "shared_with": hit})
    similar = [
        {
            "name": name,
            "percent": _percent(
                measured[name] if name in measured else resume.similarity(text, other)
            ),
        }
        for name, other in others.items()
    ]
    return {
        "lines": lines,
        "shared": shared,
        "similar": similar,
        "threshold": _percent(threshold) if threshold is not None else None,
    }


def _percent(share: float) -> int:
    return round(100 * share)
