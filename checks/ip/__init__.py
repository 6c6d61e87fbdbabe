"""Session IP checks: unusable addresses, hosting/VPN/Tor networks, a foreign-country pattern,
impossible travel between sessions (`checks.ip.travel`).

Every address is mapped offline (see `checks.ip.lookup` for sources and freshness). A network
counts as hosting when iporigin lists its range, or when its ASN (MaxMind) or registered owner
name is on the admin-extendable list in the Params: the curated defaults are networks that sell
servers and VPN exits. Hosting addresses are left out of the country pattern, because their
location is the server's, not the person's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from checks.base import Check, Code, Context, Finding, Subject
from checks.countries import to_alpha2
from checks.evidence import Field
from checks.guidance import FBI_2023, FBI_2025, JOINT_2022_LOGINS, JOINT_2022_NETWORK
from checks.ip.lookup import IpInfo, ip_lookup, source_info
from checks.ip.travel import impossible_travel
from checks.params import param

# Networks that sell virtual servers or carry commercial VPN exits. Numbers are matched when a
# MaxMind ASN database is configured; owner names (as GeoLite2 registers them) always.
DEFAULT_HOSTING_ASNS = (
    8100,
    9009,
    11878,
    14061,
    16276,
    20473,
    21859,
    24940,
    30633,
    36352,
    39351,
    44477,
    51167,
    54290,
    60068,
    60781,
    62240,
    63949,
    147049,
)
DEFAULT_HOSTING_NETWORK_NAMES = (
    "31173 Services AB",
    "AS-CHOOPA",
    "AS-COLOCROSSING",
    "AS-QUADRANET",
    "Akamai Connected Cloud",
    "Clouvider Limited",
    "Contabo GmbH",
    "DATAWAGON",
    "DIGITALOCEAN-ASN",
    "Datacamp Limited",
    "HOSTWINDS",
    "Hetzner Online GmbH",
    "HostRoyale Technologies Pvt Ltd",
    "IPXO",
    "LeaseWeb Netherlands B.V.",
    "LEASEWEB-USA-WDC",
    "M247 Europe SRL",
    "M247 Ltd",
    "M247 UK Ltd",
    "Mullvad VPN AB",
    "OVH SAS",
    "PERFORMIVE",
    "PacketHub S.A.",
    "Packethub s.a.",
    "Proton AG",
    "Stark Industries Solutions Ltd",
    "TZULO",
    "Zenlayer",
    "xTom GmbH",
)


class IpCheck(Check):
    name = "ip"
    evidence_fields = {
        "ip": Field("IP address"),
        "reason": Field("Why"),
        "session_kinds": Field("Sessions"),
        "network": Field("Network"),
        "asn": Field("AS number"),
        "country": Field("Country"),
        "kind": Field("Network kind"),
        "provider": Field("Provider"),
        "claimed_country": Field("Claimed country"),
        "foreign_sessions": Field("Sessions from abroad"),
        "located_sessions": Field("Sessions located"),
        "countries": Field("Sessions per country"),
        "ips": Field("IP addresses from abroad"),
        "source": Field("Source"),
        # impossible travel (checks.ip.travel): one line per leg
        "legs": Field("Impossible legs"),
        "from": Field("From"),
        "to": Field("To"),
        "where": Field("Place"),
        "seen_at": Field("Seen at"),
        "hours": Field("Time between", "hours"),
        "distance_km": Field("At least", "km"),
        "speed_kmh": Field("Speed needed", "km/h"),
        "level": Field("Located by"),
        "impossible_legs": Field("Impossible legs in all"),
        "speed_limit_kmh": Field("Speed limit", "km/h"),
    }
    codes = {
        "ip.invalid": Code(
            "A session IP does not parse, or is private/reserved", 10, "low", JOINT_2022_NETWORK
        ),
        "ip.country_mismatch": Code(
            "Session IPs geolocate outside the claimed country (a pattern, not one trip)",
            35,
            "medium",
            FBI_2023,
        ),
        "ip.hosting_provider": Code(
            "A session IP belongs to a hosting, VPN or proxy network",
            25,
            "medium",
            JOINT_2022_NETWORK,
        ),
        "ip.tor_exit": Code("A session IP is a Tor exit node", 35, "medium", FBI_2025),
        "ip.impossible_travel": Code(
            "Two sessions from places too far apart for the time between them",
            30,
            "medium",
            JOINT_2022_LOGINS,
        ),
    }

    @dataclass(frozen=True)
    class Params:
        foreign_min_count: int = param(
            2,
            "Sessions abroad needed before ip.country_mismatch fires (one trip is not a pattern)",
            min=1,
        )
        foreign_min_share: float = param(
            0.5, "Share of sessions that must be abroad (0-1)", min=0, max=1
        )
        hosting_kinds: tuple[str, ...] = param(
            ("hosting", "vpn", "cdn", "bot"), "Network kinds from the IP data that count as hosting"
        )
        hosting_asns: tuple[int, ...] = param(
            DEFAULT_HOSTING_ASNS,
            "Hosting deny-list: autonomous system numbers of hosting/VPN networks",
            min=1,
        )
        hosting_network_names: tuple[str, ...] = param(
            DEFAULT_HOSTING_NETWORK_NAMES, "Hosting deny-list: network names (substring, any case)"
        )
        # Apple's relay hides the address but keeps the user's region; many honest iPhone users.
        ignored_providers: tuple[str, ...] = param(
            ("Apple Private Relay",), "Providers never counted as hosting (relays of real users)"
        )
        # iporigin lists for these mix servers with access and transit networks (Google Fiber,
        # Cogent's broadband customers): count them only when the network is on the lists above.
        unconfirmed_providers: tuple[str, ...] = param(
            ("Cogent", "Google", "Akamai", "DataCamp"),
            "Providers counted only when their network is also on the deny-lists above",
        )
        travel_speed_kmh: int = param(
            1000,
            "Impossible travel: the fastest anyone can go between sessions, in km/h (an airliner "
            "cruises at about 900)",
            min=100,
            max=20000,
        )
        travel_min_distance_km: int = param(
            500,
            "Impossible travel: places closer than this many km are within the error of IP "
            "geolocation and never count",
            min=0,
            max=20000,
        )

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        if not subject.sessions:
            return []
        infos = {ip: ip_lookup(ip) for ip in {s.ip for s in subject.sessions}}
        findings = [_invalid(i, kinds) for i, kinds in _by_ip(subject, infos) if i.problem]
        hosting = _hosting_matcher(params)
        for info in infos.values():
            if info.problem or info.provider in params.ignored_providers:
                continue
            if info.kind == "tor":
                findings.append(
                    Finding(
                        "ip.tor_exit", f"Session IP {info.ip} is a Tor exit node", _evidence(info)
                    )
                )
            elif hosting(info):
                owner = info.provider or info.network
                findings.append(
                    Finding(
                        "ip.hosting_provider",
                        f"Session IP {info.ip} belongs to a hosting provider ({owner})",
                        _evidence(info),
                    )
                )
        findings += _country_pattern(subject, infos, hosting, params)
        findings += impossible_travel(
            subject.sessions,
            infos,
            lambda i: (
                not (
                    i.problem
                    or i.kind == "tor"
                    or hosting(i)
                    or i.provider in params.ignored_providers
                )
            ),
            speed_kmh=params.travel_speed_kmh,
            min_distance_km=params.travel_min_distance_km,
        )
        return findings


def _by_ip(subject: Subject, infos: dict[str, IpInfo]) -> list[tuple[IpInfo, list[str]]]:
    kinds: dict[str, list[str]] = {}
    for s in subject.sessions:
        kinds.setdefault(s.ip, []).append(s.kind)
    return [(infos[ip], sorted(set(k))) for ip, k in sorted(kinds.items())]


def _invalid(info: IpInfo, kinds: list[str]) -> Finding:
    why = "does not parse" if info.problem == "unparseable" else f"is {info.problem}"
    return Finding(
        "ip.invalid",
        f"Session IP {info.ip!r} {why}",
        {
            "ip": info.ip,
            "reason": info.problem,
            "session_kinds": kinds,
            "source": "Python ipaddress (IANA special-purpose registries)",
        },
    )


def _hosting_matcher(params: IpCheck.Params):
    kinds = frozenset(params.hosting_kinds)
    asns = frozenset(int(a) for a in params.hosting_asns)
    names = frozenset(n.casefold() for n in params.hosting_network_names)
    unconfirmed = frozenset(p.casefold() for p in params.unconfirmed_providers)

    def is_hosting(info: IpInfo) -> bool:
        if (info.asn is not None and info.asn in asns) or info.network.casefold() in names:
            return True
        return info.kind in kinds and info.provider.casefold() not in unconfirmed

    return is_hosting


def _evidence(info: IpInfo) -> dict:
    return {
        "ip": info.ip,
        "network": info.network,
        "asn": info.asn,
        "country": info.country,
        "kind": info.kind,
        "provider": info.provider,
        "source": source_info(),
    }


def _country_pattern(
    subject: Subject, infos: dict[str, IpInfo], hosting, params: IpCheck.Params
) -> list[Finding]:
    claimed = to_alpha2(subject.claimed_country) or ""
    if not claimed:
        return []
    located = [
        infos[s.ip]
        for s in subject.sessions
        if infos[s.ip].country
        and not infos[s.ip].problem
        and not hosting(infos[s.ip])
        and infos[s.ip].kind != "tor"
    ]
    foreign = [i for i in located if i.country != claimed]
    if not located or len(foreign) < params.foreign_min_count:
        return []
    if len(foreign) / len(located) < params.foreign_min_share:
        return []
    countries = Counter(i.country for i in foreign)
    top = ", ".join(c for c, _ in countries.most_common(3))
    return [
        Finding(
            "ip.country_mismatch",
            f"{len(foreign)} of {len(located)} located sessions come from outside {claimed} "
            f"({top})",
            {
                "claimed_country": claimed,
                "foreign_sessions": len(foreign),
                "located_sessions": len(located),
                "countries": dict(countries.most_common()),
                "ips": sorted({i.ip for i in foreign})[:20],
                "source": source_info(),
            },
        )
    ]
