"""Upsert, GET, merge semantics, storage rules and per-client isolation."""

from __future__ import annotations

import json

import phonenumbers
import pytest
from django.core.files.storage import default_storage

from candidates.crypto import document_number_key, payout_account_key
from candidates.models import Assessment, AuditEvent, Candidate, Document, Image, Session
from checks.interview import InterviewCheck
from tests.api.conftest import assert_error, contract_example, image_b64

URL = "/api/v1/candidates/"


def _create(api, body=None, capture=None):
    body = body or contract_example()
    if capture is None:
        return api.post(URL, body)
    with capture(execute=True):
        return api.post(URL, body)


def test_contract_example_is_accepted_as_is_and_raises_no_signal(
    api, django_capture_on_commit_callbacks
):
    response = _create(api, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.json()
    cid = response.json()["id"]
    body = api.get(f"{URL}{cid}/").json()
    assert body["external_id"] == "ats-12345"
    assert body["nationality"] == "USA"
    assert body["assessment"]["status"] == "completed"
    assert body["assessment"]["signals"] == []
    assert body["assessment"]["risk_score"] == 0
    assert body["review"] == {
        "status": "unreviewed",
        "note": "",
        "decided_by": None,
        "decided_at": None,
    }
    assert body["sessions"][0]["seen_at"] == "2026-11-20T14:03:00Z"
    assert body["photo"]["content_type"] == "image/png"
    assert set(body["photo"]) == {"sha256", "content_type", "width", "height"}
    assert body["documents"][0]["image"]["content_type"] == "image/jpeg"


def test_sensitive_numbers_are_never_stored_or_returned_in_clear(api):
    cid = _create(api).json()["id"]
    body = api.get(f"{URL}{cid}/").content.decode()
    assert "584120739" not in body and "000123456789" not in body
    candidate = Candidate.objects.get(pk=cid)
    stored = " ".join(str(v) for v in Candidate.objects.filter(pk=cid).values().first().values())
    assert "000123456789" not in stored
    assert candidate.payout_account_key == payout_account_key("US", "081000210", "000123456789")
    assert candidate.payout_account_last4 == "6789"
    assert candidate.has_payout and candidate.claimed_country == "US"
    doc = Document.objects.get(candidate=candidate)
    assert doc.number_key == document_number_key("USA", "584120739")
    assert doc.number_last4 == "0739"
    assert "584120739" not in doc.mrz and "584120739" not in str(doc.mrz_facts)


def test_iban_payout_uses_bank_part_and_account_digits(api):
    body = {
        "external_id": "iban-1",
        "full_name": "Hans Muster",
        "payout": {"account_holder": "Hans Muster", "iban": "DE89 3704 0044 0532 0130 00"},
    }
    assert api.post(URL, body).status_code == 201
    candidate = Candidate.objects.get(external_id="iban-1")
    assert candidate.payout_account_key == payout_account_key("DE", "3704", "00440532013000")
    assert candidate.payout_iban_last4 == "3000"
    assert candidate.payout_bank_country == ""  # not sent: echoed as sent
    assert api.get(f"{URL}{candidate.pk}/").json()["payout"]["iban_last4"] == "3000"


def test_update_merges_omitted_unchanged_and_null_clears(api):
    cid = _create(api).json()["id"]
    response = api.post(
        URL,
        {
            "external_id": "ats-12345",
            "email": None,
            "phone": "+1 314 200 0199",
            "shipping_address": None,
            "payout": None,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == ""
    assert body["phone"] == "+1 314 200 0199"
    assert body["shipping_address"] is None and body["payout"] is None
    assert body["full_name"] == "Anna Maria Eriksson"  # omitted: unchanged
    assert body["home_address"]["city"] == "St. Louis"
    assert body["resume_text"] == "plain text of the resume"
    candidate = Candidate.objects.get(pk=cid)
    assert not candidate.has_payout and candidate.payout_account_key == ""


def test_claimed_country_falls_back_to_home_address(api):
    body = {**contract_example(), "claimed_location": None}
    api.post(URL, body)
    assert Candidate.objects.get(external_id="ats-12345").claimed_country == "US"
    api.post(URL, {"external_id": "ats-12345", "home_address": {"country": "CA"}})
    assert Candidate.objects.get(external_id="ats-12345").claimed_country == "CA"


def test_unchanged_update_is_200_and_queues_nothing(api, django_capture_on_commit_callbacks):
    # Assessed first: a change while the first assessment is still pending would join it.
    cid = _create(api, capture=django_capture_on_commit_callbacks).json()["id"]
    assert Assessment.objects.filter(candidate_id=cid).count() == 1
    response = api.post(URL, contract_example())
    assert response.status_code == 200
    assert Assessment.objects.filter(candidate_id=cid).count() == 1
    assert AuditEvent.objects.filter(candidate_id=cid, action="candidate.updated").count() == 0
    api.post(URL, {"external_id": "ats-12345", "resume_text": "new resume"})
    assert Assessment.objects.filter(candidate_id=cid).count() == 2
    assert Assessment.objects.filter(candidate_id=cid, seq=2).get().trigger == "upsert"
    assert AuditEvent.objects.filter(candidate_id=cid, action="candidate.updated").count() == 1


def test_sessions_are_appended_and_deduplicated(api):
    cid = _create(api).json()["id"]
    again = {
        "external_id": "ats-12345",
        "sessions": [
            {"ip": "73.54.120.18", "seen_at": "2026-11-20T08:03:00-06:00", "kind": "application"},
            {"ip": "73.54.120.18", "seen_at": "2026-11-21T09:00:00Z", "kind": "login"},
            {"ip": "73.54.120.18", "seen_at": "2026-11-21T09:00:00Z", "kind": "login"},
        ],
    }
    assert api.post(URL, again).status_code == 200
    assert Session.objects.filter(candidate_id=cid).count() == 2  # same instant, other offset


def test_documents_are_upserted_by_country_and_number(api):
    cid = _create(api).json()["id"]
    update = {
        "external_id": "ats-12345",
        "documents": [
            {
                "kind": "passport",
                "number": "5841 20739",
                "issuing_country": "US",
                "expires_on": "2033-01-01",
            },
            {"kind": "drivers_license", "number": "D123-4567", "issuing_country": "US"},
        ],
    }
    body = api.post(URL, update).json()
    assert Document.objects.filter(candidate_id=cid).count() == 2
    passport = next(d for d in body["documents"] if d["kind"] == "passport")
    assert passport["expires_on"] == "2033-01-01"
    assert passport["image"] is not None  # omitted within the document: kept
    assert api.post(URL, {"external_id": "ats-12345", "documents": None}).json()["documents"] == []
    assert Image.objects.count() == 1  # the document image went, the photo stays


def test_replacing_the_photo_deletes_the_old_file(api, django_capture_on_commit_callbacks):
    _create(api)
    old = Candidate.objects.select_related("photo").get(external_id="ats-12345").photo
    assert default_storage.exists(old.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        body = api.post(
            URL, {"external_id": "ats-12345", "photo": image_b64("JPEG", (20, 20))}
        ).json()
    assert body["photo"]["width"] == 20
    assert not default_storage.exists(old.file.name)
    assert not Image.objects.filter(pk=old.pk).exists()


def test_create_requires_full_name(api):
    error = assert_error(api.post(URL, {"external_id": "x-1"}), 400, "validation_error")
    assert "full_name" in error["fields"]
    error = assert_error(api.post(URL, {"full_name": "A"}), 400, "validation_error")
    assert "external_id" in error["fields"]


def test_wrong_in_substance_is_stored_as_sent(api):
    phone = "+1 000 000"  # not a valid number: a signal, not a 400
    assert not phonenumbers.is_valid_number(phonenumbers.parse(phone, None))
    body = {
        "external_id": "odd-1",
        "full_name": "Odd Values",
        "phone": phone,
        "email": "not-an-email@",
        "sessions": [{"ip": "999.1.1.1", "seen_at": "2026-11-20T14:03:00Z", "kind": "login"}],
        "documents": [
            {
                "kind": "passport",
                "number": "X1",
                "issuing_country": "UTO",
                "mrz": "P<UTOERIKSSON<<ANNA<<<<<\nL898902C<3UTO6908061F9406236",
            }
        ],
    }
    response = api.post(URL, body)
    assert response.status_code == 201, response.json()
    stored = response.json()
    assert stored["phone"] == phone and stored["email"] == "not-an-email@"
    assert stored["sessions"][0]["ip"] == "999.1.1.1"
    assert stored["documents"][0]["issuing_country"] == "UTO"


def test_other_client_sees_and_changes_nothing(api, other_api):
    cid = _create(api).json()["id"]
    for path in (f"{URL}{cid}/", f"{URL}{cid}/assessments/"):
        assert_error(other_api.get(path), 404, "not_found")
    for path, body in (
        (
            f"{URL}{cid}/sessions/",
            {"sessions": [{"ip": "1.2.3.4", "seen_at": "2026-11-20T14:03:00Z", "kind": "login"}]},
        ),
        (f"{URL}{cid}/observations/", {"code": "interview.camera_refused"}),
        (f"{URL}{cid}/reassess/", {}),
    ):
        assert_error(other_api.post(path, body), 404, "not_found")
    assert_error(other_api.delete(f"{URL}{cid}/"), 404, "not_found")
    assert other_api.get(URL).json()["results"] == []
    # The same external_id under another client is another candidate.
    response = other_api.post(URL, contract_example())
    assert response.status_code == 201 and response.json()["id"] != cid
    assert Candidate.objects.filter(pk=cid).exists()


def test_get_is_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    cid = _create(api).json()["id"]
    api.post(
        URL,
        {
            "external_id": "ats-12345",
            "sessions": [
                {"ip": f"73.54.120.{i}", "seen_at": "2026-11-20T14:03:00Z", "kind": "login"}
                for i in range(30)
            ],
        },
    )
    with django_assert_max_num_queries(10):
        assert api.get(f"{URL}{cid}/").status_code == 200


def test_sessions_endpoint_appends_and_queues(api, django_capture_on_commit_callbacks):
    cid = _create(api, capture=django_capture_on_commit_callbacks).json()["id"]
    body = {
        "sessions": [
            {
                "ip": "73.54.120.19",
                "seen_at": "2026-11-22T10:00:00+01:00",
                "kind": "interview",
                "utc_offset_minutes": 60,
            }
        ]
    }
    response = api.post(f"{URL}{cid}/sessions/", body)
    assert response.status_code == 202
    assert response.json()["added"] == 1
    assert Assessment.objects.get(pk=response.json()["assessment"]["id"]).trigger == "sessions"
    again = api.post(f"{URL}{cid}/sessions/", body)
    assert again.status_code == 202 and again.json()["added"] == 0
    assert Session.objects.filter(candidate_id=cid).count() == 2


def test_sessions_are_capped_per_candidate(api):
    cid = _create(api).json()["id"]
    many = [
        {"ip": "10.0.0.1", "seen_at": f"2026-01-01T00:{m:02d}:{s:02d}Z", "kind": "login"}
        for m in range(17)
        for s in range(60)
    ][:1000]
    error = assert_error(
        api.post(f"{URL}{cid}/sessions/", {"sessions": many}), 400, "validation_error"
    )
    assert "sessions" in error["fields"]
    assert Session.objects.filter(candidate_id=cid).count() == 1


def test_observation_is_201_and_scored(api, django_capture_on_commit_callbacks):
    cid = _create(api, capture=django_capture_on_commit_callbacks).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"{URL}{cid}/observations/",
            {"code": "interview.camera_refused", "note": "Camera off twice"},
        )
    assert response.status_code == 201
    assert response.json()["code"] == "interview.camera_refused"
    signals = api.get(f"{URL}{cid}/").json()["assessment"]["signals"]
    assert [s["code"] for s in signals] == ["interview.camera_refused"]
    assert signals[0]["check"] == "interview"
    error = assert_error(
        api.post(f"{URL}{cid}/observations/", {"code": "interview.nope"}), 400, "validation_error"
    )
    assert "code" in error["fields"]


def test_every_interview_code_is_accepted_and_scored(api, django_capture_on_commit_callbacks):
    """The API accepts exactly the interview check's codes, and each becomes its signal."""
    cid = _create(api, capture=django_capture_on_commit_callbacks).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        for code in InterviewCheck.codes:
            assert api.post(f"{URL}{cid}/observations/", {"code": code}).status_code == 201
    signals = api.get(f"{URL}{cid}/").json()["assessment"]["signals"]
    assert {s["code"] for s in signals} == set(InterviewCheck.codes)


def test_reassess_is_202_and_history_is_newest_first(api, django_capture_on_commit_callbacks):
    cid = _create(api, capture=django_capture_on_commit_callbacks).json()["id"]
    response = api.post(f"{URL}{cid}/reassess/")
    assert response.status_code == 202
    assert response.json()["assessment"]["status"] == "pending"
    again = api.post(f"{URL}{cid}/reassess/")  # while that one is pending: it joins it
    assert again.status_code == 202
    assert again.json()["assessment"] == response.json()["assessment"]
    history = api.get(f"{URL}{cid}/assessments/").json()
    assert [a["trigger"] for a in history["results"]] == ["manual", "upsert"]
    assert [a["seq"] for a in history["results"]] == [2, 1]
    page = api.get(f"{URL}{cid}/assessments/", {"limit": "1"}).json()
    assert page["has_more"] and len(page["results"]) == 1
    rest = api.get(f"{URL}{cid}/assessments/", {"limit": "1", "cursor": page["next_cursor"]})
    assert rest.json()["results"][0]["trigger"] == "upsert"
    assert_error(api.get(f"{URL}{cid}/assessments/", {"cursor": "zz"}), 400, "validation_error")


def test_related_candidates_show_external_id_only_for_own(
    api, other_api, django_capture_on_commit_callbacks
):
    # Link detection spans clients; only the caller's own related candidates are named. Each
    # is keyed by its assessment (the worker's first step), so those run too.
    capture = django_capture_on_commit_callbacks
    own_other = _create(api, {**contract_example(), "external_id": "ats-2"}, capture).json()["id"]
    foreign = _create(other_api, contract_example(), capture).json()["id"]
    mine = _create(
        api,
        {**contract_example(), "external_id": "ats-3"},
        capture=django_capture_on_commit_callbacks,
    ).json()["id"]
    signals = api.get(f"{URL}{mine}/").json()["assessment"]["signals"]
    linked = [s for s in signals if s["code"].startswith("link.")]
    assert linked, signals
    by_id = {r["id"]: r["external_id"] for s in linked for r in s["related_candidates"]}
    assert by_id == {own_other: "ats-2"}  # the other client's candidate stays invisible
    assert foreign not in json.dumps(signals)
    assert all(s["related_count"] >= len(s["related_candidates"]) for s in linked)
    assert all(s["check"] == "link" for s in linked)


def test_signal_catalogue_lists_codes_with_points(api):
    body = api.get("/api/v1/signals/").json()
    codes = {row["code"]: row for row in body["results"]}
    assert "interview.camera_refused" in codes and "phone.voip" in codes
    row = codes["interview.camera_refused"]
    assert row["check"] == "interview" and row["default_points"] == 30
    assert row["points"] is not None and row["guidance"]


@pytest.mark.parametrize(
    "bad_id", ["not-a-uuid", "1", "00000000-0000-0000-0000-000000000000", "%00", "x" * 300]
)
def test_bad_or_unknown_ids_are_404(api, bad_id):
    assert_error(api.get(f"{URL}{bad_id}/"), 404, "not_found")
    assert_error(api.post(f"{URL}{bad_id}/reassess/"), 404, "not_found")


def test_refused_update_stores_no_image(api, settings):
    from pathlib import Path

    _create(api)
    before = Image.objects.count()
    many = [
        {"ip": "10.0.0.1", "seen_at": f"2026-01-01T00:{m:02d}:{s:02d}Z", "kind": "login"}
        for m in range(17)
        for s in range(60)
    ][:1000]
    body = {"external_id": "ats-12345", "photo": image_b64("PNG", (30, 30)), "sessions": many}
    assert_error(api.post(URL, body), 400, "validation_error")
    assert Image.objects.count() == before
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(stored) == before
