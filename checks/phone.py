"""Phone number checks with libphonenumber (the `phonenumbers` package, offline metadata).

The numbering plan tells a number's country, validity, type and the time zones its prefix
serves. It cannot tell VoIP from mobile where a plan mixes them (+1 numbers are
FIXED_LINE_OR_MOBILE), so a deployer may plug in a carrier lookup: a class named by
settings.VETTING_PHONE_LINE_TYPE_PROVIDER implementing `LineTypeProvider`. Off by default.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers import timezone as pn_timezone

from checks.base import Check, Code, Context, Finding, Subject
from checks.countries import is_alpha2
from checks.evidence import Field
from checks.guidance import FBI_2023, JOINT_2022, JOINT_2022_HOURS
from checks.params import param
from checks.places import claimed_zones
from checks.timezone import utc_offsets

log = logging.getLogger(__name__)
SOURCE = f"libphonenumber metadata (phonenumbers {phonenumbers.__version__})"

# Number types that are not a subscriber line in a place (and the code each raises).
_TYPE_CODES = {
    PhoneNumberType.VOIP: "phone.voip",
    PhoneNumberType.PERSONAL_NUMBER: "phone.personal_number",
    PhoneNumberType.UAN: "phone.uan",
    PhoneNumberType.PREMIUM_RATE: "phone.premium_rate",
    PhoneNumberType.TOLL_FREE: "phone.non_geographic",
    PhoneNumberType.SHARED_COST: "phone.non_geographic",
    PhoneNumberType.PAGER: "phone.non_geographic",
    PhoneNumberType.VOICEMAIL: "phone.non_geographic",
}
_TYPE_NAMES = {v: k for k, v in vars(PhoneNumberType).items() if isinstance(v, int)}


class LineTypeProvider(Protocol):
    """A carrier lookup: the line type of an E.164 number ("voip", "mobile", "fixed_line", ...)
    and the provider's name for the evidence; None when it does not know."""

    name: str

    def line_type(self, e164: str) -> str | None: ...


@cache
def _provider(dotted_path: str) -> LineTypeProvider | None:
    from django.utils.module_loading import import_string

    return import_string(dotted_path)() if dotted_path else None


def line_type_provider() -> LineTypeProvider | None:
    from django.conf import settings

    return _provider(getattr(settings, "VETTING_PHONE_LINE_TYPE_PROVIDER", "") or "")


class PhoneCheck(Check):
    name = "phone"
    evidence_fields = {
        "phone": Field("Phone"),
        "reason": Field("Why"),
        "number_type": Field("Number type"),
        "line_type": Field("Line type"),
        "phone_country": Field("Phone's country"),
        "claimed_country": Field("Claimed country"),
        "number_zones": Field("Time zones the number serves"),
        "claimed_timezone": Field("Claimed time zone"),
        "source": Field("Source"),
    }
    codes = {
        "phone.invalid": Code(
            "The phone number does not parse or is not a valid number", 15, "low", JOINT_2022
        ),
        "phone.voip": Code(
            "The number is a VoIP (internet telephony) number", 30, "medium", JOINT_2022
        ),
        "phone.personal_number": Code(
            "The number is a personal (follow-me, forwarding) number, not a line in a place",
            20,
            "low",
            JOINT_2022,
        ),
        "phone.uan": Code(
            "The number is a universal access number of an organisation", 15, "low", JOINT_2022
        ),
        "phone.premium_rate": Code("The number is a premium-rate number", 20, "low", JOINT_2022),
        "phone.non_geographic": Code(
            "The number is toll-free, shared-cost, pager, voicemail or a global service number",
            15,
            "low",
            JOINT_2022,
        ),
        "phone.country_mismatch": Code(
            "The phone's country differs from the claimed country", 25, "medium", FBI_2023
        ),
        "phone.timezone_mismatch": Code(
            "The time zones the number's prefix serves do not include the claimed time zone",
            10,
            "low",
            JOINT_2022_HOURS,
        ),
    }

    @dataclass(frozen=True)
    class Params:
        check_timezone: bool = param(
            True, "Compare the number's time zones with the claimed location's (timezone.*)"
        )
        use_line_type_provider: bool = param(
            True, "Ask the configured line-type provider when libphonenumber cannot tell VoIP"
        )

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        if not subject.phone:
            return []
        number, failure = _parse(subject.phone, subject.claimed_country)
        if number is None:
            return [failure] if failure else []
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        findings = _type_findings(number, e164, params)
        findings += _country_findings(number, e164, subject.claimed_country)
        claim = claimed_zones(subject.claimed_location, subject.home_address)
        # One zone, sent or the claimed city's: a whole country's zones would prove nothing.
        if params.check_timezone and claim.source in ("claimed", "city") and len(claim.zones) == 1:
            findings += _timezone_findings(number, e164, claim.zone, subject.now)
        return findings


def _parse(raw: str, claimed: str) -> tuple[Any, Finding | None]:
    region = claimed if is_alpha2(claimed) else None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        return None, Finding(
            "phone.invalid",
            f"Phone {raw!r} does not parse: {exc}",
            {"phone": raw, "reason": str(exc), "source": SOURCE},
        )
    if not phonenumbers.is_valid_number(number):
        return None, Finding(
            "phone.invalid",
            f"Phone {raw!r} is not a valid number",
            {"phone": raw, "reason": "not a valid number", "source": SOURCE},
        )
    return number, None


def _type_findings(number: Any, e164: str, params: PhoneCheck.Params) -> list[Finding]:
    kind = phonenumbers.number_type(number)
    code = _TYPE_CODES.get(kind)
    type_name = _TYPE_NAMES.get(kind, str(kind))
    if code is None and phonenumbers.region_code_for_number(number) == "001":
        code = "phone.non_geographic"  # a global service (+800, +808, +881...): no country
    if code is not None:
        return [
            Finding(
                code,
                f"Phone {e164} is a {type_name.lower().replace('_', ' ')} number",
                {"phone": e164, "number_type": type_name, "source": SOURCE},
            )
        ]
    provider = line_type_provider() if params.use_line_type_provider else None
    if provider is None:
        return []
    try:
        line = provider.line_type(e164)
    except Exception:  # a carrier lookup failing must not fail the assessment
        log.warning("line type provider failed for a number", exc_info=True)
        return []
    if line == "voip":
        return [
            Finding(
                "phone.voip",
                f"Phone {e164} is a VoIP line (carrier lookup)",
                {
                    "phone": e164,
                    "number_type": type_name,
                    "line_type": line,
                    "source": getattr(provider, "name", type(provider).__name__),
                },
            )
        ]
    return []


def _country_findings(number: Any, e164: str, claimed: str) -> list[Finding]:
    region = phonenumbers.region_code_for_number(number)
    if not claimed or not is_alpha2(claimed) or region in (None, "001", "ZZ"):
        return []
    if phonenumbers.is_valid_number_for_region(number, claimed):
        return []
    return [
        Finding(
            "phone.country_mismatch",
            f"Phone {e164} is a {region} number; the candidate claims {claimed}",
            {"phone": e164, "phone_country": region, "claimed_country": claimed, "source": SOURCE},
        )
    ]


def _timezone_findings(number: Any, e164: str, claimed_tz: str, now: datetime) -> list[Finding]:
    zones = [z for z in pn_timezone.time_zones_for_number(number) if z != "Etc/Unknown"]
    claimed_offsets = utc_offsets([claimed_tz], now)
    number_offsets = utc_offsets(zones, now)
    if not zones or not claimed_offsets or not number_offsets:
        return []  # unknown zones are no evidence
    if claimed_offsets & number_offsets:
        return []
    return [
        Finding(
            "phone.timezone_mismatch",
            f"Phone {e164} serves {', '.join(zones[:3])}, not the claimed {claimed_tz}",
            {
                "phone": e164,
                "number_zones": list(zones),
                "claimed_timezone": claimed_tz,
                "source": SOURCE,
            },
        )
    ]
