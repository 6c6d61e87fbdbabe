"""Findings for values shared exactly: phone, mailbox, address, payout, document, IP, images."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from checks.base import COUNT_CAP, Finding, Holders, Related
from checks.links.kinds import LinkKind

# kind -> (code, what the message calls it)
EXACT_CODES: dict[str, tuple[str, str]] = {
    LinkKind.PHONE: ("link.phone_shared", "phone number"),
    LinkKind.EMAIL: ("link.email_shared", "mailbox"),
    LinkKind.ADDRESS: ("link.address_shared", "address"),
    LinkKind.PAYOUT: ("link.payout_shared", "payout account"),
    LinkKind.PAYOUT_EMAIL: ("link.payout_shared", "payout account"),
    LinkKind.PAYOUT_WALLET: ("link.payout_shared", "payout account"),
    LinkKind.DOCUMENT: ("link.document_number_shared", "document number"),
    LinkKind.IP: ("link.ip_shared", "session IP"),
    LinkKind.IP_NET: ("link.ip_subnet_shared", "session network"),
    LinkKind.PHOTO_SHA: ("link.photo_duplicate", "photo (identical pixels)"),
    LinkKind.DOCUMENT_IMAGE_SHA: (
        "link.document_image_duplicate",
        "document image (identical pixels)",
    ),
}

# Kinds an admin allowlists by the normalised key (phones, mailboxes and IPs are typed as such).
ALLOWLIST_BY_KEY = (LinkKind.ADDRESS,)


def exact_findings(
    own: Iterable[tuple[str, str, str]],
    holders: Holders,
    *,
    skip: dict[str, set[UUID]] | None = None,
) -> dict[str, Finding]:
    """One finding per code from the holders of the subject's own (kind, value, display)."""
    by_kind: dict[str, list[tuple[dict, list[tuple[UUID, str]], int]]] = {}
    for kind, value, display in own:
        if kind not in EXACT_CODES or (kind, value) not in holders:
            continue
        rows, total = holders[(kind, value)]
        rows = [(cid, d) for cid, d in rows if cid not in (skip or {}).get(kind, set())]
        if rows:
            shown = {"shared": _shown(kind, display)}
            if kind in ALLOWLIST_BY_KEY:  # what an admin pastes into the allowlist
                shown["allowlist_key"] = value
            by_kind.setdefault(kind, []).append((shown, rows, total))
    # Several kinds may raise one code (a bank account, a platform email, a wallet): one finding.
    by_code: dict[str, tuple[str, list]] = {}
    for kind, shared in by_kind.items():
        _first, entries = by_code.setdefault(EXACT_CODES[kind][0], (kind, []))
        entries.extend(shared)
    return {code: _finding(kind, shared) for code, (kind, shared) in by_code.items()}


def _shown(kind: str, display: str) -> str:
    if kind.endswith("_sha"):
        return EXACT_CODES[kind][1]
    return display


def _finding(kind: str, shared: list[tuple[dict, list[tuple[UUID, str]], int]]) -> Finding:
    code, noun = EXACT_CODES[kind]
    related: dict[UUID, Related] = {}
    for shown, rows, _ in shared:
        for cid, _d in rows:
            related.setdefault(cid, Related(candidate_id=cid, shared=shown["shared"]))
    overflowed = any(total > len(rows) for _, rows, total in shared)
    # Exact when nothing overflowed; otherwise the largest single holder count (a lower bound).
    count = max([len(related)] + [total for _, _, total in shared]) if overflowed else len(related)
    values = [{**shown, "holders": total} for shown, _, total in shared]
    plural = "s" if count != 1 else ""
    many = " or more" if count >= COUNT_CAP else ""
    return Finding(
        code=code,
        message=f"Shares a {noun} with {count}{many} other candidate{plural}",
        evidence={"values": values},
        related=tuple(related.values()),
        related_count=count,
    )
