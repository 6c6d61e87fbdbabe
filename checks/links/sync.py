"""Keeping a candidate's link keys in step with its data (owned by the link-detection work).

Both functions run inside the transaction that changed the candidate and return the other
candidates whose links changed (holders of an old or a new value), for a one-hop reassessment.
"""

from __future__ import annotations

from uuid import UUID

from candidates.models import Candidate


def link_keys_sync(*, candidate: Candidate) -> list[UUID]:
    """Recompute `candidate`'s LinkKey rows; return the other holders of old and new values."""
    return []


def link_keys_erase(*, candidate_id: UUID) -> list[UUID]:
    """Before erasure: drop the candidate's keys; return the candidates it was linked to."""
    return []
