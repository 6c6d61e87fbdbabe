"""What happens after an assessment finishes (webhook delivery plugs in here)."""

from uuid import UUID


def assessment_finished(*, assessment_id: UUID) -> None:
    """Called on commit of a completed or failed assessment."""


def review_updated(*, candidate_id: UUID) -> None:
    """Called on commit of a review change (a decision or the system's reset)."""
