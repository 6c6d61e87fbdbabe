"""Keeping a candidate's link keys in step with its data.

The assessment's key step writes a candidate's keys (`link_keys_write`), then asks for the other
candidates whose links changed (holders of an old or a new value), for a one-hop reassessment.
At most settings.VETTING_LINK_REASSESS_CAP are returned; the rest of a crowded value's holders
go to a LinkReassessBacklog row (same transaction) that a task pages through after commit and the
periodic link sweep re-queues if that task was lost (links.services).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from django.conf import settings

from checks.links.images import REASSESS_PREFILTER_BITS, hamming
from checks.links.kinds import LinkKind
from links.index import LinkIndex, Pair
from links.keys import Key
from links.models import LinkKey
from links.services import link_backlog_add

# Quads are verified per pair by the check, and the portrait row only records that the image was
# looked at: keyed by image id, neither says who else to reassess.
_NO_REASSESS = (LinkKind.DOCUMENT_IMAGE_QUADS, LinkKind.DOCUMENT_IMAGE_PORTRAIT)
# Values whose holders under another kind read them too: a reference's phone is someone's own
# phone, a candidate's external id is what its referrals name, a holder's own name is what
# others are paid to.
_ALSO = {
    LinkKind.REFERENCE_PHONE: LinkKind.PHONE,
    LinkKind.PHONE: LinkKind.REFERENCE_PHONE,
    LinkKind.REFERENCE_EMAIL: LinkKind.EMAIL,
    LinkKind.EMAIL: LinkKind.REFERENCE_EMAIL,
    LinkKind.EXTERNAL_ID: LinkKind.REFERRED_BY,
    LinkKind.PAYOUT_HOLDER_SELF: LinkKind.PAYOUT_HOLDER,
}


def link_keys_write(
    *, candidate_id: UUID, existing: Mapping[Key, int], wanted: Iterable[Key]
) -> list[Key]:
    """Replace the candidate's LinkKey rows `existing` (key -> row id, as read) by `wanted`;
    return the keys removed and added. Call under the candidate's row lock."""
    wanted = set(wanted)
    removed = [key for key in existing if key not in wanted]
    added = [key for key in wanted if key not in existing]
    if removed:
        LinkKey.objects.filter(id__in=[existing[k] for k in removed]).delete()
    LinkKey.objects.bulk_create(
        [LinkKey(candidate_id=candidate_id, kind=k, value=v, display=d) for k, v, d in added],
        batch_size=500,
        ignore_conflicts=True,
    )
    return removed + added


def link_keys_holders(*, candidate_id: UUID, keys: Iterable[Key]) -> list[UUID]:
    """The other holders of `keys` to reassess (capped; the rest to the backlog): call inside
    a transaction, after the one that wrote the keys committed, so that of two candidates
    keyed at the same time at least one sees the other."""
    return _other_holders(candidate_id, keys)


def link_keys_holders_by_value(
    *, candidate_id: UUID, keys: Iterable[Key]
) -> tuple[list[UUID], list[UUID]]:
    """Like `link_keys_holders`, split by what the shared value is worth: (holders of a value
    worth refreshing now, holders only of low-value ones). Low value: a subnet (`ip_net`), or a
    value with more other holders than VETTING_LINK_LOW_VALUE_HOLDERS (a campus network, a VPN
    egress); their holders' refresh can wait for the sweep."""
    return _holders_split(candidate_id, keys)


def link_keys_erase(*, candidate_id: UUID) -> list[UUID]:
    """Before erasure: drop the candidate's keys; return the candidates it was linked to."""
    keys = list(
        LinkKey.objects.filter(candidate_id=candidate_id).values_list("kind", "value", "display")
    )
    LinkKey.objects.filter(candidate_id=candidate_id).delete()
    return _other_holders(candidate_id, keys)


def _other_holders(candidate_id: UUID, keys: Iterable[Key]) -> list[UUID]:
    """Up to the cap, in value order; what a value's holders had beyond it goes to the backlog."""
    now, later = _holders_split(candidate_id, keys)
    return now + later


_LOW_VALUE = (LinkKind.IP_NET,)


def _holders_split(candidate_id: UUID, keys: Iterable[Key]) -> tuple[list[UUID], list[UUID]]:
    keys = list(keys)
    cap = settings.VETTING_LINK_REASSESS_CAP
    crowd = settings.VETTING_LINK_LOW_VALUE_HOLDERS
    pairs: list[Pair] = [(k, v) for k, v, _ in keys if k not in _NO_REASSESS]
    pairs += [(_ALSO[k], v) for k, v in pairs if k in _ALSO]
    if not pairs or cap <= 0:
        return [], []
    own_hash = {k: d.rsplit(":", 1)[-1] for k, _, d in keys if k in REASSESS_PREFILTER_BITS}
    found = LinkIndex().holders_many(pairs, exclude=candidate_id, limit=cap, count=False)
    ids: dict[UUID, bool] = {}  # holder: worth refreshing now
    for pair, (rows, total) in found.items():
        band = pair[0] in REASSESS_PREFILTER_BITS
        urgent = pair[0] not in _LOW_VALUE and total <= crowd
        last, complete = None, True
        for cid, display in rows:
            if band and not _close(pair[0], own_hash.get(pair[0]), display):
                continue
            if cid not in ids and len(ids) >= cap:
                complete = False
                break
            ids[cid], last = ids.get(cid, False) or urgent, cid
        # Band rows say "maybe": beyond the fetch limit they are left to the next change.
        if not band and (not complete or total > len(rows)):
            link_backlog_add(pair=pair, after=last, exclude=candidate_id)
    return [c for c, now in ids.items() if now], [c for c, now in ids.items() if not now]


def _close(kind: str, own: str | None, display: str) -> bool:
    """Band rows only say "maybe": their holders are reassessed only when the full hash is close."""
    other = display.rsplit(":", 1)[-1]
    if not own or len(other) != len(own):
        return False
    return hamming(own, other) <= REASSESS_PREFILTER_BITS[kind]
