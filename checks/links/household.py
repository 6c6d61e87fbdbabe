"""Household context: two candidates who share a home address and its network are a household,
not a ring, and a payout account shared between them and held by one of them is family money.

Read from the holders the check already fetched (no query of its own). The pair's shared home,
network and family payout then link them no more; anything else still does, and so does the
same home with a third candidate (then it is no household), a shared document or photo, or the
candidate's shipping address shared with anyone (a facilitator's).
"""

from __future__ import annotations

import re
from dataclasses import replace
from uuid import UUID

from checks.base import Finding, Holders, Subject
from checks.countries import to_alpha2
from checks.links.identities import holder_is_own
from checks.links.kinds import LinkKind as K
from checks.links.normalise import address_key

_HOME_CODES = ("link.address_shared", "link.ip_shared", "link.ip_subnet_shared")
_MONEY_CODES = ("link.payout_shared", "link.payout_holder_shared")
# Still a link inside a household: nobody's spouse shares their passport or face.
_IDENTITY_CODES = (
    "link.document_number_shared",
    "link.document_image_duplicate",
    "link.photo_duplicate",
)
_COUNT = re.compile(r"\d+ other candidates?")


def household_member(subject: Subject, own, holders: Holders) -> UUID | None:
    """The one other candidate at the subject's home address and on its network, or None."""
    home = _address_key(subject.home_address)
    if not home or (K.ADDRESS, home) not in holders:
        return None
    rows, total = holders[(K.ADDRESS, home)]
    if total != 1:  # nobody else, or a third member: no household context
        return None
    member = rows[0][0]
    networks = {
        cid
        for kind, value, _d in own
        if kind in (K.IP, K.IP_NET)
        for cid, _ in holders.get((kind, value), ([], 0))[0]
    }
    if member not in networks:
        return None
    shipping = _address_key(subject.shipping_address)
    if shipping and shipping != home and holders.get((K.ADDRESS, shipping), ([], 0))[1]:
        return None  # equipment sent to an address shared with others: a facilitator's
    return member


def household_apply(
    subject: Subject, own, holders: Holders, found: dict[str, Finding]
) -> dict[str, Finding]:
    """`found` without the household member in its home, network and family-money links."""
    member = household_member(subject, own, holders)
    if member is None or any(_links(found.get(code), member) for code in _IDENTITY_CODES):
        return found
    codes = _HOME_CODES + (_MONEY_CODES if _family_money(subject, own, holders, member) else ())
    result = dict(found)
    for code in codes:
        finding = result.get(code)
        if finding is not None and _links(finding, member):
            remaining = _without(finding, member)
            if remaining is None:
                del result[code]
            else:
                result[code] = remaining
    return result


def _family_money(subject: Subject, own, holders: Holders, member: UUID) -> bool:
    """The payout is held by the subject or by the household member, by name."""
    if holder_is_own(subject.full_name, subject.payout_account_holder):
        return True
    if not subject.payout_account_holder:  # a platform account with no name: cannot tell
        return False
    return any(
        cid == member
        for kind, value, _d in own
        if kind == K.PAYOUT_HOLDER
        for cid, _ in holders.get((K.PAYOUT_HOLDER_SELF, value), ([], 0))[0]
    )


def _links(finding: Finding | None, member: UUID) -> bool:
    return finding is not None and any(r.candidate_id == member for r in finding.related)


def _without(finding: Finding, member: UUID) -> Finding | None:
    related = tuple(r for r in finding.related if r.candidate_id != member)
    if not related:
        return None
    count = max((finding.related_count or len(finding.related)) - 1, len(related))
    plural = "s" if count != 1 else ""
    message = _COUNT.sub(f"{count} other candidate{plural}", finding.message, count=1)
    return replace(finding, related=related, related_count=count, message=message)


def _address_key(address: dict | None) -> str | None:
    if not address:
        return None
    address = dict(address)
    address["country"] = to_alpha2(address.get("country") or "") or address.get("country")
    return address_key(address)
