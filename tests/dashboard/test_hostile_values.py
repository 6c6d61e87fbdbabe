"""Values the API accepts, however hostile, never turn a dashboard page into a 500: each is
posted through the API, assessed by the real pipeline, then every page is opened for it."""

from __future__ import annotations

import pytest

from candidates.models import Candidate
from tests.api.conftest import Api, contract_example

HOSTILE = [
    # Keys that shadow a dict's methods in a template (`profiles.items` is then a string).
    {"profiles": {"items": "https://x.example/a", "keys": "k", "values": "v", "get": "g"}},
    # The first instant there is, in a zone west of UTC: local time is before year 1.
    {
        "claimed_location": {"country": "US", "timezone": "America/Los_Angeles"},
        "sessions": [{"ip": "73.54.120.18", "seen_at": "0001-01-01T00:00:00Z", "kind": "login"}],
    },
    # The last instant there is, in a zone east of UTC: local time is after year 9999.
    {
        "claimed_location": {"country": "KI", "timezone": "Pacific/Kiritimati"},
        "sessions": [
            {
                "ip": "999.1.2.3",
                "seen_at": "9999-12-31T23:59:59Z",
                "kind": "login",
                "timezone": "Not/AZone",
                "utc_offset_minutes": 960,
            }
        ],
    },
    {
        "full_name": '<script>alert(1)</script> =HYPERLINK("http://x") ²³ \u202e',
        "email": "\u00b2@\u00b3.example",
        "phone": "²³⁴",
        "date_of_birth": "0001-01-01",
        "resume_text": "² " * 1000,
        "home_address": {"line1": "=1+1", "city": "²", "country": "AQ"},
    },
]


def _hostile(n: int, extra: dict) -> dict:
    body = contract_example()
    body.pop("documents")
    body.pop("photo")
    body["external_id"] = f"hostile-²-{n}"
    body.update(extra)
    return body


@pytest.fixture
def hostile(api_client_factory, django_capture_on_commit_callbacks) -> list[Candidate]:
    client, key = api_client_factory(name="ats-hostile")
    api = Api(key, client)
    ids = []
    for n, extra in enumerate(HOSTILE):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/api/v1/candidates/", _hostile(n, extra))
        assert response.status_code == 201, response.json()  # accepted, as the contract says
        ids.append(response.json()["id"])
        assert api.get(f"/api/v1/candidates/{ids[-1]}/").status_code == 200
    return list(Candidate.objects.filter(pk__in=ids))


def test_every_dashboard_page_opens_for_hostile_but_accepted_values(client, superuser, hostile):
    client.force_login(superuser)
    for candidate in hostile:
        assert candidate.assessment_status == "completed", candidate.latest_assessment.error
        for url in (
            f"/candidates/{candidate.pk}/",
            f"/admin/candidates/candidate/{candidate.pk}/change/",
        ):
            response = client.get(url)
            assert response.status_code == 200, (url, response.content[:300])
    pages = [
        "/",
        "/?q=%C2%B2",
        "/?after=%C2%B2",
        "/?level=%C2%B2&status=%00",
        "/queue.csv",
        "/rules/",
        "/audit/",
        "/audit/?after=%C2%B2",  # "²".isdigit() is True, int("²") raises
        "/audit/?after=99999999999999999999999999",
        "/audit/?after=0",
        "/admin/candidates/candidate/",
        "/admin/candidates/auditevent/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 400), (url, response.status_code)


def test_the_profile_shows_keys_named_like_dict_methods(client, superuser, hostile):
    client.force_login(superuser)
    with_profiles = next(c for c in hostile if "items" in (c.profiles or {}))
    page = client.get(f"/candidates/{with_profiles.pk}/").content.decode()
    assert "https://x.example/a" in page and "keys: k" in page


def test_the_activity_chart_places_year_one_in_the_claimed_zone(client, superuser, hostile):
    client.force_login(superuser)
    west = next(c for c in hostile if c.sessions.filter(seen_at__year=1).exists())
    page = client.get(f"/candidates/{west.pk}/").content.decode()
    # 00:00 UTC on 1 January of year 1 is 16:00 (LMT -7:52:58 rounds into the 16h bar) in
    # Los Angeles: one session, counted in that hour.
    assert "16:00 — 1 session<" in page
