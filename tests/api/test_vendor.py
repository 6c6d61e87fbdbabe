"""vendor.flagged_share through the API and the real pipeline: a vendor's record, never the
candidate's own traits, and never one bad candidate."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/candidates/"


def _candidate(api, capture, n: int, vendor: str, *, different_person: bool = False) -> str:
    body = {
        "external_id": f"{vendor[:8]}-{n}",
        "full_name": f"Candidate Number{n}",
        "email": f"candidate{n}.{vendor[:4].lower()}@example.com",
        "vendor": vendor,
    }
    with capture(execute=True):
        cid = api.post(URL, body).json()["id"]
    if different_person:  # a recruiter saw someone else at the second interview: high risk
        with capture(execute=True):
            response = api.post(
                f"{URL}{cid}/observations/",
                {"code": "interview.different_person", "note": "Not the person from round one"},
            )
        assert response.status_code == 201
    return cid


def _signals(api, cid) -> dict[str, dict]:
    got = api.get(f"{URL}{cid}/").json()
    return {s["code"]: s for s in got["assessment"]["signals"]}


def test_a_vendor_with_many_flagged_candidates_fires(api, django_capture_on_commit_callbacks):
    vendor = "Northwind Staffing LLC"
    for n in range(12):
        _candidate(api, django_capture_on_commit_callbacks, n, vendor, different_person=n < 5)
    flagged = api.get(URL, {"risk_level": "high"}).json()["results"]
    assert len(flagged) == 5
    # Written another way by the ATS: the same vendor.
    cid = _candidate(api, django_capture_on_commit_callbacks, 99, "NORTHWIND STAFFING, LLC")
    signal = _signals(api, cid)["vendor.flagged_share"]
    assert (signal["evidence"]["assessed"], signal["evidence"]["flagged"]) == (12, 5)
    assert signal["severity"] == "low" and signal["check"] == "vendor"


def test_one_bad_candidate_does_not_taint_a_vendor(
    api, other_api, django_capture_on_commit_callbacks
):
    vendor = "Contoso Talent"
    for n in range(3):
        _candidate(api, django_capture_on_commit_callbacks, n, vendor, different_person=n == 0)
    cid = _candidate(api, django_capture_on_commit_callbacks, 50, vendor)
    assert "vendor.flagged_share" not in _signals(api, cid)  # 1 of 3: below the minimum count
    # Another client's candidates never count toward this client's vendor.
    for n in range(12):
        _candidate(
            other_api, django_capture_on_commit_callbacks, 100 + n, vendor, different_person=True
        )
    cid = _candidate(api, django_capture_on_commit_callbacks, 51, vendor)
    assert "vendor.flagged_share" not in _signals(api, cid)


def test_the_detail_page_shows_the_vendors_figures(
    api, client, django_user_model, django_capture_on_commit_callbacks
):
    from tests.dashboard.conftest import make_user

    vendor = "Fabrikam Contractors"
    for n in range(3):
        _candidate(api, django_capture_on_commit_callbacks, n, vendor, different_person=n == 0)
    cid = _candidate(api, django_capture_on_commit_callbacks, 9, vendor)
    client.force_login(make_user(django_user_model, "rita", "Recruiters"))
    page = client.get(f"/candidates/{cid}/").content.decode()
    assert "3 other assessed candidates from this vendor and client; 1 high or critical" in page
