"""The candidates side of link detection: hands the links layer plain facts about a candidate,
opens its images, reads resume texts for the resume check, and reassesses what links asks for."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import BinaryIO
from uuid import UUID

from candidates.models import Candidate, Image
from links.index import LinkIndex
from links.keys import DocumentKeyFacts, LinkFacts
from links.sync import link_keys_sync


class CandidateLinkIndex(LinkIndex):
    """The link index plus the one lookup that reads candidate data (resume texts)."""

    def resume_texts(self, candidate_ids: Iterable[UUID]) -> dict[UUID, str]:
        return dict(
            Candidate.objects.filter(pk__in=list(candidate_ids)).values_list("id", "resume_text")
        )

    def risk_levels(self, candidate_ids: Iterable[UUID]) -> dict[UUID, str]:
        return dict(
            Candidate.objects.filter(pk__in=list(candidate_ids)).values_list("id", "risk_level")
        )


def candidate_links_sync(*, candidate: Candidate) -> list[UUID]:
    """Recompute the candidate's link keys; the other holders of its old and new values."""
    return link_keys_sync(
        candidate_id=candidate.pk, facts=link_facts(candidate), open_image=image_open
    )


def link_facts(c: Candidate) -> LinkFacts:
    documents = list(c.documents.all())
    return LinkFacts(
        phone=c.phone,
        email=c.email,
        claimed_country=c.claimed_country,
        addresses=tuple(a for a in (c.home_address, c.shipping_address) if a),
        payout_account_key=c.payout_account_key,
        payout_last4=c.payout_account_last4 or c.payout_iban_last4,
        session_ips=tuple(c.sessions.values_list("ip", flat=True)),
        documents=tuple(
            DocumentKeyFacts(
                label=d.get_kind_display().lower() if d.kind != "other" else "document",
                number_key=d.number_key,
                number_last4=d.number_last4,
                image_id=d.image_id,
            )
            for d in documents
        ),
        photo_id=c.photo_id,
        resume_text=c.resume_text,
        **_v11_facts(c),
    )


def _v11_facts(c: Candidate) -> dict:
    metadata = c.resume_file.metadata if c.resume_file_id and c.resume_file else {}
    return {
        "full_name": c.full_name,
        "payout_holder": c.payout_account_holder,
        "payout_email_key": c.payout_account_email_key,
        "payout_email_last4": c.payout_account_email_last4,
        "payout_wallet_key": c.payout_wallet_key,
        "payout_wallet_last4": c.payout_wallet_last4,
        "references": tuple(r for r in (c.references or []) if isinstance(r, dict)),
        "client_id": str(c.client_id),
        "external_id": c.external_id,
        "referred_by_external_id": str((c.referred_by or {}).get("external_id") or ""),
        "resume_authors": tuple(str(metadata.get(k) or "") for k in ("author", "last_modified_by")),
    }


def image_open(image_id: UUID) -> AbstractContextManager[BinaryIO]:
    """A stored image's file, for fingerprinting; OSError when it is gone."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        raise FileNotFoundError(image_id)
    return image.file.open("rb")
