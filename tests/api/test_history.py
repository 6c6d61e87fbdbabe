"""Contact and payout history through the API, and the history.* checks through the pipeline."""

from __future__ import annotations

import pytest

from candidates.models import ContactChange
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/candidates/"
BANK_B = {
    "account_holder": "Anna Eriksson",
    "bank_country": "US",
    "routing_number": "026009593",
    "account_number": "4417 1234 5678 9113",
}


def _post(api, capture, **fields):
    with capture(execute=True):
        response = api.post(
            URL,
            {"external_id": "ats-12345", **fields},
            headers={"X-Request-Id": fields.pop("_rid", "req-1")},
        )
    assert response.status_code in (200, 201), response.content[:300]
    return response.json()


def _codes(api, cid) -> dict[str, dict]:
    got = api.get(f"{URL}{cid}/").json()
    return {s["code"]: s for s in got["assessment"]["signals"]}


def test_every_change_is_kept_masked_with_when_and_which_call(
    api, django_capture_on_commit_callbacks
):
    cid = _post(api, django_capture_on_commit_callbacks, **factories.contract_example())["id"]
    assert not ContactChange.objects.exists()  # the first values are no change
    _post(api, django_capture_on_commit_callbacks, phone="+1 314 200 0199", payout=BANK_B)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"{URL}batch/", {"candidates": [{"external_id": "ats-12345", "email": None}]})
    rows = {r.field: r for r in ContactChange.objects.filter(candidate_id=cid)}
    assert set(rows) == {"phone", "payout", "email"}
    assert (rows["phone"].old, rows["phone"].new) == ("+1 314 200 0100", "+1 314 200 0199")
    assert rows["phone"].via == "upsert" and rows["phone"].client == api.client
    assert rows["email"].via == "batch" and rows["email"].new is None
    payout = rows["payout"]
    assert payout.old["account_number_last4"] == "6789"
    assert payout.new["account_number_last4"] == "9113"
    assert "4417" not in str(payout.new) and "000123456789" not in str(payout.old)
    assert payout.stage == "" and payout.changed_at is not None


def test_contact_churn_fires_on_repeated_changes(api, django_capture_on_commit_callbacks):
    cid = _post(api, django_capture_on_commit_callbacks, **factories.contract_example())["id"]
    _post(api, django_capture_on_commit_callbacks, phone="+1 314 200 0101")
    _post(api, django_capture_on_commit_callbacks, email="anna.e@example.org")
    assert "history.contact_churn" not in _codes(api, cid)  # two changes: below 3
    _post(api, django_capture_on_commit_callbacks, phone="+1 314 200 0102")
    signal = _codes(api, cid)["history.contact_churn"]
    assert [c["field"] for c in signal["evidence"]["changes"]] == ["phone", "email", "phone"]
    assert signal["evidence"]["window_days"] == 30


def test_adding_missing_details_is_no_churn(api, django_capture_on_commit_callbacks):
    body = factories.contract_example()
    for name in ("phone", "email", "shipping_address"):
        body.pop(name)
    cid = _post(api, django_capture_on_commit_callbacks, **body)["id"]
    _post(api, django_capture_on_commit_callbacks, phone="+1 314 200 0100")
    _post(api, django_capture_on_commit_callbacks, email="anna.eriksson@example.com")
    _post(
        api,
        django_capture_on_commit_callbacks,
        shipping_address=factories.contract_example()["shipping_address"],
    )
    assert ContactChange.objects.filter(candidate_id=cid).count() == 3
    assert "history.contact_churn" not in _codes(api, cid)


def test_payout_changed_at_the_offer_fires(api, django_capture_on_commit_callbacks):
    body = {**factories.contract_example(), "stage": "interviewing"}
    cid = _post(api, django_capture_on_commit_callbacks, **body)["id"]
    _post(api, django_capture_on_commit_callbacks, stage="offer", payout=BANK_B)
    signal = _codes(api, cid)["history.payout_changed_late"]
    assert signal["severity"] == "high" and signal["evidence"]["changes"][0]["stage"] == "offer"


def test_a_first_payout_at_the_offer_or_a_change_before_it_is_quiet(
    api, django_capture_on_commit_callbacks
):
    body = {**factories.contract_example(), "stage": "screening", "payout": None}
    cid = _post(api, django_capture_on_commit_callbacks, **body)["id"]
    _post(api, django_capture_on_commit_callbacks, payout=BANK_B)  # given while screening
    _post(
        api,
        django_capture_on_commit_callbacks,
        payout={**BANK_B, "account_number": "4417 1234 5678 9114"},
    )  # changed while screening
    _post(api, django_capture_on_commit_callbacks, stage="hired")
    assert "history.payout_changed_late" not in _codes(api, cid)
