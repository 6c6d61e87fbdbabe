"""Keyed hashes of sensitive numbers, as the contract defines them."""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from checks.identifiers import country_alpha3, document_number_canonical


def _hmac(message: str) -> str:
    if not settings.HASH_KEY:  # production without VETTING_HASH_KEY (system check vetting.E002)
        raise ImproperlyConfigured("VETTING_HASH_KEY is not set")
    return hmac.new(settings.HASH_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def document_number_key(issuing_country: str, number: str) -> str:
    return _hmac(f"{country_alpha3(issuing_country)}:{document_number_canonical(number)}")


def payout_account_key(bank_country: str, bank_part: str, account_digits: str) -> str:
    digits = re.sub(r"\D", "", account_digits or "")
    bank = re.sub(r"[\s\-]", "", bank_part or "").upper()
    return _hmac(f"{(bank_country or '').upper()}:{bank}:{digits}")


def payout_handle_key(kind: str, value: str) -> str:
    """A platform account email or a crypto wallet address: case folded where case carries no
    meaning (emails, hex and bech32 addresses), spaces removed."""
    handle = re.sub(r"\s", "", value or "")
    if kind == "email" or handle[:2].lower() == "0x" or handle[:4].lower() in ("bc1q", "bc1p"):
        handle = handle.lower()
    return _hmac(f"{kind}:{handle}")
