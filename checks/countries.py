"""Country code conversions from pycountry's ISO 3166 data."""

from functools import cache

import pycountry


def claimed_country(claimed_location: dict | None, home_address: dict | None) -> str:
    """The contract's claimed country: claimed_location.country, else home_address.country."""
    country = (claimed_location or {}).get("country") or (home_address or {}).get("country")
    return (country or "").upper()


@cache
def _country(code: str):  # -> pycountry's country record or None
    code = (code or "").strip().upper()
    if code == "D":  # ICAO 9303's code for Germany
        code = "DEU"
    if len(code) == 2:
        return pycountry.countries.get(alpha_2=code)
    if len(code) == 3:
        return pycountry.countries.get(alpha_3=code)
    return None


def to_alpha3(code: str) -> str | None:
    country = _country(code)
    return country.alpha_3 if country else None


def to_alpha2(code: str) -> str | None:
    country = _country(code)
    return country.alpha_2 if country else None


@cache
def is_alpha2(code: str) -> bool:
    return len(code or "") == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


# Time zones per country come from the tz database's zone1970.tab and zone.tab, shipped by the
# `tzdata` package (the IANA release it names; no network). zone1970.tab lists every country a
# zone covers since 1970; zone.tab adds the one-country aliases (e.g. Europe/Oslo for NO).
_TZ_TABLES = ("zone1970.tab", "zone.tab")


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    from importlib import resources

    found: dict[str, set[str]] = {}
    for table in _TZ_TABLES:
        text = resources.files("tzdata").joinpath("zoneinfo", table).read_text("utf-8")
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            codes, _coords, zone = line.split("\t")[:3]
            for code in codes.split(","):
                found.setdefault(code, set()).add(zone)
    return {code: tuple(sorted(zones)) for code, zones in found.items()}


def zones_for_country(code: str) -> tuple[str, ...]:
    """IANA zones in use in a country (alpha-2 or alpha-3); () when unknown."""
    alpha2 = to_alpha2(code or "")
    return _zones_by_country().get(alpha2 or "", ())


@cache  # reading package metadata costs milliseconds; the version cannot change while running
def tz_data_version() -> str:
    from importlib.metadata import version

    return f"tzdata {version('tzdata')}"


def iban_country(iban: str) -> str:
    """The ISO alpha-2 country of a valid IBAN (schwifty checks its length, bank-code format and
    check digits against the registry); "" when it is not one, so garbage decides nothing."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        return IBAN(iban or "").country_code
    except (SchwiftyException, ValueError):
        return ""
