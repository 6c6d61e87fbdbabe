"""Keyed hashes of sensitive numbers, as the contract defines them."""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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


def _hmac(message: str) -> str:
    if not settings.HASH_KEY:  # production without VETTING_HASH_KEY (system check vetting.E002)
        raise ImproperlyConfigured("VETTING_HASH_KEY is not set")
    return hmac.new(settings.HASH_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def country_alpha3(code: str) -> str:
    """ISO alpha-3 for an alpha-2, alpha-3 or ICAO code; unknown codes come back upper-cased."""
    from checks.countries import to_alpha3  # a data table shared with the checks

    code = (code or "").strip().upper()
    return _ICAO_TO_ISO3.get(code) or to_alpha3(code) or code


def document_number_canonical(number: str) -> str:
    return _STRIP.sub("", number or "").upper()


def document_number_key(issuing_country: str, number: str) -> str:
    return _hmac(f"{country_alpha3(issuing_country)}:{document_number_canonical(number)}")


def payout_account_key(bank_country: str, bank_part: str, account_digits: str) -> str:
    digits = re.sub(r"\D", "", account_digits or "")
    bank = re.sub(r"[\s\-]", "", bank_part or "").upper()
    return _hmac(f"{(bank_country or '').upper()}:{bank}:{digits}")


def last4(value: str) -> str:
    return _STRIP.sub("", value or "")[-4:]
