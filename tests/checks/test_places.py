"""The claimed location's time zone, derived from GeoNames when the claim names none."""

from __future__ import annotations

from datetime import UTC, datetime

from checks.base import Context
from checks.places import claimed_zones
from checks.timezone import TimezoneCheck
from tests.checks.subjects import example, session


def _claim(**location):
    return claimed_zones(location, None)


def test_a_sent_zone_wins():
    claim = _claim(country="US", city="St. Louis", timezone="America/New_York")
    assert (claim.zones, claim.source) == (("America/New_York",), "claimed")


def test_the_claimed_city_names_its_zone():
    claim = _claim(country="US", region="MO", city="St. Louis")
    assert (claim.zones, claim.source, claim.place) == (
        ("America/Chicago",),
        "city",
        "St. Louis, MO, US",
    )
    assert _claim(country="us", city="Saint Louis").zone == "America/Chicago"
    assert _claim(country="DE", city="Köln").zone == "Europe/Berlin"
    assert _claim(country="DE", city="Koeln").zone == "Europe/Berlin"


def test_the_region_tells_same_named_cities_apart():
    assert _claim(country="CA", region="08", city="London").zone == "America/Toronto"
    assert _claim(country="GB", city="London").zone == "Europe/London"
    assert _claim(country="US", region="Ohio", city="Springfield").zones == ("America/New_York",)
    assert _claim(country="US", region="MO", city="Springfield").zones == ("America/Chicago",)
    # Without a region, every Springfield's zone stays possible.
    both = set(_claim(country="US", city="Springfield").zones)
    assert {"America/Chicago", "America/New_York", "America/Los_Angeles"} <= both


def test_a_region_alone_narrows_the_country():
    indiana = _claim(country="US", region="Indiana")
    assert indiana.source == "region"
    assert indiana.zone == "America/Indiana/Indianapolis"  # the most populous city's
    assert "America/Chicago" in indiana.zones  # the north-west corner, on Central time
    assert "America/Los_Angeles" not in indiana.zones


def test_unknown_places_fall_back_to_the_country():
    claim = _claim(country="US", city="Nowhereville")
    assert claim.source == "country" and "America/Chicago" in claim.zones
    assert claim.zone == ""  # several zones: none is shown as the one
    assert _claim(country="KP").zone == "Asia/Pyongyang"  # one zone: it is the one
    assert claimed_zones(None, {"country": "US", "city": "St. Louis"}).zone == "America/Chicago"
    assert claimed_zones({}, None).zones == ()


def test_the_timezone_check_reads_the_derived_zone():
    winter = datetime(2026, 1, 15, 16, tzinfo=UTC)
    pacific = session(seen_at=winter, timezone="America/Los_Angeles", utc_offset_minutes=-480)
    city = {"country": "US", "region": "MO", "city": "St. Louis"}
    found = TimezoneCheck().run(
        example(sessions=(pacific,), claimed_location=city), TimezoneCheck.Params(), Context()
    )
    evidence = found[0].evidence
    assert found[0].code == "timezone.mismatch"
    assert evidence["claimed_zones"] == ["America/Chicago"]
    assert (evidence["claimed_zones_from"], evidence["claimed_place"]) == (
        "city",
        "St. Louis, MO, US",
    )
    # The country alone still accepts any of its zones, as before.
    found = TimezoneCheck().run(
        example(sessions=(pacific,), claimed_location={"country": "US"}, home_address={}),
        TimezoneCheck.Params(),
        Context(),
    )
    assert found == []
