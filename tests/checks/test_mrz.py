"""MRZ ingest on the ICAO Doc 9303 specimens (Part 4 TD3, Part 5 TD1, Part 6 TD2)."""

from __future__ import annotations

import pytest

from candidates.crypto import document_number_key
from checks.mrz import check_digit, mrz_ingest, mrz_parse
from tests.checks.subjects import EXAMPLE_MRZ, ICAO_TD1, ICAO_TD2, ICAO_TD3


def test_check_digits_of_the_specimens():
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"
    assert check_digit("D23145890") == "7"
    assert check_digit("a") is None


@pytest.mark.parametrize(
    ("mrz", "fmt", "number"),
    [
        (ICAO_TD3, "TD3", "L898902C3"),
        (ICAO_TD2, "TD2", "D23145890"),
        (ICAO_TD1, "TD1", "D23145890"),
        (EXAMPLE_MRZ, "TD3", "584120739"),
    ],
)
def test_specimens_parse_and_pass(mrz, fmt, number):
    masked, facts = mrz_ingest(mrz, number_key=document_number_key)
    assert facts["valid"] is True, facts["errors"]
    assert facts["format"] == fmt
    assert (facts["surname"], facts["given_names"]) == ("ERIKSSON", "ANNA MARIA")
    assert facts["birth_date"] == "1974-08-12"
    assert all(facts["check_digits"].values())
    assert facts["number_last4"] == number[-4:]
    assert facts["number_key"] == document_number_key(facts["issuing_state"], number)
    assert "sex" not in facts
    assert number not in masked and "*" in masked
    assert masked.count("\n") == mrz.count("\n")


def test_masked_mrz_still_parses_without_judging_the_number():
    masked, _ = mrz_ingest(ICAO_TD3, number_key=document_number_key)
    facts = mrz_parse(masked)
    assert facts["check_digits"]["number"] is None
    assert facts["check_digits"]["composite"] is None
    assert facts["valid"] is True


@pytest.mark.parametrize(
    ("mrz", "error"),
    [
        (ICAO_TD3[:-1] + "9", "check digit: composite"),
        (ICAO_TD3.replace("L898902C36", "L898902C37"), "check digit: number"),
        (ICAO_TD3.replace("7408122", "7408123"), "check digit: birth_date"),
        (ICAO_TD1.replace("1204159", "1204158"), "check digit: expiry_date"),
        (ICAO_TD3.replace("7408122", "7413322"), "birth date '741332' is not a date"),
        (ICAO_TD3[:-1], "structure"),
        ("P<UTO\nTOO SHORT", "structure"),
        ("", "structure"),
    ],
)
def test_failures_are_reported_not_raised(mrz, error):
    _, facts = mrz_ingest(mrz, number_key=document_number_key)
    assert facts["valid"] is False
    assert any(e.startswith(error) for e in facts["errors"]), facts["errors"]


def test_unreadable_mrz_keeps_no_number_text():
    masked, facts = mrz_ingest("P<UTO 123456789 nonsense", number_key=document_number_key)
    assert not any(ch.isalnum() for ch in masked)
    assert facts["format"] is None


def test_td1_long_document_number_continues_in_the_optional_field():
    digit = check_digit("D23145890AB")  # ICAO 9303 Part 5: "<" at 15, number then its digit
    line1 = f"I<UTOD23145890<AB{digit}" + "<" * 12
    line2 = "7408122F1204159UTO<<<<<<<<<<<"
    composite = check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    mrz = f"{line1}\n{line2}{composite}\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
    masked, facts = mrz_ingest(mrz, number_key=document_number_key)
    assert facts["valid"] is True, facts["errors"]
    assert facts["number_key"] == document_number_key("UTO", "D23145890AB")
    assert "AB" not in masked.splitlines()[0]
