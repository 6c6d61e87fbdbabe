"""The contract's v1.1 fields: stored, returned, masked and erased as it says."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from candidates.crypto import payout_handle_key
from candidates.models import Candidate, ContactChange, ResumeFile
from tests import factories
from tests.api.conftest import assert_error
from tests.resume_files import b64, docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db
URL = "/api/v1/candidates/"
WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"  # EIP-55's own example address
RESUME = "Anna Maria Eriksson\nBackend engineer, St. Louis\nGo, Python, PostgreSQL since 2012"


def _body(**changes) -> dict:
    return {
        **factories.contract_example(),
        "stage": "interviewing",
        "vendor": "Northwind Staffing LLC",
        "referred_by": {"external_id": "ats-999", "name": "Sam Lee", "email": "sam@example.com"},
        "references": [
            {
                "name": "Jo Park",
                "email": "jo.park@example.org",
                "phone": "+1 314 200 0188",
                "relationship": "manager",
            }
        ],
        "resume_file": {
            "filename": "Anna_Eriksson_CV.pdf",
            "content": "data:application/pdf;base64,"
            + b64(
                pdf_bytes(
                    RESUME, author="Anna Eriksson", creator="Writer", producer="LibreOffice 7.6"
                )
            ),
        },
        **changes,
    }


def test_v1_1_fields_round_trip_with_secrets_masked(api, other_api):
    body = _body(resume_text=None)
    body["payout"] = {
        **body["payout"],
        "method": "crypto",
        "wallet_address": WALLET,
        "account_email": "Pay.Anna@Example.net",
    }
    response = api.post(URL, body)
    assert response.status_code == 201, response.content[:400]
    got = api.get(f"{URL}{response.json()['id']}/").json()
    assert (got["stage"], got["vendor"]) == ("interviewing", "Northwind Staffing LLC")
    assert got["referred_by"]["external_id"] == "ats-999"
    assert got["references"][0]["relationship"] == "manager"
    payout = got["payout"]
    assert payout["method"] == "crypto"
    assert (payout["wallet_address_last4"], payout["account_email_last4"]) == ("9EE7", ".net")
    raw = str(got) + str(Candidate.objects.filter(pk=got["id"]).values().first())
    assert WALLET not in raw and WALLET.lower() not in raw and "pay.anna@" not in raw.lower()
    stored = Candidate.objects.get(pk=got["id"])
    assert stored.payout_wallet_key == payout_handle_key("wallet", WALLET.lower())
    assert stored.payout_account_email_key == payout_handle_key("email", "pay.anna@example.net")
    # the resume file: described, its text used as resume_text (none was sent), metadata kept
    described = got["resume_file"]
    assert set(described) == {"sha256", "content_type", "filename", "metadata"}
    assert described["content_type"] == "application/pdf"
    assert described["metadata"]["author"] == "Anna Eriksson"
    assert described["metadata"]["producer"] == "LibreOffice 7.6"
    assert described["metadata"]["created"] == "2026-03-01T12:00:00Z"
    assert got["resume_text"].startswith("Anna Maria Eriksson\nBackend engineer")
    assert other_api.get(f"{URL}{got['id']}/").status_code == 404


def test_a_payout_without_a_method_is_a_bank_payout(api):
    got = api.post(URL, factories.contract_example()).json()
    assert got["payout"]["method"] == "bank"
    assert got["payout"]["wallet_address_last4"] is None
    assert got["stage"] is None and got["resume_file"] is None


def test_a_docx_resume_and_sent_text_wins(api):
    docx = docx_bytes(RESUME, author="Kim Lee", last_modified_by="Kim Lee")
    body = _body(resume_file={"filename": "cv.docx", "content": b64(docx)})
    got = api.post(URL, body).json()
    assert got["resume_file"]["metadata"]["last_modified_by"] == "Kim Lee"
    assert got["resume_file"]["content_type"].endswith("wordprocessingml.document")
    assert got["resume_text"] == factories.contract_example()["resume_text"]  # sent: kept


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b64(b"GIF89a not a resume"), "PDF or a DOCX"),
        (b64(pdf_bytes(RESUME)[:200]), "readable PDF"),
        (b64(b"PK\x03\x04" + b"\x00" * 60), "readable DOCX"),
        ("%%% not base64 %%%", "base64"),
        ("", "blank"),
    ],
)
def test_a_bad_resume_file_is_a_400_at_its_field_and_stores_nothing(api, content, why):
    response = api.post(URL, _body(resume_file={"filename": "cv.pdf", "content": content}))
    error = assert_error(response, 400, "validation_error")
    assert any(k.startswith("resume_file") for k in error["fields"]), error
    assert why.lower() in str(error["fields"]).lower()
    assert not Candidate.objects.exists() and not ResumeFile.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"stage": "ghosted"},
        {"references": [{"name": "x"}] * 11},
        {"references": [{"name": "x", "salary": 1}]},
        {"payout": {"method": "cash"}},
        {"vendor": "v" * 201},
        {"referred_by": {"external_id": 5}},
    ],
)
def test_malformed_v1_1_values_are_400s(api, change):
    assert_error(api.post(URL, _body(**change)), 400, "validation_error")


def test_null_clears_and_erasure_removes_the_resume_file(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cid = api.post(URL, _body()).json()["id"]
    name = ResumeFile.objects.get().file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        got = api.post(URL, {"external_id": "ats-12345", "resume_file": None}).json()
    assert got["resume_file"] is None and not ResumeFile.objects.exists()
    assert not default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(URL, _body(phone="+1 314 200 0199"))
    name = ResumeFile.objects.get().file.name
    assert ContactChange.objects.filter(candidate_id=cid).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"{URL}{cid}/").status_code == 204
    assert not ResumeFile.objects.exists() and not default_storage.exists(name)
    assert not ContactChange.objects.filter(candidate_id=cid).exists()
