"""ip.impossible_travel through the API and the real pipeline."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/candidates/"
NEW_YORK = "73.54.120.18"  # Comcast (US)
LONDON = "2.125.160.216"  # Sky UK
SHANGHAI = "58.247.0.1"  # China Unicom Shanghai


def _post(api, capture, external_id: str, sessions: list[dict]) -> dict:
    body = {
        **factories.contract_example(),
        "external_id": external_id,
        "claimed_location": {"country": "US", "region": "NY", "city": "New York"},
        "home_address": None,
        "shipping_address": None,
        "phone": "+1 212 555 0100",
        "sessions": sessions,
    }
    with capture(execute=True):
        response = api.post(URL, body)
    assert response.status_code == 201, response.content[:300]
    got = api.get(f"{URL}{response.json()['id']}/").json()
    return {s["code"]: s for s in got["assessment"]["signals"]}


def _session(ip: str, at: str) -> dict:
    return {"ip": ip, "seen_at": at, "kind": "login"}


def test_new_york_and_shanghai_within_two_hours_fires(api, django_capture_on_commit_callbacks):
    found = _post(
        api,
        django_capture_on_commit_callbacks,
        "traveller-1",
        [
            _session(NEW_YORK, "2026-11-20T09:00:00-05:00"),
            _session(SHANGHAI, "2026-11-20T11:00:00-05:00"),
        ],
    )
    signal = found["ip.impossible_travel"]
    assert signal["check"] == "ip" and signal["severity"] == "medium" and signal["score"] == 30
    leg = signal["evidence"]["legs"][0]
    assert (leg["from"]["ip"], leg["to"]["ip"], leg["hours"]) == (NEW_YORK, SHANGHAI, 2.0)


def test_a_flight_from_new_york_to_london_is_quiet(api, django_capture_on_commit_callbacks):
    found = _post(
        api,
        django_capture_on_commit_callbacks,
        "traveller-2",
        [
            _session(NEW_YORK, "2026-11-20T16:30:00-05:00"),  # before leaving for JFK
            _session(LONDON, "2026-11-21T08:15:00+00:00"),  # after landing at Heathrow
        ],
    )
    assert "ip.impossible_travel" not in found
