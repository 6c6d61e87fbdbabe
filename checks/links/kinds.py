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


# Joined by an exact shared value.
EXACT_KINDS: tuple[LinkKind, ...] = (
    LinkKind.PHONE,
    LinkKind.EMAIL,
    LinkKind.ADDRESS,
    LinkKind.PAYOUT,
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
# Kinds an admin may allowlist (a corporate VPN, an agency's shipping address, a family home).
ALLOWLIST_KINDS: tuple[LinkKind, ...] = (
    LinkKind.PHONE,
    LinkKind.EMAIL,
    LinkKind.IP,
    LinkKind.IP_NET,
    LinkKind.ADDRESS,
)
