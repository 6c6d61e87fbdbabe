"""Phone checks against libphonenumber's own example numbers for several regions and types."""

from __future__ import annotations

import phonenumbers
import pytest
from django.test import override_settings
from phonenumbers import PhoneNumberType as T

from checks import phone
from checks.base import Context
from checks.phone import PhoneCheck
from tests.checks.subjects import example

CHECK = PhoneCheck()


def _e164(region: str, kind: int) -> str:
    number = phonenumbers.example_number_for_type(region, kind)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# libphonenumber's own example numbers; the engine test runs each through the active rule set.
ENGINE_CASES = {
    "phone.invalid": {"phone": "+1 555"},
    "phone.voip": {"phone": _e164("GB", T.VOIP)},
    "phone.personal_number": {"phone": _e164("GB", T.PERSONAL_NUMBER)},
    "phone.uan": {"phone": _e164("GB", T.UAN)},
    "phone.premium_rate": {"phone": _e164("US", T.PREMIUM_RATE)},
    "phone.non_geographic": {"phone": _e164("US", T.TOLL_FREE)},
    "phone.country_mismatch": {"phone": _e164("KP", T.MOBILE)},
    "phone.timezone_mismatch": {"phone": _e164("US", T.FIXED_LINE)},
}
ZONES = {
    "US": "America/Chicago",
    "GB": "Europe/London",
    "DE": "Europe/Berlin",
    "IN": "Asia/Kolkata",
    "NL": "Europe/Amsterdam",
    "RU": "Europe/Moscow",
}


def _e164(region: str, kind: int) -> str:
    number = phonenumbers.example_number_for_type(region, kind)
    assert number is not None, (region, kind)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _run(number: str, country: str = "US", tz: str | None = None, **params):
    subject = example(
        phone=number,
        claimed_location={"country": country, "timezone": tz or ZONES.get(country, "")},
    )
    return {f.code: f for f in CHECK.run(subject, PhoneCheck.Params(**params), Context())}


@pytest.mark.parametrize(
    ("region", "kind"),
    [
        ("US", T.FIXED_LINE_OR_MOBILE),
        ("GB", T.MOBILE),
        ("GB", T.FIXED_LINE),
        ("DE", T.MOBILE),
        ("DE", T.FIXED_LINE),
        ("IN", T.MOBILE),
        ("NL", T.MOBILE),
        ("RU", T.FIXED_LINE),
    ],
)
def test_ordinary_lines_in_the_claimed_country_raise_nothing(region, kind):
    number = phonenumbers.example_number_for_type(region, kind)
    tz = phonenumbers.timezone.time_zones_for_number(number)[0]
    assert _run(_e164(region, kind), region, tz) == {}


@pytest.mark.parametrize(
    ("region", "kind", "code"),
    [
        ("GB", T.VOIP, "phone.voip"),
        ("FR", T.VOIP, "phone.voip"),
        ("CA", T.VOIP, "phone.voip"),
        ("NL", T.VOIP, "phone.voip"),
        ("GB", T.PERSONAL_NUMBER, "phone.personal_number"),
        ("US", T.PERSONAL_NUMBER, "phone.personal_number"),
        ("GB", T.UAN, "phone.uan"),
        ("DE", T.UAN, "phone.uan"),
        ("NL", T.UAN, "phone.uan"),
        ("US", T.PREMIUM_RATE, "phone.premium_rate"),
        ("DE", T.PREMIUM_RATE, "phone.premium_rate"),
        ("US", T.TOLL_FREE, "phone.non_geographic"),
        ("GB", T.TOLL_FREE, "phone.non_geographic"),
        ("GB", T.PAGER, "phone.non_geographic"),
    ],
)
def test_line_types_that_are_not_a_line_in_a_place(region, kind, code):
    found = _run(_e164(region, kind), region)
    assert code in found
    assert (
        found[code].evidence["number_type"]
        == {v: k for k, v in vars(T).items() if isinstance(v, int)}[kind]
    )


def test_global_service_number_is_non_geographic():
    number = phonenumbers.example_number_for_non_geo_entity(800)
    found = _run(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    assert "phone.non_geographic" in found
    assert "phone.country_mismatch" not in found


@pytest.mark.parametrize("raw", ["+1 555", "call me", "+999 123456", "12", "+44 20 7946"])
def test_unparseable_or_invalid_numbers(raw):
    found = _run(raw)
    assert set(found) == {"phone.invalid"}
    assert found["phone.invalid"].evidence["phone"] == raw


@pytest.mark.parametrize(
    ("region", "claimed"), [("KP", "US"), ("GB", "US"), ("IN", "DE"), ("CA", "US")]
)
def test_country_mismatch(region, claimed):
    found = _run(_e164(region, T.MOBILE), claimed)
    assert found["phone.country_mismatch"].evidence["phone_country"] == region
    assert found["phone.country_mismatch"].evidence["claimed_country"] == claimed


def test_national_format_parses_against_the_claimed_country():
    assert _run("030 123456", "DE") == {}
    assert "phone.invalid" in _run("030 123456", "")


def test_timezone_mismatch_with_claimed_zone_and_dst_aware():
    new_york = _e164("US", T.FIXED_LINE)  # +1 201: America/New_York
    assert "phone.timezone_mismatch" in _run(new_york, "US", "America/Chicago")
    assert _run(new_york, "US", "America/New_York") == {}
    assert _run(new_york, "US", "US/Eastern") == {}  # an alias of the same offsets
    assert "phone.timezone_mismatch" not in _run(
        new_york, "US", "America/Chicago", check_timezone=False
    )


class FakeCarrier:
    """A deployer's carrier lookup: everything in 314-200 is VoIP."""

    name = "test carrier"

    def line_type(self, e164: str) -> str | None:
        return "voip" if e164.startswith("+1314200") else "mobile"


def test_line_type_provider_flags_voip_on_fixed_line_or_mobile_numbers():
    phone._provider.cache_clear()
    path = f"{__name__}.FakeCarrier"
    with override_settings(VETTING_PHONE_LINE_TYPE_PROVIDER=path):
        found = _run("+1 314 200 0100")
        assert found["phone.voip"].evidence["source"] == "test carrier"
        assert _run("+1 314 555 0100") == {}
        assert _run("+1 314 200 0100", use_line_type_provider=False) == {}
    assert _run("+1 314 200 0100") == {}  # off by default
