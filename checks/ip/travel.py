"""Impossible travel: two sessions from places farther apart than anyone can travel in the time
between them (the advisories' "logins from several countries within hours").

Where a MaxMind City database is configured, an address is placed at its city with MaxMind's
accuracy radius, and the two radii are taken off the distance. Otherwise it is placed only in its
country, and the distance is the least one between any two places of 15,000+ people in the two
countries (GeoNames, `checks.geo`): a lower bound, so a flight between neighbours never counts.
Hosting, VPN and Tor addresses are left out: their place is the server's, and the ip.* hosting
codes already report them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from checks import geo
from checks.base import Finding, SessionFacts
from checks.ip.lookup import IpInfo, source_info


@dataclass(frozen=True, slots=True)
class _Sighting:
    seen_at: datetime
    kind: str
    info: IpInfo


def impossible_travel(
    sessions: tuple[SessionFacts, ...],
    infos: dict[str, IpInfo],
    located,  # IpInfo -> bool: usable for a place (not invalid, hosting or Tor)
    *,
    speed_kmh: int,
    min_distance_km: int,
) -> list[Finding]:
    sightings = sorted(
        (_Sighting(s.seen_at, s.kind, infos[s.ip]) for s in sessions if located(infos[s.ip])),
        key=lambda s: s.seen_at,
    )
    legs = []
    # Consecutive sightings suffice: if A to C is impossible, so is A to B or B to C.
    for before, after in pairwise(sightings):
        leg = _leg(before, after, speed_kmh=speed_kmh, min_distance_km=min_distance_km)
        if leg is not None:
            legs.append(leg)
    if not legs:
        return []
    worst = max(legs, key=lambda leg: leg["speed_kmh"] or float("inf"))
    return [
        Finding(
            "ip.impossible_travel",
            f"Sessions from {worst['from']['where']} and {worst['to']['where']} "
            f"{_duration(worst['hours'])} apart: at least {worst['distance_km']:,} km, faster "
            f"than {speed_kmh:,} km/h",
            {
                "legs": legs[:20],
                "impossible_legs": len(legs),
                "speed_limit_kmh": speed_kmh,
                "source": f"{source_info()}; {geo.source_info()}",
            },
        )
    ]


def _leg(
    a: _Sighting, b: _Sighting, *, speed_kmh: int, min_distance_km: int
) -> dict[str, Any] | None:
    distance, level = _distance(a.info, b.info)
    if distance is None or distance < max(min_distance_km, 1):
        return None
    hours = (b.seen_at - a.seen_at).total_seconds() / 3600
    if distance <= speed_kmh * hours:
        return None
    return {
        "from": _place(a),
        "to": _place(b),
        "hours": round(hours, 2),
        "distance_km": int(distance),
        "speed_kmh": int(distance / hours) if hours > 0 else None,
        "level": level,
    }


def _distance(a: IpInfo, b: IpInfo) -> tuple[float | None, str]:
    if a.latitude is not None and b.latitude is not None:
        assert a.longitude is not None and b.longitude is not None
        between = geo.distance_km(a.latitude, a.longitude, b.latitude, b.longitude)
        slack = (a.accuracy_km or 0) + (b.accuracy_km or 0)
        return max(0.0, between - slack), "city"
    if not a.country or not b.country:
        return None, ""
    return geo.country_distance_km(a.country, b.country), "country"


def _place(s: _Sighting) -> dict[str, Any]:
    info = s.info
    where = info.country
    if info.latitude is not None:
        where = f"{info.country} ({info.latitude:.2f}, {info.longitude:.2f})"
    return {"ip": info.ip, "seen_at": s.seen_at.isoformat(), "kind": s.kind, "where": where}


def _duration(hours: float) -> str:
    if hours < 1:
        return f"{round(hours * 60)} minutes"
    return f"{hours:.1f} hours"
