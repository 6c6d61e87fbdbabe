"""Shipping address against home: country or city, tolerant of case, spaces and accents."""

from __future__ import annotations

from checks.address import AddressCheck
from checks.base import Context
from tests.checks.subjects import example

CHECK = AddressCheck()
ENGINE_CASES = {
    "address.shipping_mismatch": {"shipping_address": {"city": "Chicago", "country": "US"}},
}
HOME = {"line1": "Hauptstraße 1", "city": "München", "country": "DE"}


def _run(shipping, home=HOME, **params):
    subject = example(home_address=home, shipping_address=shipping)
    return {f.code: f for f in CHECK.run(subject, AddressCheck.Params(**params), Context())}


def test_same_place_written_differently():
    assert _run({"city": "  MUNCHEN ", "country": "de"}) == {}
    assert _run({"city": "münchen", "country": "DEU"}) == {}


def test_missing_shipping_or_city_is_no_evidence():
    assert _run({}) == {}
    assert _run({"country": "DE"}) == {}


def test_other_city_and_other_country():
    found = _run({"city": "Berlin", "country": "DE"})
    assert found["address.shipping_mismatch"].evidence["differs"] == ["city"]
    found = _run({"city": "Shenyang", "country": "CN"})
    assert found["address.shipping_mismatch"].evidence["differs"] == ["country", "city"]
    assert _run({"city": "Berlin", "country": "DE"}, compare_city=False) == {}
