"""Building candidates with link keys the way the API stores them."""

from __future__ import annotations

from PIL import Image as PILImage

from candidates.images import image_store, image_verify
from candidates.linking import candidate_keys_sync
from candidates.models import Candidate, Document, Image
from tests.links.synthetic import encode


def stored_image(img: PILImage.Image, fmt: str = "PNG", quality: int = 90) -> Image:
    return image_store(decoded=image_verify(encode(img, fmt, quality)))


def add_document(
    candidate: Candidate,
    *,
    number_key: str,
    last4: str = "0739",
    image: Image | None = None,
    kind: str = "passport",
) -> Document:
    return Document.objects.create(
        candidate=candidate,
        kind=kind,
        issuing_country="US",
        number_key=number_key,
        number_last4=last4,
        image=image,
    )


def synced(candidate: Candidate) -> Candidate:
    """Keyed as after a write and its assessment's first step (which keys the candidate and
    fingerprints its images)."""
    candidate_keys_sync(candidate_id=candidate.pk)
    return candidate


_seq = iter(range(10**9))


def candidate(**fields) -> Candidate:
    """A factory candidate with its own home address and phone unless given (the factory's
    defaults are shared by every candidate, which would link them all)."""
    from tests.factories import CandidateFactory

    n = next(_seq)
    fields.setdefault(
        "home_address",
        {
            "line1": f"{100 + n} Oak Lane",
            "city": "Springfield",
            "region": "IL",
            "postal_code": "62701",
            "country": "US",
        },
    )
    fields.setdefault("phone", f"+1 217 555 {n % 10000:04d}")
    return CandidateFactory(**fields)
