"""Canonical forms of identifiers before they are keyed or masked: country codes as documents
print them, document numbers, the last four characters a recruiter may see."""

from __future__ import annotations

import re

from checks.countries import to_alpha3

# ICAO 9303 codes that are not ISO 3166 alpha-3, mapped to the ISO code they stand for.
_ICAO_TO_ISO3 = {
    "D": "DEU",
    "GBD": "GBR",
    "GBN": "GBR",
    "GBO": "GBR",
    "GBP": "GBR",
    "GBS": "GBR",
    "EUE": "EUE",
    "UNO": "UNO",
    "UNA": "UNA",
    "UNK": "UNK",
    "XXA": "XXA",
    "XXB": "XXB",
    "XXC": "XXC",
    "XXX": "XXX",
}
_STRIP = re.compile(r"[\s\-<]")


def country_alpha3(code: str) -> str:
    """ISO alpha-3 for an alpha-2, alpha-3 or ICAO code; unknown codes come back upper-cased."""
    code = (code or "").strip().upper()
    return _ICAO_TO_ISO3.get(code) or to_alpha3(code) or code


def document_number_canonical(number: str) -> str:
    return _STRIP.sub("", number or "").upper()


def last4(value: str) -> str:
    return _STRIP.sub("", value or "")[-4:]
