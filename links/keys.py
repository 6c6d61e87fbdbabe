"""A candidate's link keys: (kind, value, display) computed from plain facts about it.

The caller (candidates) hands over `LinkFacts` and a way to open an image file; nothing here reads
the candidate models. Image-derived keys carry "img:<image id>" in `display`, so a sync reuses
them without decoding the image again while the candidate keeps the same photo or document image.
Without an opener nothing is decoded: the keys of images kept are kept, a new image gets none
until `image_keys` is called with one (the worker does, as the assessment's first step).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from uuid import UUID

from checks.countries import to_alpha2
from checks.links import images, resume
from checks.links.identities import author_key, holder_is_own, holder_key
from checks.links.kinds import LinkKind
from checks.links.normalise import (
    address_display,
    address_key,
    ip_keys,
    mailbox_display,
    mailbox_key,
    phone_display,
    phone_key,
)

Key = tuple[str, str, str]  # kind, value, display
# A document image's keys are reused only when they include this row: images fingerprinted
# before the portrait step existed get it at their candidate's next sync, without a migration.
_PORTRAIT = LinkKind.DOCUMENT_IMAGE_PORTRAIT
# Opens a stored image's file for reading; raises OSError when it is gone from storage.
ImageOpener = Callable[[UUID], AbstractContextManager[BinaryIO]]


@dataclass(frozen=True, slots=True)
class DocumentKeyFacts:
    label: str  # "passport", "id card", ... as a recruiter reads it
    number_key: str
    number_last4: str
    image_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class LinkFacts:
    """What link keys are derived from, as the candidate stores it."""

    phone: str = ""
    email: str = ""
    claimed_country: str = ""
    addresses: tuple[dict[str, Any], ...] = ()
    payout_account_key: str = ""
    payout_last4: str = ""
    session_ips: tuple[str, ...] = ()
    documents: tuple[DocumentKeyFacts, ...] = ()
    photo_id: UUID | None = None
    resume_text: str = field(default="", repr=False)
    # v1.1
    full_name: str = ""
    payout_holder: str = ""
    payout_email_key: str = ""
    payout_email_last4: str = ""
    payout_wallet_key: str = ""
    payout_wallet_last4: str = ""
    references: tuple[dict[str, Any], ...] = ()
    client_id: str = ""  # scopes external ids: a referral joins candidates of one client
    external_id: str = ""
    referred_by_external_id: str = ""
    resume_authors: tuple[str, ...] = ()  # the resume file's author and last-modified-by


def candidate_keys(
    facts: LinkFacts, existing: Iterable[Key] = (), *, open_image: ImageOpener | None = None
) -> set[Key]:
    keys = _contact_keys(facts)
    keys |= _ip_keys(facts.session_ips)
    for doc in facts.documents:
        if doc.number_key:
            keys.add((LinkKind.DOCUMENT, doc.number_key, f"{doc.label} ****{doc.number_last4}"))
    keys |= image_keys(facts, existing, open_image=open_image)
    keys |= {(LinkKind.RESUME_BAND, band, "") for band in resume.bands(facts.resume_text)}
    keys |= _people_keys(facts)
    return {(str(k), bounded_value(v), d[:200]) for k, v, d in keys}


def bounded_value(value: str) -> str:
    """LinkKey.value holds 128 characters: longer values (a long external id or name) are
    replaced by their SHA-256, which joins the same values all the same."""
    if len(value) <= 128:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def _contact_keys(facts: LinkFacts) -> set[Key]:
    keys: set[Key] = set()
    phone = phone_key(facts.phone, facts.claimed_country)  # derived on every write
    if phone:
        keys.add((LinkKind.PHONE, phone, f"phone {phone_display(phone)}"))
    mailbox = mailbox_key(facts.email)
    if mailbox:
        keys.add((LinkKind.EMAIL, mailbox, mailbox_display(mailbox)))
    for address in facts.addresses:
        address = dict(address or {})
        address["country"] = to_alpha2(address.get("country") or "") or address.get("country")
        key = address_key(address)
        if key:
            keys.add((LinkKind.ADDRESS, key, address_display(address)))
    if facts.payout_account_key:
        keys.add((LinkKind.PAYOUT, facts.payout_account_key, f"account ****{facts.payout_last4}"))
    return keys


def _people_keys(facts: LinkFacts) -> set[Key]:
    keys = _payout_handle_keys(facts) | _reference_keys(facts)
    holder = holder_key(facts.payout_holder)
    if holder:
        own = holder_is_own(facts.full_name, facts.payout_holder)
        kind = LinkKind.PAYOUT_HOLDER_SELF if own else LinkKind.PAYOUT_HOLDER
        keys.add((kind, holder, f"payout holder {holder.title()}"))
    if facts.client_id and facts.external_id:
        keys.add((LinkKind.EXTERNAL_ID, f"{facts.client_id}:{facts.external_id}", ""))
    if facts.client_id and facts.referred_by_external_id:
        value = f"{facts.client_id}:{facts.referred_by_external_id}"
        keys.add((LinkKind.REFERRED_BY, value, "referred by the same candidate"))
    for raw in facts.resume_authors:
        author = author_key(raw)
        if author:
            keys.add((LinkKind.RESUME_AUTHOR, author, f"resume author {author.title()}"))
    return keys


def _payout_handle_keys(facts: LinkFacts) -> set[Key]:
    keys: set[Key] = set()
    if facts.payout_email_key:
        shown = f"platform account ****{facts.payout_email_last4}"
        keys.add((LinkKind.PAYOUT_EMAIL, facts.payout_email_key, shown))
    if facts.payout_wallet_key:
        shown = f"wallet ****{facts.payout_wallet_last4}"
        keys.add((LinkKind.PAYOUT_WALLET, facts.payout_wallet_key, shown))
    return keys


def _reference_keys(facts: LinkFacts) -> set[Key]:
    """A reference's phone and mailbox, normalised like the candidate's own contact."""
    keys: set[Key] = set()
    for ref in facts.references:
        phone = phone_key(str(ref.get("phone") or ""), facts.claimed_country)
        if phone:
            keys.add((LinkKind.REFERENCE_PHONE, phone, f"reference phone {phone_display(phone)}"))
        mailbox = mailbox_key(str(ref.get("email") or ""))
        if mailbox:
            keys.add((LinkKind.REFERENCE_EMAIL, mailbox, f"reference {mailbox_display(mailbox)}"))
    return keys


def _ip_keys(raw_ips: Iterable[str]) -> set[Key]:
    keys: set[Key] = set()
    for raw in set(raw_ips):
        pair = ip_keys(raw)
        if pair:
            keys.add((LinkKind.IP, pair[0], f"IP {pair[0]}"))
            keys.add((LinkKind.IP_NET, pair[1], f"network {pair[1]}"))
    return keys


def image_keys(
    facts: LinkFacts, existing: Iterable[Key], *, open_image: ImageOpener | None
) -> set[Key]:
    """The keys of the candidate's photo and document images: reused from `existing`, and with an
    opener, fingerprinted for images that have none (or a document image keyed before the
    portrait step)."""
    image_ids = [d.image_id for d in facts.documents if d.image_id]
    return _image_keys(facts.photo_id, image_ids, list(existing), open_image)


def _image_keys(
    photo_id: UUID | None,
    document_image_ids: list[UUID],
    existing: list[Key],
    open_image: ImageOpener | None,
) -> set[Key]:
    wanted = [(photo_id, "photo")] if photo_id else []
    wanted += [(image_id, "document_image") for image_id in document_image_ids]
    keys: set[Key] = set()
    for image_id, prefix in wanted:
        reused = {
            k
            for k in existing
            if k[0].startswith(prefix + "_")
            and (k[2].startswith(f"img:{image_id}") or k[1] == str(image_id))
        }
        # Without an opener a portrait-less image keeps its keys; the worker's next pass adds it.
        complete = prefix == "photo" or any(k[0] == _PORTRAIT for k in reused)
        if reused and (complete or open_image is None):
            keys |= reused
        elif open_image is not None:
            keys |= _fingerprint_keys(image_id, prefix, open_image)
    return keys


def _fingerprint_keys(image_id: UUID, prefix: str, open_image: ImageOpener) -> set[Key]:
    with_quads = prefix == "document_image"
    try:
        with open_image(image_id) as fh:
            fp = images.fingerprint_file(fh, with_quads=with_quads, with_portrait=with_quads)
    except (OSError, ValueError):  # the file is gone from storage: nothing to compare
        return set()
    if fp is None:
        return set()
    tag = f"img:{image_id}"
    keys = {(f"{prefix}_sha", fp.pixels_sha256, tag)}
    keys |= {(f"{prefix}_band", band, f"{tag}:{fp.whole}") for band in images.bands(fp.whole)}
    if with_quads:
        keys.add((f"{prefix}_quads", str(image_id), fp.quads))  # 171 characters
        keys.add((_PORTRAIT, str(image_id), fp.portrait))  # "" when no TD3 page was found
        keys |= {
            (LinkKind.DOCUMENT_IMAGE_PORTRAIT_BAND, band, f"{tag}:{fp.portrait}")
            for band in (images.portrait_bands(fp.portrait) if fp.portrait else [])
        }
    return keys
