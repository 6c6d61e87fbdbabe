"""Impossible travel between sessions, on real address ranges and GeoNames places."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from checks import geo
from checks.base import Context
from checks.ip import IpCheck
from tests.checks.subjects import example, session

CHECK = IpCheck()
US = "73.54.120.18"  # Comcast, US
LONDON = "2.125.160.216"  # Sky UK (MaxMind's documented London test address)
SHANGHAI = "58.247.0.1"  # China Unicom Shanghai network
TORONTO = "24.114.0.1"  # Rogers, Canada
DIGITALOCEAN = "167.99.14.200"
T0 = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)  # 08:00 in New York


def _run(*sightings: tuple[str, timedelta], **params) -> dict:
    sessions = tuple(session(ip, T0 + after, kind="login") for ip, after in sightings)
    subject = example(sessions=sessions)
    return {f.code: f for f in CHECK.run(subject, IpCheck.Params(**params), Context())}


def test_new_york_then_shanghai_within_two_hours_fires():
    found = _run((US, timedelta(0)), (SHANGHAI, timedelta(hours=2)))
    f = found["ip.impossible_travel"]
    (leg,) = f.evidence["legs"]
    assert (leg["from"]["where"], leg["to"]["where"], leg["level"]) == ("US", "CN", "country")
    assert leg["distance_km"] > 2000 and leg["hours"] == 2.0
    assert "GeoNames" in f.evidence["source"]
    assert "faster than 1,000 km/h" in f.message


def test_a_flight_from_new_york_to_london_is_quiet():
    # JFK 19:00 local to Heathrow 07:00 local: about seven hours in the air.
    found = _run((US, timedelta(0)), (LONDON, timedelta(hours=12)), (LONDON, timedelta(hours=20)))
    assert "ip.impossible_travel" not in found


def test_neighbouring_countries_are_never_too_far_apart():
    assert geo.country_distance_km("US", "CA") == 0.0  # Detroit and Windsor
    assert "ip.impossible_travel" not in _run((US, timedelta(0)), (TORONTO, timedelta(minutes=5)))


def test_country_distance_is_a_lower_bound():
    us_cn = geo.country_distance_km("US", "CN")
    us_gb = geo.country_distance_km("GB", "US")
    assert 3000 < us_gb < 5570  # less than New York - London itself
    assert 3500 < us_cn < 11_000  # less than New York - Shanghai itself
    assert geo.country_distance_km("US", "XX") is None


def test_hosting_addresses_are_not_places():
    found = _run((US, timedelta(0)), (DIGITALOCEAN, timedelta(minutes=10)), (US, timedelta(1)))
    assert "ip.impossible_travel" not in found


def test_speed_is_a_parameter():
    legs = ((US, timedelta(0)), (SHANGHAI, timedelta(hours=2)))
    assert "ip.impossible_travel" not in _run(*legs, travel_speed_kmh=10_000)


@pytest.fixture
def maxmind_city(tmp_path, settings):
    """A tiny MaxMind City database: Comcast's 73.54.0.0/16 in New York, 24.114.0.0/16 in Los
    Angeles (both US), each with a 20 km accuracy radius."""
    from mmdb_writer import MmdbU32, MMDBWriter
    from netaddr import IPSet

    from checks.ip import lookup

    db = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City")
    for net, lat, lon in (("73.54.0.0/16", 40.7128, -74.006), ("24.114.0.0/16", 34.05, -118.24)):
        db.insert_network(
            IPSet([net]),
            {
                "country": {"iso_code": "US", "geoname_id": MmdbU32(6252001)},
                "location": {"latitude": lat, "longitude": lon, "accuracy_radius": MmdbU32(20)},
            },
        )
    db.to_db_file(str(tmp_path / "city.mmdb"))
    settings.VETTING_GEOIP_CITY_DB = str(tmp_path / "city.mmdb")
    settings.VETTING_GEOIP_ASN_DB = ""
    lookup._maxmind.cache_clear()
    lookup.source_info.cache_clear()
    yield
    lookup._maxmind.cache_clear()
    lookup.source_info.cache_clear()


def test_city_level_when_a_maxmind_city_database_is_configured(maxmind_city):
    # New York and Los Angeles, one country, 3,940 km apart: one hour is too little.
    found = _run((US, timedelta(0)), (TORONTO, timedelta(hours=1)))
    (leg,) = found["ip.impossible_travel"].evidence["legs"]
    assert leg["level"] == "city"
    assert 3850 < leg["distance_km"] < 3940  # less both accuracy radii
    assert "MaxMind GeoLite2-City" in found["ip.impossible_travel"].evidence["source"]
    assert "ip.impossible_travel" not in _run((US, timedelta(0)), (TORONTO, timedelta(hours=6)))
