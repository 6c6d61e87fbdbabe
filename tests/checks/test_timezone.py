"""Browser time zones and night-time activity against the claimed location, DST-aware."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from checks.base import Context
from checks.countries import zones_for_country
from checks.timezone import TimezoneCheck
from tests.checks.subjects import example, session

CHECK = TimezoneCheck()
ENGINE_CASES = {
    "timezone.mismatch": {
        "sessions": (session(timezone="Asia/Pyongyang", utc_offset_minutes=540),)
    },
    "timezone.off_hours_activity": {
        "sessions": tuple(
            session(seen_at=datetime(2026, 11, 19, h, 10, tzinfo=UTC)) for h in (7, 8, 9)
        )
    },
}
WINTER = datetime(2026, 1, 15, 16, tzinfo=UTC)  # Chicago CST, UTC-6
SUMMER = datetime(2026, 7, 15, 16, tzinfo=UTC)  # Chicago CDT, UTC-5


def _run(*sessions, location=None, **params):
    subject = example(
        sessions=tuple(sessions),
        claimed_location=location or {"country": "US", "timezone": "America/Chicago"},
    )
    return {f.code: f for f in CHECK.run(subject, TimezoneCheck.Params(**params), Context())}


def test_zone_tables_come_from_tzdata():
    assert "America/Chicago" in zones_for_country("US")
    assert zones_for_country("USA") == zones_for_country("US")
    assert zones_for_country("KP") == ("Asia/Pyongyang",)
    assert zones_for_country("XX") == ()


@pytest.mark.parametrize(("at", "offset"), [(WINTER, -360), (SUMMER, -300)])
def test_offsets_honour_daylight_saving(at, offset):
    assert _run(session(seen_at=at, utc_offset_minutes=offset)) == {}
    wrong = -300 if offset == -360 else -360
    found = _run(session(seen_at=at, utc_offset_minutes=wrong))
    assert found["timezone.mismatch"].evidence["sessions"][0]["utc_offset_minutes"] == wrong


def test_aliases_and_same_offset_zones_agree():
    assert _run(session(timezone="US/Central", utc_offset_minutes=None)) == {}
    assert _run(session(timezone="America/Winnipeg", utc_offset_minutes=None)) == {}


def test_browser_zone_far_away():
    found = _run(session(timezone="Asia/Pyongyang", utc_offset_minutes=540))
    evidence = found["timezone.mismatch"].evidence
    assert evidence["sessions"][0]["timezone"] == "Asia/Pyongyang"
    assert evidence["sessions"][0]["timezone_offset_minutes"] == 540


def test_claimed_country_zones_when_no_claimed_zone():
    location = {"country": "US"}
    assert (
        _run(session(timezone="America/Los_Angeles", utc_offset_minutes=-480), location=location)
        == {}
    )
    found = _run(session(timezone="Asia/Shanghai", utc_offset_minutes=480), location=location)
    assert "timezone.mismatch" in found


def test_share_threshold_and_tolerance():
    sessions = [session(seen_at=WINTER.replace(day=d)) for d in range(1, 8)]
    sessions.append(session(timezone="Asia/Seoul", utc_offset_minutes=540))
    assert "timezone.mismatch" not in _run(*sessions)  # 1 of 8 is under the 25 % default
    assert "timezone.mismatch" in _run(*sessions, mismatch_min_share=0.1)
    assert (
        _run(session(seen_at=WINTER, timezone="", utc_offset_minutes=-350), tolerance_minutes=15)
        == {}
    )


def test_off_hours_activity_at_night_local_time():
    night = [session(seen_at=datetime(2026, 11, d, 8, 30, tzinfo=UTC)) for d in (2, 3, 4)]
    day = [session(seen_at=datetime(2026, 11, d, 16, tzinfo=UTC)) for d in (5,)]
    found = _run(*night, *day)
    evidence = found["timezone.off_hours_activity"].evidence
    assert (evidence["night_sessions"], evidence["sessions"]) == (3, 4)
    assert "timezone.off_hours_activity" not in _run(*night[:2], *day)  # under min count
    assert "timezone.off_hours_activity" not in _run(*night, *day, off_hours_min_share=0.9)
    # 08:30 UTC is 02:30 in Chicago but 09:30 in London: the claimed place decides.
    london = {"country": "GB", "timezone": "Europe/London"}
    assert "timezone.off_hours_activity" not in _run(
        *[
            session(seen_at=s.seen_at, timezone="Europe/London", utc_offset_minutes=0)
            for s in night
        ],
        location=london,
    )


def test_night_window_across_midnight():
    late = [session(seen_at=datetime(2026, 11, d, 5, 30, tzinfo=UTC)) for d in (2, 3, 4)]
    # 23:30 Chicago: night only with a window that wraps midnight.
    assert "timezone.off_hours_activity" not in _run(*late)
    assert "timezone.off_hours_activity" in _run(*late, night_start_hour=22, night_end_hour=6)


def test_nothing_to_judge():
    assert _run(session(timezone="", utc_offset_minutes=None)) == {}
    assert CHECK.run(example(sessions=()), TimezoneCheck.Params(), Context()) == []
