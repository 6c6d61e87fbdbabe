"""Browser time zones and activity hours against the claimed location.

The claimed zone is claimed_location.timezone, else the claimed city's (or region's) zone from
GeoNames, else every zone of the claimed country (from the tz database's zone tables in the
`tzdata` package): see `checks.places`, which the dashboard's activity chart reads too.
Offsets are compared at each session's instant with zoneinfo, so daylight saving time is
honoured; names are never compared, so aliases (US/Central, America/Chicago) agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from checks.base import Check, Code, Context, Finding, SessionFacts, Subject
from checks.countries import tz_data_version
from checks.evidence import Field
from checks.guidance import JOINT_2022, JOINT_2022_HOURS
from checks.params import param
from checks.places import ZoneClaim
from checks.places import claimed_zones as location_zones
from checks.places import zone_or_none as _zone


def _local(at: datetime, zone: ZoneInfo) -> datetime | None:
    try:
        return at.astimezone(zone)
    except (OverflowError, ValueError):  # an instant at the edge of the calendar (year 1/9999)
        return None


def utc_offsets(zones: Iterable[str], at: datetime) -> set[int]:
    """Minutes east of UTC of each known zone at instant `at` (unknown names are skipped)."""
    found = set()
    for name in zones:
        zone = _zone(name)
        local = _local(at, zone) if zone else None
        offset = local.utcoffset() if local else None
        if offset is not None:
            found.add(int(offset.total_seconds() // 60))
    return found


def claimed_zones(subject: Subject) -> ZoneClaim:
    return location_zones(subject.claimed_location, subject.home_address)


class TimezoneCheck(Check):
    name = "timezone"
    evidence_fields = {
        "claimed_zones": Field("Time zones of the claimed location"),
        "sessions": Field("Sessions that disagree"),
        "seen_at": Field("Seen at"),
        "kind": Field("Kind"),
        "timezone": Field("Browser time zone"),
        "timezone_offset_minutes": Field("Browser zone's offset", "utc_offset"),
        "utc_offset_minutes": Field("Reported UTC offset", "utc_offset"),
        "claimed_offsets_minutes": Field("Claimed location's offsets", "utc_offset"),
        "mismatched": Field("Sessions that disagree (count)"),
        "judged": Field("Sessions with a time zone or offset"),
        "night_hours": Field("Night hours (local)", "hour_range"),
        "night_sessions": Field("Sessions at night"),
        "examples": Field("Night sessions (UTC)"),
        "source": Field("Source"),
        "claimed_zones_from": Field("Claimed zones from"),
        "claimed_place": Field("Claimed place"),
    }
    codes = {
        "timezone.mismatch": Code(
            "Browser time zone or UTC offset inconsistent with the claimed location",
            35,
            "medium",
            JOINT_2022,
        ),
        "timezone.off_hours_activity": Code(
            "Most sessions fall at night in the claimed location's local time",
            20,
            "low",
            JOINT_2022_HOURS,
        ),
    }

    @dataclass(frozen=True)
    class Params:
        mismatch_min_count: int = param(
            1, "Sessions whose clock disagrees with the claimed zone before it fires", min=1
        )
        mismatch_min_share: float = param(
            0.25, "Share of sessions (0-1) that must disagree", min=0, max=1
        )
        tolerance_minutes: int = param(
            0, "Offset difference tolerated (minutes), e.g. for a neighbouring zone", min=0, max=720
        )
        night_start_hour: int = param(0, "Local hour the night starts (0-23)", min=0, max=23)
        night_end_hour: int = param(6, "Local hour the night ends (0-23)", min=0, max=23)
        off_hours_min_count: int = param(3, "Night sessions needed before it fires", min=1)
        off_hours_min_share: float = param(
            0.6, "Share of sessions (0-1) that must fall at night", min=0, max=1
        )

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        claim = claimed_zones(subject)
        if not claim.zones or not subject.sessions:
            return []
        findings = _mismatch(subject.sessions, claim, params)
        findings += _off_hours(subject.sessions, claim, params)
        return findings


def _session_mismatch(s: SessionFacts, zones: tuple[str, ...], tolerance: int) -> dict | None:
    claimed = utc_offsets(zones, s.seen_at)
    if not claimed:
        return None
    reasons: dict[str, object] = {}
    browser = utc_offsets([s.timezone], s.seen_at) if s.timezone else set()
    if browser and not browser & claimed:
        reasons["timezone"] = s.timezone
        reasons["timezone_offset_minutes"] = next(iter(browser))
    if s.utc_offset_minutes is not None and all(
        abs(s.utc_offset_minutes - c) > tolerance for c in claimed
    ):
        reasons["utc_offset_minutes"] = s.utc_offset_minutes
    if not reasons:
        return None
    return {
        "seen_at": s.seen_at.isoformat(),
        "kind": s.kind,
        **reasons,
        "claimed_offsets_minutes": sorted(claimed),
    }


def _mismatch(
    sessions: tuple[SessionFacts, ...], claim: ZoneClaim, params: TimezoneCheck.Params
) -> list[Finding]:
    zones = claim.zones
    judged = [s for s in sessions if s.timezone or s.utc_offset_minutes is not None]
    bad = [m for s in judged if (m := _session_mismatch(s, zones, params.tolerance_minutes))]
    if not judged or len(bad) < params.mismatch_min_count:
        return []
    if len(bad) / len(judged) < params.mismatch_min_share:
        return []
    first = bad[0]
    seen = first.get("timezone") or f"UTC offset {first.get('utc_offset_minutes')} min"
    return [
        Finding(
            "timezone.mismatch",
            f"{len(bad)} of {len(judged)} sessions report a browser time zone ({seen}) that does "
            f"not match the claimed location ({', '.join(zones[:3])})",
            {
                "claimed_zones": list(zones),
                **_claim_evidence(claim),
                "sessions": bad[:20],
                "mismatched": len(bad),
                "judged": len(judged),
                "source": f"zoneinfo, {tz_data_version()}",
            },
        )
    ]


def _is_night(hour: int, start: int, end: int) -> bool:
    return start <= hour < end if start <= end else (hour >= start or hour < end)


def _off_hours(
    sessions: tuple[SessionFacts, ...], claim: ZoneClaim, params: TimezoneCheck.Params
) -> list[Finding]:
    zones = claim.zones
    start, end = params.night_start_hour, params.night_end_hour
    tzs = [z for z in (_zone(n) for n in zones) if z is not None]
    if not tzs:
        return []
    # With several candidate zones (a country), a session is at night only if it is in all.
    night = [
        s
        for s in sessions
        if all((local := _local(s.seen_at, z)) and _is_night(local.hour, start, end) for z in tzs)
    ]
    if len(night) < params.off_hours_min_count:
        return []
    if len(night) / len(sessions) < params.off_hours_min_share:
        return []
    return [
        Finding(
            "timezone.off_hours_activity",
            f"{len(night)} of {len(sessions)} sessions happened between {start:02d}:00 and "
            f"{end:02d}:00 local time at the claimed location",
            {
                "claimed_zones": list(zones),
                **_claim_evidence(claim),
                "night_hours": [start, end],
                "night_sessions": len(night),
                "sessions": len(sessions),
                "examples": [s.seen_at.isoformat() for s in night[:10]],
            },
        )
    ]


def _claim_evidence(claim: ZoneClaim) -> dict[str, str]:
    """Where the claimed zones came from: sent, or derived from which city, region or country."""
    return {"claimed_zones_from": claim.source, "claimed_place": claim.place}
