"""A claimed city without a time zone: the checks and the activity chart use the same derived
zone (through the API, the real pipeline and the detail page)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


def test_checks_and_chart_agree_on_the_claimed_citys_zone(
    api_client_factory, client, recruiter, django_capture_on_commit_callbacks
):
    _client, key = api_client_factory(name="ats-zone")
    api = Api(key)
    body = {
        **factories.contract_example(),
        "claimed_location": {"country": "US", "region": "MO", "city": "St. Louis"},
        "sessions": [
            # 09:30 and 14:00 in St. Louis; the browser says Los Angeles (UTC-8 in November).
            {
                "ip": "73.54.120.18",
                "seen_at": "2026-11-20T15:30:00Z",
                "kind": "application",
                "timezone": "America/Los_Angeles",
                "utc_offset_minutes": -480,
            },
            {
                "ip": "73.54.120.18",
                "seen_at": "2026-11-20T20:00:00Z",
                "kind": "interview",
                "timezone": "America/Los_Angeles",
                "utc_offset_minutes": -480,
            },
        ],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/candidates/", body)
    assert response.status_code == 201
    cid = response.json()["id"]
    signals = api.get(f"/api/v1/candidates/{cid}/").json()["assessment"]["signals"]
    mismatch = next(s for s in signals if s["code"] == "timezone.mismatch")
    assert mismatch["evidence"]["claimed_zones"] == ["America/Chicago"]
    assert mismatch["evidence"]["claimed_zones_from"] == "city"

    client.force_login(recruiter)
    page = client.get(f"/candidates/{cid}/")
    hours = page.context["hours"]
    assert hours["tz"] == "America/Chicago" and hours["tz_from"] == "city"
    assert {b["hour"] for b in hours["bars"] if b["count"]} == {9, 14}
    assert "derived from the claimed city St. Louis, MO, US" in page.content.decode()


def test_detail_page_shows_v1_1_fields_history_and_guidance(
    api_client_factory, client, recruiter, django_capture_on_commit_callbacks
):
    from tests.resume_files import b64, pdf_bytes

    _client, key = api_client_factory(name="ats-detail")
    api = Api(key)
    body = {
        **factories.contract_example(),
        "stage": "interviewing",
        "vendor": "Northwind Staffing LLC",
        "references": [{"name": "Jo Park", "relationship": "manager"}],
        "resume_file": {
            "filename": "cv.pdf",
            "content": b64(pdf_bytes("Anna Eriksson", author="Anna Eriksson", producer="Quartz")),
        },
    }
    with django_capture_on_commit_callbacks(execute=True):
        cid = api.post("/api/v1/candidates/", body).json()["id"]
    new_payout = {
        "account_holder": "John Smith",
        "bank_country": "US",
        "routing_number": "026009593",
        "account_number": "4417 1234 5678 9113",
    }
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            "/api/v1/candidates/",
            {"external_id": "ats-12345", "stage": "offer", "payout": new_payout},
            headers={"X-Request-Id": "req-offer-1"},
        )
    client.force_login(recruiter)
    page = client.get(f"/candidates/{cid}/").content.decode()
    assert "Northwind Staffing LLC" in page and "Jo Park (manager)" in page
    assert "cv.pdf" in page and "Quartz" in page
    timeline = page.split('id="changes-h"')[1].split("</section>")[0]
    assert "Payout" in timeline and "••••6789" in timeline and "••••9113" in timeline
    assert "at stage offer" in timeline and "req-offer-1" in timeline
    assert "4417" not in page and "000123456789" not in page
    # every signal shows the guidance it follows
    signals = page.split('id="sig-h"')[1].split("</section>")[0]
    assert "history.payout_changed_late" in signals and "payout.name_mismatch" in signals
    assert signals.count("<article") == signals.count("Guidance:") > 0
    assert "FBI PSA I-012325-PSA" in signals
