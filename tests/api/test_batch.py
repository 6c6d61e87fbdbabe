"""Batch upsert: per-item results, one bad item never blocks others, last wins."""

from __future__ import annotations

from candidates.models import Candidate
from tests.api.conftest import assert_error, contract_example

URL = "/api/v1/candidates/batch/"


def test_mixed_good_and_bad_items(api, other_api):
    items = [
        contract_example(),
        {"external_id": "bad-1", "full_name": "Bad Date", "date_of_birth": "12/08/1974"},
        {"external_id": "new-only"},  # creating needs full_name
        "not an object",
        {"external_id": "ok-2", "full_name": "Second Person", "phone": 12345},
        {"external_id": "ok-3", "full_name": "Third Person"},
    ]
    response = api.post(URL, {"candidates": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["index"] for r in results] == list(range(6))
    assert results[0]["created"] is True and results[0]["external_id"] == "ats-12345"
    assert results[1]["error"]["code"] == "validation_error"
    assert "date_of_birth" in results[1]["error"]["fields"]
    assert results[1]["external_id"] == "bad-1"
    assert "full_name" in results[2]["error"]["fields"]
    assert results[3]["error"]["code"] == "validation_error" and results[3]["external_id"] is None
    assert "phone" in results[4]["error"]["fields"]
    assert results[5]["created"] is True
    assert set(
        Candidate.objects.filter(client=api.client).values_list("external_id", flat=True)
    ) == {"ats-12345", "ok-3"}
    assert not Candidate.objects.filter(client=other_api.client).exists()


def test_repeated_external_id_last_wins(api):
    items = [
        {"external_id": "dup", "full_name": "First Name", "email": "a@example.com"},
        {"external_id": "dup", "full_name": "Last Name"},
    ]
    results = api.post(URL, {"candidates": items}).json()["results"]
    assert results[0]["created"] is True and results[1]["created"] is False
    assert results[0]["id"] == results[1]["id"]
    candidate = Candidate.objects.get(external_id="dup")
    assert candidate.full_name == "Last Name"
    assert candidate.email == "a@example.com"  # omitted by the later item: merged, kept


def test_update_in_batch_reports_created_false(api):
    api.post("/api/v1/candidates/", contract_example())
    results = api.post(
        URL, {"candidates": [{"external_id": "ats-12345", "resume_text": "changed"}]}
    ).json()["results"]
    assert results == [
        {"index": 0, "external_id": "ats-12345", "id": results[0]["id"], "created": False}
    ]


def test_over_500_items_is_400(api):
    items = [{"external_id": f"e-{i}", "full_name": "N"} for i in range(501)]
    error = assert_error(api.post(URL, {"candidates": items}), 400, "validation_error")
    assert "candidates" in error["fields"]
    assert not Candidate.objects.exists()


def test_batch_shape_errors(api):
    for body, field in (
        ({}, "candidates"),
        ({"candidates": {}}, "candidates"),
        ({"candidates": [], "extra": 1}, "extra"),
    ):
        assert field in assert_error(api.post(URL, body), 400, "validation_error")["fields"]
    assert api.post(URL, {"candidates": []}).json() == {"results": []}


def test_batch_counts_as_one_request_for_the_throttle(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "2/min"},
    }
    items = [{"external_id": f"t-{i}", "full_name": "N"} for i in range(20)]
    assert api.post(URL, {"candidates": items}).status_code == 200
    assert api.get("/api/v1/candidates/").status_code == 200
    assert_error(api.get("/api/v1/candidates/"), 429, "throttled")
