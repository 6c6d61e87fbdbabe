"""What a link key can be: one enum that the keys, the index, the checks and the allowlist share."""

from __future__ import annotations

from enum import StrEnum


class LinkKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    PAYOUT = "payout"
    DOCUMENT = "document"
    IP = "ip"
    IP_NET = "ip_net"  # the /24 or /64 network of a session IP
    PHOTO_SHA = "photo_sha"
    PHOTO_BAND = "photo_band"
    DOCUMENT_IMAGE_SHA = "document_image_sha"
    DOCUMENT_IMAGE_BAND = "document_image_band"
    DOCUMENT_IMAGE_QUADS = "document_image_quads"
    # A TD3 page's portrait zone, registered to the page layout (checks.links.pages): bands of
    # its hash, and one row per image (value: the image id, display: the hash, "" when no page
    # was found) that says the image has been through this step.
    DOCUMENT_IMAGE_PORTRAIT = "document_image_portrait"
    DOCUMENT_IMAGE_PORTRAIT_BAND = "document_image_portrait_band"
    RESUME_BAND = "resume_band"
    # v1.1: platform accounts and wallets (keyed hashes, like account numbers), references'
    # contacts (normalised like the candidate's own), payout holders (checks.links.identities;
    # a name that is not the candidate's own, and one that is), the referral graph (value
    # "<client id>:<external id>" on both ends) and resume file authors.
    PAYOUT_EMAIL = "payout_email"
    PAYOUT_WALLET = "payout_wallet"
    REFERENCE_PHONE = "reference_phone"
    REFERENCE_EMAIL = "reference_email"
    PAYOUT_HOLDER = "payout_holder"
    PAYOUT_HOLDER_SELF = "payout_holder_self"
    EXTERNAL_ID = "external_id"
    REFERRED_BY = "referred_by"
    RESUME_AUTHOR = "resume_author"


# Joined by an exact shared value.
EXACT_KINDS: tuple[LinkKind, ...] = (
    LinkKind.PHONE,
    LinkKind.EMAIL,
    LinkKind.ADDRESS,
    LinkKind.PAYOUT,
    LinkKind.PAYOUT_EMAIL,
    LinkKind.PAYOUT_WALLET,
    LinkKind.DOCUMENT,
    LinkKind.IP,
    LinkKind.PHOTO_SHA,
    LinkKind.DOCUMENT_IMAGE_SHA,
)
# Bands only point at candidates to verify against the full hash or text.
BAND_KINDS: tuple[LinkKind, ...] = (
    LinkKind.PHOTO_BAND,
    LinkKind.DOCUMENT_IMAGE_BAND,
    LinkKind.DOCUMENT_IMAGE_PORTRAIT_BAND,
    LinkKind.RESUME_BAND,
)
# Read by the check with their own rules (checks.links.people), never joined as such.
PEOPLE_KINDS: tuple[LinkKind, ...] = (
    LinkKind.REFERENCE_PHONE,
    LinkKind.REFERENCE_EMAIL,
    LinkKind.PAYOUT_HOLDER,
    LinkKind.PAYOUT_HOLDER_SELF,
    LinkKind.EXTERNAL_ID,
    LinkKind.REFERRED_BY,
    LinkKind.RESUME_AUTHOR,
)
# Kinds an admin may allowlist (a corporate VPN, an agency's shipping address, a family home).
ALLOWLIST_KINDS: tuple[LinkKind, ...] = (
    LinkKind.PHONE,
    LinkKind.EMAIL,
    LinkKind.IP,
    LinkKind.IP_NET,
    LinkKind.ADDRESS,
)
