"""What happens when an assessment finishes, a review changes or a candidate is erased: the
client's webhook events. Each runs inside the transaction of the change it reports, so the event
row commits with the change or not at all (a transactional outbox); its delivery is queued after
commit, and the webhook sweep sends any whose queueing was lost."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction

from candidates import webhooks
from candidates.api import representations, selectors
from candidates.models import ApiClient, Assessment, Candidate


def assessment_finished(*, candidate_id: UUID, status: str, trigger: str) -> None:
    """Called in the transaction that completes or fails an assessment."""
    kind = "assessment.completed" if status == Assessment.Status.COMPLETED else "assessment.failed"
    _emit(candidate_id=candidate_id, type=kind, trigger=trigger)


def review_updated(*, candidate_id: UUID, trigger: str = "manual") -> None:
    """Called in the transaction of a review change (a decision, or the system's reset)."""
    _emit(candidate_id=candidate_id, type="review.updated", trigger=trigger)


def candidate_erased(*, candidate_id: UUID, client_id: UUID, external_id: str) -> None:
    """Called in the erasure's transaction: the event carries only the ids."""
    client = ApiClient.objects.filter(pk=client_id).first()
    with transaction.atomic():
        webhooks.webhook_events_erase(candidate_id=candidate_id)
        if client is not None:
            webhooks.webhook_event_create(
                client=client,
                type="candidate.erased",
                trigger="manual",
                data={"id": str(candidate_id), "external_id": external_id},
                candidate_id=None,
            )


def _emit(*, candidate_id: UUID, type: str, trigger: str) -> None:
    client = ApiClient.objects.filter(candidates__id=candidate_id).exclude(webhook_url="").first()
    if client is None:
        return
    data = _candidate_as_get(client=client, candidate_id=candidate_id)
    if data is None:  # erased meanwhile
        return
    with transaction.atomic():
        webhooks.webhook_event_create(
            client=client, type=type, trigger=trigger, data=data, candidate_id=candidate_id
        )


def _candidate_as_get(*, client: ApiClient, candidate_id: UUID) -> dict[str, Any] | None:
    candidate: Candidate | None = selectors.candidate_get(client=client, candidate_id=candidate_id)
    if candidate is None:
        return None
    external_ids = selectors.external_ids_for(
        client=client, candidate_ids=representations.related_ids(candidate)
    )
    return representations.candidate_detail(candidate, external_ids=external_ids)
