"""Documents: MRZ validity, MRZ against profile and document fields, expiry."""

from __future__ import annotations

from datetime import date

from checks.base import Context
from checks.documents import DocumentsCheck
from tests.checks.subjects import ICAO_TD1, ICAO_TD3, document, example

CHECK = DocumentsCheck()
# The contract example's MRZ with the expiry's check digit broken.
BAD_MRZ = (
    "P<USAERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n5841207393USA7408122F3204154<<<<<<<<<<<<<<00"
)
ENGINE_CASES = {
    "document.mrz_invalid": {"documents": (document(mrz=BAD_MRZ),)},
    "document.mrz_mismatch": {"date_of_birth": date(1980, 1, 1)},
    "document.expired": {"documents": (document(expires_on=date(2025, 1, 1)),)},
}


def _run(**changes):
    found = CHECK.run(example(**changes), DocumentsCheck.Params(), Context())
    return {f.code: f for f in found}


def test_contract_example_document_is_consistent():
    assert _run() == {}


def test_icao_specimen_is_expired_by_its_mrz():
    doc = document(mrz=ICAO_TD3, number="L898902C3", issuing="UTO", expires_on=None)
    found = _run(documents=(doc,), nationality="UTO")
    assert found["document.expired"].evidence == {
        "document_kind": "passport",
        "expires_on": "2012-04-15",
        "read_from": "mrz",
        "number_last4": "02C3",
    }
    assert set(found) == {"document.expired"}


def test_mismatches_name_dates_nationality_number_expiry():
    doc = document(
        mrz=ICAO_TD1, number="X0000000", issuing="USA", expires_on=date(2030, 1, 1), kind="id_card"
    )
    found = _run(documents=(doc,), full_name="Kim Chol", date_of_birth=date(1990, 1, 1))
    evidence = found["document.mrz_mismatch"].evidence
    assert evidence["fields"] == [
        "birth_date",
        "expiry_date",
        "issuing_country",
        "name",
        "nationality",
        "number",
    ]
    assert evidence["differences"]["number"] == {"mrz_last4": "5890", "document_last4": "0000"}


def test_nationality_spelled_alpha2_matches_alpha3():
    assert _run(nationality="US") == {}


def test_invalid_mrz_and_wrong_line_lengths():
    bad_digit = document(
        mrz=ICAO_TD3.replace("ZE184226B", "ZE184226C"),
        number="L898902C3",
        issuing="UTO",
        expires_on=date(2030, 1, 1),
    )
    found = _run(documents=(bad_digit,), nationality="UTO")
    assert "check digit: optional" in found["document.mrz_invalid"].evidence["errors"]
    short = document(mrz="P<USAERIKSSON<<ANNA\n5841207393USA")
    found = _run(documents=(short,))
    assert found["document.mrz_invalid"].evidence["format"] is None


def test_expired_by_document_field_and_no_mrz():
    found = _run(documents=(document(mrz="", expires_on=date(2026, 11, 19)),))
    assert found["document.expired"].evidence["read_from"] == "document"
    assert _run(documents=(document(mrz="", expires_on=date(2026, 11, 20)),)) == {}


def test_truncated_mrz_name_is_not_a_mismatch():
    from checks.mrz import check_digit

    names = "WOLFESCHLEGELSTEINHAUSEN<<ANNA<MARIA<ELISABETH"[:39]
    line1 = f"P<USA{names}"
    line2 = "5841207393USA7408122F3204153<<<<<<<<<<<<<<0"
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    doc = document(mrz=f"{line1}\n{line2}")
    assert doc.mrz_facts["names_truncated"] is True
    assert doc.mrz_facts["given_names"] == "ANNA MARIA EL"
    assert _run(documents=(doc,), full_name="Anna Maria Elisabeth Wolfeschlegelsteinhausen") == {}
