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
