"""The versioned link allowlist: shared values that never link candidates, held in the rule set
as the link check's `allowlist` parameter, one "kind:value" entry per line, normalised the way
link keys are (so any spelling an admin types matches). Pure: no ORM.

The older allowlist table (links.LinkAllowlist, edited in /admin/) still applies alongside and
normalises with the same `allowlist_key`.
"""

from __future__ import annotations

from collections.abc import Iterable

from checks.links.kinds import ALLOWLIST_KINDS
from checks.links.normalise import ip_keys, mailbox_key, phone_key

KINDS = tuple(str(k) for k in ALLOWLIST_KINDS)
_HINTS = {
    "phone": "an international number (+...)",
    "email": "a valid email address",
    "ip": "a public IP address",
    "ip_net": "a public IP address or network (73.54.120.0/24)",
    "address": "the address key shown in the signal evidence (country|postcode|city|street)",
}


def _key(kind: str, raw: str) -> str | None:
    if kind == "phone":
        return phone_key(raw)
    if kind == "email":
        return mailbox_key(raw)
    if kind == "ip":
        return (ip_keys(raw) or (None,))[0]
    if kind == "ip_net":
        return (ip_keys(raw.split("/", 1)[0]) or (None, None))[1]
    return raw if raw.count("|") == 3 else None


def allowlist_key(kind: str, raw: str) -> str:
    """The stored key for what an admin typed as a `kind`; ValueError saying what is expected."""
    key = _key(kind, (raw or "").strip())
    if not key:
        raise ValueError(f"Enter {_HINTS[kind]}.")
    return key


def allowlist_entry(raw: str) -> str:
    """The normalised "kind:value" for what an admin typed; ValueError saying what is expected."""
    kind, sep, value = raw.strip().partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in KINDS:
        raise ValueError(f"write kind:value, kind one of {', '.join(KINDS)}")
    try:
        return f"{kind}:{allowlist_key(kind, value)}"
    except ValueError:
        raise ValueError(f"{kind}: expected {_HINTS[kind]}") from None


def allowlist_pairs(entries: Iterable[str]) -> set[tuple[str, str]]:
    """(kind, value) pairs of normalised entries, as link keys are compared."""
    return {(kind, value) for kind, _, value in (e.partition(":") for e in entries)}
