"""The explicit list of checks: the single source of every code's defaults and every check's
parameters (README, "Adding a check"). `manage.py migrate` brings the active rule set up to it."""

from checks.address import AddressCheck
from checks.base import Check, Code
from checks.documents import DocumentsCheck
from checks.email import EmailCheck
from checks.evidence import Field
from checks.history import HistoryCheck
from checks.interview import InterviewCheck
from checks.ip import IpCheck
from checks.links.check import LinkCheck
from checks.payout import PayoutCheck
from checks.phone import PhoneCheck
from checks.timezone import TimezoneCheck
from checks.vendor import VendorCheck

CHECKS: tuple[Check, ...] = (
    PhoneCheck(),
    EmailCheck(),
    IpCheck(),
    TimezoneCheck(),
    AddressCheck(),
    PayoutCheck(),
    DocumentsCheck(),
    InterviewCheck(),
    HistoryCheck(),
    VendorCheck(),
    LinkCheck(),
)

_CODES: dict[str, tuple[str, Code]] = {
    code: (check.name, info) for check in CHECKS for code, info in check.codes.items()
}


_BY_NAME: dict[str, Check] = {check.name: check for check in CHECKS}


def evidence_fields_for(code: str) -> dict[str, Field]:
    """How the evidence of `code` reads (its check's declaration; {} for an unknown code)."""
    entry = _CODES.get(code)
    return _BY_NAME[entry[0]].evidence_fields if entry else {}


def code_info(code: str) -> Code | None:
    entry = _CODES.get(code)
    return entry[1] if entry else None


def catalogue() -> list[tuple[str, str, Code]]:
    """(code, check name, info) for every code any check may raise, sorted by code."""
    return sorted(
        ((code, name, info) for code, (name, info) in _CODES.items()), key=lambda row: row[0]
    )
