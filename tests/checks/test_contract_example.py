"""The contract's example candidate through the real API, pipeline and active rule set: stored
as the API stores it (MRZ masked on ingest, keys hashed), assessed, and it raises no signal."""

from __future__ import annotations

import copy

import pytest

from tests.factories import contract_example

EXAMPLE = contract_example()


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
