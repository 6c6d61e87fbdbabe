"""Idempotency-Key on POST: the same key and body within the window replays the stored response.

The handler and the record run in one transaction, so a stored response always matches work
that committed; two concurrent requests with one key cannot both commit (the unique constraint
on (client, key) refuses the second, which answers 409). Responses of 5xx and errors raised as
exceptions are not stored, so a corrected retry with the same key is processed.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from candidates.api.errors import ApiError
from candidates.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _conflict(message: str) -> ApiError:
    return ApiError(status_code=409, code="idempotency_conflict", message=message)


def fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            raise ApiError(
                status_code=400,
                code="validation_error",
                message=f"{HEADER} must be 1-{MAX_KEY_LENGTH} printable characters.",
                fields={HEADER: ["Invalid key."]},
            )
        digest = fingerprint(request)
        try:
            with transaction.atomic():
                replay = _replay(client=request.user, key=key, digest=digest)
                if replay is not None:
                    return replay
                response = handler(view, request, *args, **kwargs)
                if response.status_code < 500:
                    _prune(client=request.user)
                    IdempotencyRecord.objects.create(
                        client=request.user,
                        key=key,
                        fingerprint=digest,
                        status_code=response.status_code,
                        response_body=response.data,
                    )
                return response
        except IntegrityError as exc:
            raise _conflict("A request with this Idempotency-Key is already in progress.") from exc

    return wrapper


def _replay(*, client, key: str, digest: str) -> Response | None:
    record = IdempotencyRecord.objects.filter(client=client, key=key).first()
    if record is None:
        return None
    window = timedelta(hours=settings.VETTING_IDEMPOTENCY_HOURS)
    if record.created_at < timezone.now() - window:
        record.delete()  # expired: the key may be used afresh
        return None
    if record.fingerprint != digest:
        raise _conflict("This Idempotency-Key was used with a different request body.")
    return Response(
        record.response_body, status=record.status_code, headers={"Idempotent-Replayed": "true"}
    )


def _prune(*, client, batch: int = 100) -> None:
    """Drop a few of the client's expired records on each new one: the table stays about one
    window of traffic without a periodic job (created_at is indexed)."""
    cutoff = timezone.now() - timedelta(hours=settings.VETTING_IDEMPOTENCY_HOURS)
    stale = list(
        IdempotencyRecord.objects.filter(client=client, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:batch]
    )
    if stale:
        IdempotencyRecord.objects.filter(pk__in=stale).delete()


def idempotency_prune(*, batch: int = 5000) -> int:
    """Periodic: delete every record past the window, all clients, in bounded batches. Stored
    responses carry personal data; a client that stops sending keyed requests must not keep
    them forever (the per-client pruning above only runs on that client's next request)."""
    cutoff = timezone.now() - timedelta(hours=settings.VETTING_IDEMPOTENCY_HOURS)
    deleted = 0
    while True:
        stale = list(
            IdempotencyRecord.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[
                :batch
            ]
        )
        if not stale:
            return deleted
        deleted += IdempotencyRecord.objects.filter(pk__in=stale).delete()[0]
