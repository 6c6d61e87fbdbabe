"""Webhook delivery: signed, at-least-once, with exponential back-off for a day.

An event's body is fixed when it is created (every retry sends the same bytes, so a receiver can
de-duplicate on `X-Vetting-Event-Id`). The first attempt is queued on commit; the periodic sweep
sends whatever is due, which covers both the back-off schedule and a broker that lost the task.
Every attempt is recorded. Erasing a candidate deletes the events that carry its data.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from django.utils import timezone

from candidates import metrics, tasks, webhook_http
from candidates.models import ApiClient, Tombstone, WebhookAttempt, WebhookEvent
from links.queueing import enqueue, enqueue_on_commit

log = logging.getLogger(__name__)

RETRY_FOR = timedelta(days=1)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=2)
LEASE = timedelta(seconds=60)  # a claimed event is not sent again by the sweep meanwhile


def signature_header(*, secret: str, body: bytes, timestamp: int) -> str:
    """`t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, as receivers verify it."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def webhook_event_create(
    *, client: ApiClient, type: str, trigger: str, data: dict[str, Any], candidate_id: UUID | None
) -> WebhookEvent | None:
    """Record an event for the client's webhook (if it has one) and queue it after commit."""
    if not client.webhook_url or not client.is_active:  # a deactivated client gets nothing
        return None
    if candidate_id is not None and Tombstone.objects.filter(pk=candidate_id).exists():
        return None  # erased: no event may carry its data again (candidate.erased carries ids)
    now = timezone.now()
    event_id = "evt_" + secrets.token_hex(12)
    body = json.dumps(
        {"id": event_id, "type": type, "created": _iso(now), "trigger": trigger, "data": data},
        separators=(",", ":"),
        sort_keys=True,
    )
    event = WebhookEvent.objects.create(
        id=event_id,
        client=client,
        candidate_id=candidate_id,
        type=type,
        body=body,
        next_attempt_at=now,
        created_at=now,
    )
    enqueue_on_commit(tasks.webhook_deliver_task, event_id, what=f"webhook {event_id}")
    return event


def webhook_deliver(*, event_id: str) -> str | None:
    """One attempt, if the event is due and nobody else holds it. Returns the new status."""
    now = timezone.now()
    claimed = WebhookEvent.objects.filter(
        id=event_id,
        status=WebhookEvent.Status.PENDING,
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + LEASE)
    if claimed != 1:
        return None
    event = WebhookEvent.objects.select_related("client").get(id=event_id)
    if not event.client.is_active:  # deactivated since the event was written: stop for good
        WebhookEvent.objects.filter(id=event_id).update(status=WebhookEvent.Status.FAILED)
        return WebhookEvent.Status.FAILED
    status_code, error, duration_ms = _post(event)
    WebhookAttempt.objects.create(
        event=event, status_code=status_code, error=error[:500], duration_ms=duration_ms
    )
    event.attempts += 1
    if status_code is not None and 200 <= status_code < 300:
        event.status, event.delivered_at = WebhookEvent.Status.DELIVERED, timezone.now()
    else:
        wait = min(FIRST_RETRY * 2 ** (event.attempts - 1), LONGEST_WAIT)
        event.next_attempt_at = timezone.now() + wait
        if event.next_attempt_at > event.created_at + RETRY_FOR:
            event.status = WebhookEvent.Status.FAILED
    event.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    outcome = "retry" if event.status == WebhookEvent.Status.PENDING else event.status
    metrics.WEBHOOK_DELIVERIES.labels(outcome).inc()
    return event.status


def webhook_sweep(*, limit: int = 500) -> int:
    """Queue every pending event whose time has come. Returns how many."""
    due = list(
        WebhookEvent.objects.filter(
            status=WebhookEvent.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
    for event_id in due:
        if not enqueue(tasks.webhook_deliver_task, event_id, what=f"webhook {event_id}"):
            break  # the broker is still down: the next sweep sends them
    metrics.SWEEP_REQUEUED.labels("webhook").inc(len(due))
    return len(due)


def webhook_events_erase(*, candidate_id: UUID) -> int:
    """Erasure: events whose body carries the candidate's data go, delivered or not."""
    deleted, _ = WebhookEvent.objects.filter(candidate_id=candidate_id).delete()
    return deleted


def _post(event: WebhookEvent) -> tuple[int | None, str, int]:
    body = event.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Vetting-Webhooks/1",
        "X-Vetting-Event-Id": event.id,
        "X-Vetting-Signature": signature_header(
            secret=event.client.webhook_secret, body=body, timestamp=int(time.time())
        ),
    }
    started = time.monotonic()
    try:
        code, error = webhook_http.post(event.client.webhook_url, body=body, headers=headers), ""
        if 300 <= code < 400:
            error = f"HTTP {code}: redirects are not followed"
        elif not 200 <= code < 300:
            error = f"HTTP {code}"
    except webhook_http.Refused as exc:
        code, error = None, f"refused: {exc}"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        code, error = None, f"{type(exc).__name__}: {exc}"
    return code, error, int((time.monotonic() - started) * 1000)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
