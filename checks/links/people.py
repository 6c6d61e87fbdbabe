"""Links through people around the candidate: references, payout holders, referrers and resume
authors (v1.1). Each reads the holders the check already fetched in its one exact lookup
(`lookup_pairs` says which values to add to it); only a referrer's level costs one more query.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from checks.base import Finding, Holders, Pair, Related
from checks.links.kinds import LinkKind as K

Own = list[tuple[str, str, str]]
# A reference's contact kind and the candidate's own contact kind, both ways.
_CONTACT: dict[str, str] = {K.REFERENCE_PHONE: K.PHONE, K.REFERENCE_EMAIL: K.EMAIL}
_REFERENCE: dict[str, str] = {own: ref for ref, own in _CONTACT.items()}
HIGH_LEVELS = ("high", "critical")


def lookup_pairs(own: Own) -> list[Pair]:
    """Values to look up besides the candidate's own exact keys."""
    pairs: list[Pair] = []
    for kind, value, _d in own:
        if kind in _CONTACT:  # someone's own contact, someone else's reference
            pairs += [(_CONTACT[kind], value), (kind, value)]
        elif kind in _REFERENCE:  # this candidate named as another's reference
            pairs.append((_REFERENCE[kind], value))
        elif kind == K.PAYOUT_HOLDER:  # paid for others too; held by a candidate in person
            pairs += [(kind, value), (K.PAYOUT_HOLDER_SELF, value)]
        elif kind == K.REFERRED_BY:
            pairs.append((K.EXTERNAL_ID, value))
        elif kind == K.RESUME_AUTHOR:
            pairs.append((kind, value))
    return pairs


def reference_finding(own: Own, holders: Holders, linked: set[UUID]) -> Finding | None:
    """A reference who is the candidate itself or another candidate's own contact; or another
    candidate listing this one as a reference. A reference shared with other candidates'
    references only counts for candidates already linked otherwise: strangers share a
    well-known former manager."""
    mine = {(k, v) for k, v, _ in own}
    related: dict[UUID, Related] = {}
    values: list[dict] = []
    for kind, value, display in own:
        if kind in _CONTACT:
            rows = _rows(holders, (_CONTACT[kind], value))
            rows += [r for r in _rows(holders, (kind, value)) if r[0] in linked]
            if (_CONTACT[kind], value) in mine:
                values.append({"shared": display, "own": True})
        elif kind in _REFERENCE:
            rows = _rows(holders, (_REFERENCE[kind], value))
            display = f"{display} (named as a reference)"
        else:
            continue
        for cid, _d in rows:
            related.setdefault(cid, Related(cid, display))
        if rows:
            values.append({"shared": display, "holders": len(rows)})
    if not values:
        return None
    own_only = not related
    message = (
        "Lists its own phone or email as a reference"
        if own_only
        else f"A reference's phone or email leads back to {_n(len(related))}"
    )
    return Finding(
        "link.reference_shared", message, {"values": values}, tuple(related.values()), len(related)
    )


def holder_finding(own: Own, holders: Holders, min_others: int) -> Finding | None:
    """A payout holder, not the candidate, who is paid for other candidates as well."""
    for kind, value, display in own:
        if kind != K.PAYOUT_HOLDER:
            continue
        rows, total = holders.get((kind, value), ([], 0))
        if total < min_others:
            return None
        return Finding(
            "link.payout_holder_shared",
            f"Paid to the same holder, not the candidate, as {_n(total)}",
            {"values": [{"shared": display, "holders": total}]},
            tuple(Related(cid, display) for cid, _ in rows),
            total,
        )
    return None


def resume_author_finding(own: Own, holders: Holders, max_holders: int) -> Finding | None:
    """Resume files written or last saved by the same named person as others' (generic values
    never become keys); a name on more than `max_holders` files is a template's, not a person's."""
    related: dict[UUID, Related] = {}
    values = []
    for kind, value, display in own:
        if kind != K.RESUME_AUTHOR:
            continue
        rows, total = holders.get((kind, value), ([], 0))
        if not rows or total > max_holders:
            continue
        values.append({"shared": display, "holders": total})
        for cid, _d in rows:
            related.setdefault(cid, Related(cid, display))
    if not related:
        return None
    return Finding(
        "link.resume_metadata_shared",
        f"Resume file written or saved by the same person as the resumes of {_n(len(related))}",
        {"values": values},
        tuple(related.values()),
        len(related),
    )


def referrer_of(own: Own, holders: Holders) -> UUID | None:
    for kind, value, _d in own:
        if kind == K.REFERRED_BY:
            rows = _rows(holders, (K.EXTERNAL_ID, value))
            return rows[0][0] if rows else None
    return None


def referral_finding(referrer: UUID, linked: set[UUID], level: str) -> Finding | None:
    """Referred by a candidate linked to this one, or assessed high or critical."""
    if referrer in linked:
        why = "linked to this one"
    elif level in HIGH_LEVELS:
        why = f"assessed {level}"
    else:
        return None
    return Finding(
        "link.referral_ring",
        f"Referred by a candidate {why}",
        {"referrer": why},
        (Related(referrer, "referrer"),),
        1,
    )


def _rows(holders: Holders, pair: Pair) -> list[tuple[UUID, str]]:
    return list(holders.get(pair, ([], 0))[0])


def _n(count: int) -> str:
    return f"{count} other candidate{'s' if count != 1 else ''}"


def related_ids(findings: Iterable[Finding]) -> set[UUID]:
    return {r.candidate_id for f in findings for r in f.related}
