"""Session IP checks on real ranges: DigitalOcean, Tor exits, Comcast, Pyongyang's Star JV."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from checks.base import Context
from checks.ip import IpCheck
from checks.ip.lookup import address_problem, ip_lookup, source_info
from tests.checks.subjects import example, session

CHECK = IpCheck()
COMCAST = "73.54.120.18"
DIGITALOCEAN = "167.99.14.200"
TOR = "185.220.101.1"
KP = "175.45.176.1"  # 175.45.176.0/22, Star Joint Venture (Pyongyang)
ENGINE_CASES = {
    "ip.invalid": {"sessions": (session("999.1.1.1"),)},
    "ip.country_mismatch": {
        "sessions": (session(KP), session(KP, datetime(2026, 11, 19, 15, 10, tzinfo=UTC)))
    },
    "ip.hosting_provider": {"sessions": (session(DIGITALOCEAN),)},
    "ip.tor_exit": {"sessions": (session(TOR),)},
    "ip.impossible_travel": {  # Comcast (US), then China Unicom Shanghai two hours later
        "sessions": (
            session(seen_at=datetime(2026, 11, 19, 14, 10, tzinfo=UTC)),
            session("58.247.0.1", datetime(2026, 11, 19, 16, 10, tzinfo=UTC)),
        )
    },
}
DT_GERMANY = "84.128.0.1"  # Deutsche Telekom


def _sessions(*ips: str):
    start = datetime(2026, 11, 1, 15, tzinfo=UTC)
    return tuple(session(ip, start + timedelta(days=i)) for i, ip in enumerate(ips))


def _run(*ips: str, country: str = "US", **params):
    subject = example(
        sessions=_sessions(*ips),
        claimed_location={"country": country},
        home_address={"country": country},
    )
    return {f.code: f for f in CHECK.run(subject, IpCheck.Params(**params), Context())}


def test_lookup_maps_country_network_and_kind():
    info = ip_lookup(DIGITALOCEAN)
    assert (info.country, info.network, info.kind, info.provider) == (
        "US",
        "DIGITALOCEAN-ASN",
        "hosting",
        "DigitalOcean",
    )
    assert ip_lookup(KP).country == "KP"
    assert ip_lookup(COMCAST).kind == "unknown"  # not in the lists: no evidence either way
    assert "GeoLite2" in source_info() and "iporigin" in source_info()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("garbage", "unparseable"),
        ("1.2.3", "unparseable"),
        ("999.1.1.1", "unparseable"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.1.1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not-global"),
        ("::ffff:10.0.0.1", "private"),
    ],
)
def test_invalid_addresses_say_why(raw, reason):
    assert address_problem(raw)[1] == reason
    found = _run(raw)
    assert found["ip.invalid"].evidence["reason"] == reason


def test_residential_home_country_raises_nothing():
    assert _run(COMCAST, COMCAST, COMCAST) == {}
    assert address_problem("2001:4860:4860::8888")[1] == ""


def test_hosting_and_tor():
    found = _run(DIGITALOCEAN, TOR)
    assert found["ip.hosting_provider"].evidence["provider"] == "DigitalOcean"
    assert found["ip.tor_exit"].evidence["ip"] == TOR
    assert "ip.country_mismatch" not in found  # server locations are not the person's


def test_admin_list_of_network_names_and_kinds():
    assert "ip.hosting_provider" not in _run(COMCAST)
    found = _run(COMCAST, hosting_network_names=("comcast-7922",))
    assert found["ip.hosting_provider"].evidence["network"] == "COMCAST-7922"
    assert _run(DIGITALOCEAN, hosting_kinds=(), hosting_network_names=()) == {}


def test_one_trip_is_not_a_pattern():
    assert _run(COMCAST, COMCAST, COMCAST, DT_GERMANY) == {}


def test_foreign_pattern_by_count_and_share():
    found = _run(KP, KP, COMCAST)
    evidence = found["ip.country_mismatch"].evidence
    assert evidence["countries"] == {"KP": 2}
    assert (evidence["foreign_sessions"], evidence["located_sessions"]) == (2, 3)
    assert "ip.country_mismatch" not in _run(KP, KP, COMCAST, foreign_min_share=0.9)
    assert "ip.country_mismatch" not in _run(KP, KP, COMCAST, foreign_min_count=3)


def test_no_sessions_or_no_claimed_country():
    assert CHECK.run(example(sessions=()), IpCheck.Params(), Context()) == []
    assert "ip.country_mismatch" not in _run(KP, KP, country="")


@pytest.fixture
def maxmind_dbs(tmp_path, settings):
    """Tiny MaxMind-format databases: Comcast's 73.54.0.0/16 as Canada and as M247's AS9009,
    so the answers can only have come from them."""
    from mmdb_writer import MmdbU32, MMDBWriter
    from netaddr import IPSet

    from checks.ip import lookup

    country = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-Country")
    country.insert_network(
        IPSet(["73.54.0.0/16"]),
        {"country": {"iso_code": "CA", "names": {"en": "Canada"}, "geoname_id": MmdbU32(6251999)}},
    )
    country.to_db_file(str(tmp_path / "country.mmdb"))
    asn = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-ASN")
    asn.insert_network(
        IPSet(["73.54.0.0/16"]),
        {"autonomous_system_number": MmdbU32(9009), "autonomous_system_organization": "M247"},
    )
    asn.to_db_file(str(tmp_path / "asn.mmdb"))
    settings.VETTING_GEOIP_CITY_DB = str(tmp_path / "country.mmdb")
    settings.VETTING_GEOIP_ASN_DB = str(tmp_path / "asn.mmdb")
    lookup._maxmind.cache_clear()
    lookup.source_info.cache_clear()
    yield
    lookup._maxmind.cache_clear()
    lookup.source_info.cache_clear()


def test_maxmind_databases_are_used_instead_when_configured(maxmind_dbs):
    info = ip_lookup(COMCAST)
    assert (info.country, info.network, info.asn) == ("CA", "M247", 9009)
    assert ip_lookup(KP).country == ""  # not in these databases: unknown, not guessed
    assert "MaxMind GeoLite2-Country" in source_info()
    found = _run(COMCAST, COMCAST)
    assert found["ip.hosting_provider"].evidence["asn"] == 9009  # matched by ASN number
    assert found["ip.hosting_provider"].evidence["network"] == "M247"
    assert "ip.country_mismatch" not in found  # hosting addresses are not located
    assert _run(COMCAST, COMCAST, hosting_asns=(), hosting_network_names=())[
        "ip.country_mismatch"
    ].evidence["countries"] == {"CA": 2}


def test_broad_provider_lists_need_the_network_to_confirm():
    cogent_listed = "81.2.170.18"  # in iporigin's Cogent list, announced by a UK fibre ISP
    info = ip_lookup(cogent_listed)
    assert (info.provider, info.kind) == ("Cogent", "hosting")
    assert info.network == "Open Fibre Networks (wholesale) Limited"
    assert "ip.hosting_provider" not in _run(cogent_listed, country="GB")
    assert "ip.hosting_provider" in _run(cogent_listed, country="GB", unconfirmed_providers=())
    google = ip_lookup("8.8.8.8")
    assert (google.provider, google.network) == ("Google", "GOOGLE")
    assert "ip.hosting_provider" not in _run("8.8.8.8")
