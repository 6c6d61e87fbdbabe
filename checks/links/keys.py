"""A candidate's link keys: (kind, value, display) computed from its stored data.

Image-derived keys carry "img:<image id>" in `display`, so a sync reuses them without decoding the
image again while the candidate keeps the same photo or document image.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from candidates.models import Candidate, Document, Image
from checks.countries import to_alpha2
from checks.links import images, resume
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

# Kinds joined by an exact shared value; the band kinds only point at candidates to verify.
EXACT_KINDS = (
    "phone",
    "email",
    "address",
    "payout",
    "document",
    "ip",
    "photo_sha",
    "document_image_sha",
)
IMAGE_KINDS = (
    "photo_sha",
    "photo_band",
    "document_image_sha",
    "document_image_band",
    "document_image_quads",
)


def candidate_keys(candidate: Candidate, existing: Iterable[Key] = ()) -> set[Key]:
    keys = _contact_keys(candidate)
    keys |= _ip_keys(candidate.sessions.values_list("ip", flat=True))
    documents = list(candidate.documents.all())
    for doc in documents:
        if doc.number_key:
            keys.add(("document", doc.number_key, f"{_doc_label(doc)} ****{doc.number_last4}"))
    keys |= _image_keys(
        candidate.photo_id, [d.image_id for d in documents if d.image_id], list(existing)
    )
    keys |= {("resume_band", band, "") for band in resume.bands(candidate.resume_text)}
    return keys


def _contact_keys(c: Candidate) -> set[Key]:
    keys: set[Key] = set()
    phone = phone_key(c.phone, c.claimed_country)  # derived on every write
    if phone:
        keys.add(("phone", phone, f"phone {phone_display(phone)}"))
    mailbox = mailbox_key(c.email)
    if mailbox:
        keys.add(("email", mailbox, mailbox_display(mailbox)))
    for address in (c.home_address, c.shipping_address):
        address = dict(address or {})
        address["country"] = to_alpha2(address.get("country") or "") or address.get("country")
        key = address_key(address)
        if key:
            keys.add(("address", key, address_display(address)))
    if c.payout_account_key:
        last4 = c.payout_account_last4 or c.payout_iban_last4
        keys.add(("payout", c.payout_account_key, f"account ****{last4}"))
    return keys


def _ip_keys(raw_ips: Iterable[str]) -> set[Key]:
    keys: set[Key] = set()
    for raw in set(raw_ips):
        pair = ip_keys(raw)
        if pair:
            keys.add(("ip", pair[0], f"IP {pair[0]}"))
            keys.add(("ip_net", pair[1], f"network {pair[1]}"))
    return keys


def _doc_label(doc: Document) -> str:
    return doc.get_kind_display().lower() if doc.kind != "other" else "document"


def _image_keys(
    photo_id: UUID | None, document_image_ids: list[UUID], existing: list[Key]
) -> set[Key]:
    wanted = [(photo_id, "photo")] if photo_id else []
    wanted += [(image_id, "document_image") for image_id in document_image_ids]
    keys: set[Key] = set()
    missing: list[tuple[UUID, str]] = []
    for image_id, prefix in wanted:
        reused = {
            k
            for k in existing
            if k[0].startswith(prefix + "_")
            and (k[2].startswith(f"img:{image_id}") or k[1] == str(image_id))
        }
        if reused:
            keys |= reused
        else:
            missing.append((image_id, prefix))
    files = Image.objects.in_bulk([image_id for image_id, _ in missing])
    for image_id, prefix in missing:
        image = files.get(image_id)
        if image is not None:
            keys |= _fingerprint_keys(image, prefix)
    return keys


def _fingerprint_keys(image: Image, prefix: str) -> set[Key]:
    with_quads = prefix == "document_image"
    try:
        with image.file.open("rb") as fh:
            fp = images.fingerprint_file(fh, with_quads=with_quads)
    except (OSError, ValueError):  # the file is gone from storage: nothing to compare
        return set()
    if fp is None:
        return set()
    tag = f"img:{image.id}"
    keys = {(f"{prefix}_sha", fp.pixels_sha256, tag)}
    keys |= {(f"{prefix}_band", band, f"{tag}:{fp.whole}") for band in images.bands(fp.whole)}
    if with_quads:
        keys.add((f"{prefix}_quads", str(image.id), fp.quads))  # 171 characters
    return keys
