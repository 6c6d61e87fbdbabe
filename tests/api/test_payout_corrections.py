"""Payout corrections, through the API and the real pipeline: an IBAN names its bank's country,
and a bank's extra middle initial is not another person."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db
URL = "/api/v1/candidates/"


def _signals(api: Api, capture, **changes) -> dict[str, dict]:
    body = {**factories.contract_example(), **changes}
    with capture(execute=True):
        response = api.post(URL, body)
    assert response.status_code in (200, 201), response.content[:300]
    got = api.get(f"{URL}{response.json()['id']}/").json()
    return {s["code"]: s for s in got["assessment"]["signals"]}


def test_an_iban_only_payout_abroad_raises_country_mismatch(
    api, django_capture_on_commit_callbacks
):
    # ECBS/SWIFT registry example IBAN for Germany; the candidate claims St. Louis, US.
    payout = {"account_holder": "Anna Eriksson", "iban": "DE89 3704 0044 0532 0130 00"}
    found = _signals(api, django_capture_on_commit_callbacks, payout=payout)
    signal = found["payout.country_mismatch"]
    assert signal["evidence"]["bank_country"] == "DE"
    assert signal["evidence"]["bank_country_from"] == "iban"
    # bank_country is still echoed as sent (nothing), the IBAN itself never
    got = api.get(f"{URL}{_id(api)}/").json()
    assert got["payout"]["bank_country"] == "" and got["payout"]["iban_last4"] == "3000"
    assert "37040044" not in str(got)


def _id(api: Api) -> str:
    return api.get(URL, {"external_id": "ats-12345"}).json()["results"][0]["id"]


def test_an_iban_of_the_claimed_country_is_quiet(api, django_capture_on_commit_callbacks):
    # The UK's registry example IBAN, for a candidate who claims London.
    payout = {"account_holder": "Anna Eriksson", "iban": "GB82 WEST 1234 5698 7654 32"}
    location = {"country": "GB", "city": "London", "timezone": "Europe/London"}
    found = _signals(
        api,
        django_capture_on_commit_callbacks,
        payout=payout,
        claimed_location=location,
        home_address=None,
        shipping_address=None,
        phone="+44 20 7946 0018",  # Ofcom's drama range: a valid London number
        sessions=[],
    )
    assert "payout.country_mismatch" not in found


def test_an_iban_with_bad_check_digits_decides_no_country(api, django_capture_on_commit_callbacks):
    payout = {"account_holder": "Anna Eriksson", "iban": "DE88 3704 0044 0532 0130 00"}
    found = _signals(api, django_capture_on_commit_callbacks, payout=payout)
    assert "payout.country_mismatch" not in found


@pytest.mark.parametrize("holder", ["CLARK, Megan J.", "Clark Megan J", "M. J. Clark"])
def test_a_bank_added_middle_initial_is_not_another_person(
    api, django_capture_on_commit_callbacks, holder
):
    payout = {
        "account_holder": holder,
        "bank_country": "US",
        "routing_number": "081000210",
        "account_number": "000123456789",
    }
    found = _signals(
        api,
        django_capture_on_commit_callbacks,
        full_name="Megan Clark",
        payout=payout,
        documents=[],
    )
    assert "payout.name_mismatch" not in found


@pytest.mark.parametrize("holder", ["CLARK, Megan Jane", "Clark J.", "CLARK, Peter J."])
def test_an_extra_full_name_or_a_lone_surname_still_fires(
    api, django_capture_on_commit_callbacks, holder
):
    payout = {
        "account_holder": holder,
        "bank_country": "US",
        "routing_number": "081000210",
        "account_number": "000123456789",
    }
    found = _signals(
        api,
        django_capture_on_commit_callbacks,
        full_name="Megan Clark",
        payout=payout,
        documents=[],
    )
    assert found["payout.name_mismatch"]["evidence"]["account_holder"] == holder
