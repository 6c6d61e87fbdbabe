"""Country code conversions from pycountry's ISO 3166 data."""

from functools import cache

import pycountry


@cache
def to_alpha3(code: str) -> str | None:
    code = (code or "").strip().upper()
    if len(code) == 2:
        country = pycountry.countries.get(alpha_2=code)
    elif len(code) == 3:
        country = pycountry.countries.get(alpha_3=code)
    else:
        return None
    return country.alpha_3 if country else None


@cache
def to_alpha2(code: str) -> str | None:
    code = (code or "").strip().upper()
    if code == "D":
        return "DE"
    if len(code) == 2:
        country = pycountry.countries.get(alpha_2=code)
    elif len(code) == 3:
        country = pycountry.countries.get(alpha_3=code)
    else:
        return None
    return country.alpha_2 if country else None


@cache
def is_alpha2(code: str) -> bool:
    return len(code or "") == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None
