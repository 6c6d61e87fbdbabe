"""The contract's example candidate through the real API, pipeline and active rule set: stored
as the API stores it (MRZ masked on ingest, keys hashed), assessed, and it raises no signal."""

from __future__ import annotations

import copy

import pytest

EXAMPLE = {
    "external_id": "ats-12345",
    "full_name": "Anna Maria Eriksson",
    "email": "anna.eriksson@example.com",
    "phone": "+1 314 200 0100",
    "date_of_birth": "1974-08-12",
    "nationality": "USA",
    "claimed_location": {
        "country": "US",
        "region": "MO",
        "city": "St. Louis",
        "timezone": "America/Chicago",
    },
    "home_address": {
        "line1": "1 Main St",
        "line2": "",
        "city": "St. Louis",
        "region": "MO",
        "postal_code": "63101",
        "country": "US",
    },
    "shipping_address": {
        "line1": "1 Main St",
        "city": "St. Louis",
        "region": "MO",
        "postal_code": "63101",
        "country": "US",
    },
    "payout": {
        "account_holder": "Anna Eriksson",
        "bank_country": "US",
        "routing_number": "081000210",
        "account_number": "000123456789",
        "iban": None,
    },
    "sessions": [
        {
            "ip": "73.54.120.18",
            "seen_at": "2026-11-20T14:03:00Z",
            "kind": "application",
            "user_agent": "Mozilla/5.0",
            "timezone": "America/Chicago",
            "utc_offset_minutes": -360,
        }
    ],
    "documents": [
        {
            "kind": "passport",
            "number": "584120739",
            "issuing_country": "USA",
            "expires_on": "2032-04-15",
            "mrz": "P<USAERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
            "5841207393USA7408122F3204153<<<<<<<<<<<<<<00",
        }
    ],
}


def _assess(client, key, body, capture):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    with capture(execute=True):
        response = client.post("/api/v1/candidates/", body, content_type="application/json", **auth)
    assert response.status_code in (200, 201), response.content[:500]
    detail = client.get(f"/api/v1/candidates/{response.json()['id']}/", **auth).json()
    return detail


@pytest.mark.django_db(transaction=False)
def test_contract_example_gets_zero_signals(
    client, api_client_factory, django_capture_on_commit_callbacks
):
    _, key = api_client_factory()
    detail = _assess(client, key, EXAMPLE, django_capture_on_commit_callbacks)
    assert detail["assessment"]["status"] == "completed", detail["assessment"]
    assert detail["assessment"]["signals"] == []
    assert detail["assessment"]["risk_score"] == 0
    assert "584120739" not in str(detail)  # the number is never echoed, not even in the MRZ


@pytest.mark.django_db(transaction=False)
def test_crafted_variant_through_the_api(
    client, api_client_factory, django_capture_on_commit_callbacks
):
    _, key = api_client_factory()
    body = copy.deepcopy(EXAMPLE)
    body["payout"]["account_holder"] = "John Smith"
    body["documents"][0]["mrz"] = body["documents"][0]["mrz"].replace("3204153", "3204154")
    body["sessions"][0].update(timezone="Asia/Pyongyang", utc_offset_minutes=540)
    detail = _assess(client, key, body, django_capture_on_commit_callbacks)
    codes = {s["code"] for s in detail["assessment"]["signals"]}
    assert {"payout.name_mismatch", "document.mrz_invalid", "timezone.mismatch"} <= codes
