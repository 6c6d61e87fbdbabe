"""Normalised link values: two spellings of one phone, mailbox, address or network give one key.

Pure functions of a value; `None` when there is nothing to link on. See docs/links.md for the
mailbox-provider table and the address abbreviations.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

import phonenumbers
from django.conf import settings

from checks.ip.lookup import address_problem

# Providers that deliver "a.b+tag@" to "ab@": (drop dots, plus-tag separator), canonical domain.
# Only providers documented to ignore these are listed: elsewhere a dot or plus is significant.
MAILBOX_PROVIDERS: dict[str, tuple[bool, str, str]] = {
    "gmail.com": (True, "+", "gmail.com"),
    "googlemail.com": (True, "+", "gmail.com"),
    "outlook.com": (False, "+", "outlook.com"),
    "hotmail.com": (False, "+", "hotmail.com"),
    "live.com": (False, "+", "live.com"),
    "msn.com": (False, "+", "msn.com"),
    "icloud.com": (False, "+", "icloud.com"),
    "me.com": (False, "+", "icloud.com"),
    "mac.com": (False, "+", "icloud.com"),
    "fastmail.com": (False, "+", "fastmail.com"),
    "proton.me": (False, "+", "proton.me"),
    "protonmail.com": (False, "+", "proton.me"),
    "pm.me": (False, "+", "proton.me"),
    "yahoo.com": (False, "-", "yahoo.com"),  # Yahoo's disposable addresses: "base-keyword@"
    "yandex.ru": (False, "+", "yandex.ru"),
    "yandex.com": (False, "+", "yandex.ru"),
}

# Address words to one spelling (USPS Publication 28 suffixes and unit designators, the common
# ones). Unit markers all become "#": "Apt 4", "Unit 4", "Suite 4", "#4" are one address.
ADDRESS_WORDS: dict[str, str] = {
    "street": "st",
    "str": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "boulevard": "blvd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "square": "sq",
    "terrace": "ter",
    "highway": "hwy",
    "parkway": "pkwy",
    "circle": "cir",
    "way": "way",
    "saint": "st",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "apartment": "#",
    "apt": "#",
    "unit": "#",
    "suite": "#",
    "ste": "#",
    "room": "#",
    "rm": "#",
    "flat": "#",
    "no": "#",
    "number": "#",
    "floor": "fl",
    "building": "bldg",
    "mount": "mt",
    "fort": "ft",
}
_WORD = re.compile(r"[a-z0-9]+|#")


def phone_key(raw: str, country: str = "") -> str | None:
    """E.164, parsed against the claimed country when the number has no "+"."""
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """ "+1 314 ***-0100": the country and area code and the last four digits stay visible."""
    number = phonenumbers.parse(e164, None)
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    head, _, rest = text.partition(" ")
    groups = re.split(r"([ -])", rest)
    if len(groups) >= 3:  # keep the first group (area code), mask all but the last 4 digits
        first, tail = groups[0] + " ", "".join(groups[2:])
    else:
        first, tail = "", rest
    digits_left = sum(c.isdigit() for c in tail) - 4
    masked = []
    for ch in tail:
        if ch.isdigit() and digits_left > 0:
            masked.append("*")
            digits_left -= 1
        else:
            masked.append(ch)
    return f"{head} {first}{''.join(masked)}"


def mailbox_key(raw: str) -> str | None:
    """Case-folded mailbox with the provider's ignored dots and sub-address tags removed."""
    text = (raw or "").strip().casefold()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain:
        return None
    domain = domain.rstrip(".")
    rule = MAILBOX_PROVIDERS.get(domain)
    if rule is not None:
        drop_dots, tag_sep, domain = rule
        local = local.split(tag_sep, 1)[0] or local
        if drop_dots:
            local = local.replace(".", "")
    return f"{local}@{domain}"[:128]


def mailbox_display(key: str) -> str:
    local, _, domain = key.partition("@")
    return f"email {local[:2]}***@{domain}"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    words = _WORD.findall(_fold(text).replace("#", " # "))
    return [ADDRESS_WORDS.get(w, w) for w in words]


def address_key(address: dict | None) -> str | None:
    """Country, postal code, city and street lines, folded and abbreviated one way."""
    if not address or not (address.get("line1") or "").strip():
        return None
    street = _words(f"{address.get('line1', '')} {address.get('line2', '')}")
    # "# 4" and "4" after a marker are one unit; collapse repeated markers ("Apt #4").
    compact: list[str] = []
    for w in street:
        if w == "#" and compact and compact[-1] == "#":
            continue
        compact.append(w)
    parts = (
        _fold(address.get("country", "")).strip(),
        "".join(_words(address.get("postal_code", ""))),
        " ".join(_words(address.get("city", ""))),
        " ".join(compact),
    )
    digest_input = "|".join(parts)
    return digest_input[:128]


def address_display(address: dict) -> str:
    city = address.get("city", "") or ""
    country = (address.get("country", "") or "").upper()
    return f"address in {city}, {country}".strip()


def ip_keys(raw: str) -> tuple[str, str] | None:
    """(exact address, its network) for a public address; None for junk or private. The network
    is the /24 (IPv4) or /64 (IPv6) unless the deployment sets VETTING_LINK_IPV4_PREFIX /
    VETTING_LINK_IPV6_PREFIX; keys are written on each candidate's next change."""
    ip, problem = address_problem(raw)  # the ip check's own parsing and classification
    if ip is None or problem:
        return None  # junk, or 10.x, 192.168.x, loopback...: shared by everyone behind a router
    prefix = (
        settings.VETTING_LINK_IPV4_PREFIX if ip.version == 4 else settings.VETTING_LINK_IPV6_PREFIX
    )
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    return str(ip), str(network)
