import phonenumbers
import pytest

from checks.links.normalise import (
    address_key,
    ip_keys,
    mailbox_key,
    phone_display,
    phone_key,
)


@pytest.mark.parametrize("region", ["US", "GB", "DE", "IN", "PH"])
def test_phone_key_is_e164_of_libphonenumbers_example_number_in_any_spelling(region):
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(
        example, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    assert phone_key(national, region) == e164
    assert phone_key(international, "") == e164
    assert phone_key(e164, "ZZ") == e164


def test_a_national_number_depends_on_the_claimed_country():
    assert phone_key("314 200 0100", "US") == "+13142000100"
    assert phone_key("314 200 0100", "") is None  # no "+", no country: nothing to link on
    assert phone_key("not a phone", "US") is None


def test_phone_display_masks_all_but_area_code_and_last_four():
    assert phone_display("+13142000100") == "+1 314 ***-0100"
    uk = phonenumbers.format_number(
        phonenumbers.example_number_for_type("GB", phonenumbers.PhoneNumberType.MOBILE),
        phonenumbers.PhoneNumberFormat.E164,
    )
    shown = phone_display(uk)
    assert shown.startswith("+44 ") and shown.endswith(uk[-4:]) and "*" in shown
    assert uk[5:-4] not in shown.replace(" ", "")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Anna.Eriksson+jobs@GMail.com", "annaeriksson@gmail.com"),
        ("a.n.n.a.eriksson@googlemail.com", "annaeriksson@gmail.com"),
        ("anna.eriksson+x@outlook.com", "anna.eriksson@outlook.com"),
        ("Anna.Eriksson+ats@hotmail.com", "anna.eriksson@hotmail.com"),
        ("anna+1@protonmail.com", "anna@proton.me"),
        ("anna-recruiting@yahoo.com", "anna@yahoo.com"),
        ("Anna.Eriksson+tag@Example.com", "anna.eriksson+tag@example.com"),  # unknown: only case
    ],
)
def test_mailbox_key_removes_what_the_provider_ignores(raw, key):
    assert mailbox_key(raw) == key


def test_outlook_dots_are_significant():
    assert mailbox_key("a.b@outlook.com") != mailbox_key("ab@outlook.com")
    assert mailbox_key("no-at-sign") is None


def test_address_spellings_fold_to_one_key():
    a = {
        "line1": "1 Main Street",
        "line2": "Apartment 4",
        "city": "Saint Louis",
        "postal_code": "63101",
        "country": "US",
    }
    b = {
        "line1": "1 MAIN ST.",
        "line2": "#4",
        "city": "St. Louis",
        "postal_code": "63101",
        "country": "us",
    }
    c = {
        "line1": "1 main st, suite 4",
        "line2": "",
        "city": "st louis",
        "postal_code": " 63101",
        "country": "US",
    }
    assert address_key(a) == address_key(b) == address_key(c)
    accented = {"line1": "Calle Mayor 5", "city": "Málaga", "postal_code": "29001", "country": "ES"}
    plain = {"line1": "calle mayor 5", "city": "Malaga", "postal_code": "29001", "country": "ES"}
    assert address_key(accented) == address_key(plain)


def test_different_unit_or_street_is_another_address():
    base = {
        "line1": "1 Main St",
        "line2": "Apt 4",
        "city": "St. Louis",
        "postal_code": "63101",
        "country": "US",
    }
    assert address_key(base) != address_key({**base, "line2": "Apt 5"})
    assert address_key(base) != address_key({**base, "line1": "1 Main Ave"})
    assert address_key({"city": "St. Louis"}) is None


def test_ip_keys_give_the_address_and_its_network():
    assert ip_keys("73.54.120.18") == ("73.54.120.18", "73.54.120.0/24")
    assert ip_keys("2001:4860:4860::8888") == ("2001:4860:4860::8888", "2001:4860:4860::/64")
    assert ip_keys("::ffff:73.54.120.18") == ("73.54.120.18", "73.54.120.0/24")
    assert ip_keys("192.168.1.10") is None  # every home router: not a link
    assert ip_keys("not-an-ip") is None


def test_the_network_grouping_follows_the_deployments_prefixes(settings):
    settings.VETTING_LINK_IPV4_PREFIX = 16
    settings.VETTING_LINK_IPV6_PREFIX = 48
    assert ip_keys("73.54.120.18") == ("73.54.120.18", "73.54.0.0/16")
    assert ip_keys("2001:4860:4860::8888") == ("2001:4860:4860::8888", "2001:4860:4860::/48")
