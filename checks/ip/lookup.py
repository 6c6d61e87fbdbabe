"""Offline facts about an IP address: is it usable, its country, its network, its origin kind.

Sources, loaded lazily once per process (never at import, so the web process pays nothing
until an assessment needs them):
- country and network (ASN owner): MaxMind databases named by settings.VETTING_GEOIP_CITY_DB /
  VETTING_GEOIP_ASN_DB (`geoip2` reader) when set, else the GeoLite2 country+ASN snapshot bundled
  in `geoip2fast` (MaxMind GeoLite2 CSV of 2024-06-18; about 0.2 s and 120 MB to load);
- origin kind (hosting / cdn / vpn / tor / bot / unknown): the `iporigin` range table compiled
  from the providers' published feeds (build date in `source_info()`).
"Unknown" means "not in our data", never "residential".
"""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

_lock = threading.Lock()
_NOT_FOUND = {"", "--"}


@dataclass(frozen=True, slots=True)
class IpInfo:
    ip: str
    problem: str = ""  # why the address is unusable: unparseable, private, loopback, ...
    country: str = ""  # ISO alpha-2; "" when unknown
    network: str = ""  # the ASN's owner as registered
    asn: int | None = None  # only from a MaxMind ASN database
    kind: str = "unknown"  # iporigin kind
    provider: str = ""  # iporigin provider name
    # Only from a MaxMind City database: the city's point and MaxMind's radius around it.
    latitude: float | None = None
    longitude: float | None = None
    accuracy_km: int | None = None


def address_problem(text: str) -> tuple[Any, str]:
    """(parsed address or None, "" or why it cannot be a public client address)."""
    try:
        address = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None, "unparseable"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    for attribute in (
        "is_unspecified",
        "is_loopback",
        "is_link_local",
        "is_multicast",
        "is_reserved",
        "is_private",
    ):
        if getattr(address, attribute):
            return address, attribute.removeprefix("is_").replace("_", "-")
    if not address.is_global:
        return address, "not-global"  # e.g. shared address space 100.64.0.0/10
    return address, ""


def ip_lookup(text: str) -> IpInfo:
    address, problem = address_problem(text)
    if address is None or problem:
        return IpInfo(ip=(text or "")[:64], problem=problem)
    ip = str(address)
    geo = _geo(ip)
    import iporigin

    origin = iporigin.classify(address)
    return IpInfo(ip=ip, kind=origin.kind, provider=origin.provider, **geo)


def _geo(ip: str) -> dict[str, Any]:
    readers = _maxmind()
    if readers is not None:
        return _geo_maxmind(readers, ip)
    result = _geoip2fast().lookup(ip)
    country = result.country_code if result.country_code not in _NOT_FOUND else ""
    return {"country": country, "network": result.asn_name or "", "asn": None}


def _geo_maxmind(readers: tuple[Any, Any], ip: str) -> dict[str, Any]:
    import geoip2.errors

    city_reader, asn_reader = readers
    found: dict[str, Any] = {"country": ""}
    if city_reader is not None:
        try:
            if "City" in city_reader.metadata().database_type:
                record = city_reader.city(ip)
                found.update(_point(record.location))
            else:
                record = city_reader.country(ip)
            found["country"] = record.country.iso_code or ""
        except geoip2.errors.AddressNotFoundError:
            pass
    network, asn = "", None
    if asn_reader is not None:
        try:
            asn_record = asn_reader.asn(ip)
            network, asn = (
                asn_record.autonomous_system_organization or "",
                asn_record.autonomous_system_number,
            )
        except geoip2.errors.AddressNotFoundError:
            pass
    return {**found, "network": network, "asn": asn}


def _point(location: Any) -> dict[str, Any]:
    if location.latitude is None or location.longitude is None:
        return {}
    return {
        "latitude": location.latitude,
        "longitude": location.longitude,
        "accuracy_km": location.accuracy_radius,
    }


@cache
def _maxmind() -> tuple[Any, Any] | None:
    from django.conf import settings

    city = getattr(settings, "VETTING_GEOIP_CITY_DB", "")
    asn = getattr(settings, "VETTING_GEOIP_ASN_DB", "")
    if not city and not asn:
        return None
    import geoip2.database

    return (
        geoip2.database.Reader(city) if city else None,
        geoip2.database.Reader(asn) if asn else None,
    )


_fast: Any = None


def _geoip2fast() -> Any:
    global _fast
    if _fast is None:
        with _lock:  # threads of one worker share one copy (geoip2fast keeps module globals)
            if _fast is None:
                from geoip2fast import GeoIP2Fast

                _fast = GeoIP2Fast(geoip2fast_data_file="geoip2fast-asn-ipv6.dat.gz")
    return _fast


@cache
def source_info() -> str:
    """Where the answers come from and how fresh they are, for evidence."""
    from datetime import UTC, datetime

    import iporigin

    built = datetime.fromtimestamp(iporigin.dataset_info()["built_at"], UTC).date()
    if _maxmind() is not None:
        readers = [r for r in _maxmind() or () if r is not None]
        geo = "; ".join(
            f"MaxMind {r.metadata().database_type} "
            f"{datetime.fromtimestamp(r.metadata().build_epoch, UTC).date()}"
            for r in readers
        )
    else:
        geo = "GeoLite2 country+ASN 2024-06-18 via geoip2fast"
    return f"{geo}; iporigin ranges built {built}"
