"""Equipment shipping address against the home address.

DPRK IT-worker schemes ship company laptops to "laptop farms" run by facilitators, so a shipping
address in another country or city than home is worth a recruiter's question. Comparison is
case, whitespace and accent-insensitive; a missing shipping address is no evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.base import Check, Code, Context, Finding, Subject
from checks.countries import to_alpha2
from checks.evidence import Field
from checks.guidance import JOINT_2022_EQUIPMENT
from checks.names import normalise_text
from checks.params import param


class AddressCheck(Check):
    name = "address"
    evidence_fields = {
        "differs": Field("Differs in"),
        "home": Field("Home"),
        "shipping": Field("Shipping to"),
        "city": Field("City"),
        "country": Field("Country"),
    }
    codes = {
        "address.shipping_mismatch": Code(
            "Equipment shipping address is in another country or city than home",
            30,
            "medium",
            JOINT_2022_EQUIPMENT,
        ),
    }

    @dataclass(frozen=True)
    class Params:
        compare_city: bool = param(True, "Another city counts too (off: only another country)")

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        home, ship = subject.home_address or {}, subject.shipping_address or {}
        if not home or not ship:
            return []
        differs = []
        home_country, ship_country = _country(home), _country(ship)
        if home_country and ship_country and home_country != ship_country:
            differs.append("country")
        home_city, ship_city = (
            normalise_text(home.get("city") or ""),
            normalise_text(ship.get("city") or ""),
        )
        if params.compare_city and home_city and ship_city and home_city != ship_city:
            differs.append("city")
        if not differs:
            return []
        where = ", ".join(p for p in (ship.get("city"), ship.get("country")) if p)
        return [
            Finding(
                "address.shipping_mismatch",
                f"Equipment would ship to {where}, not the home address's {' and '.join(differs)}",
                {
                    "differs": differs,
                    "home": {"city": home.get("city") or "", "country": home_country},
                    "shipping": {"city": ship.get("city") or "", "country": ship_country},
                },
            )
        ]


def _country(address: dict) -> str:
    raw = (address.get("country") or "").strip()
    return to_alpha2(raw) or raw.upper()
