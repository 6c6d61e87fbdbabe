"""The contract's error shape for every API error: `{"error": {code, message, fields, request_id}}`.

`fields` is keyed by dotted paths into the body (`sessions.0.seen_at`), flattened from DRF's nested
error details, so an integrator can point at the exact value that was refused.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from candidates.images import StorageQuotaExceeded

log = logging.getLogger(__name__)

# Codes for a bare HTTP status (Django's own error pages, DRF exceptions without our code).
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
    503: "unavailable",
}
STATUS_MESSAGES = {
    400: "The request could not be understood.",
    401: "Authentication credentials were not provided or are invalid.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "The request body is too large.",
    415: "Unsupported media type: send application/json.",
    429: "Too many requests.",
    500: "Internal server error.",
    503: "The service is temporarily unavailable.",
}


class ApiError(exceptions.APIException):
    """An error with an explicit contract code."""

    def __init__(
        self,
        *,
        status_code: int,
        code: str,
        message: str,
        fields: dict[str, list[str]] | None = None,
    ):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.fields = fields or {}


def malformed_json(message: str) -> ApiError:
    return ApiError(status_code=400, code="malformed_json", message=message)


def payload_too_large(limit: int) -> ApiError:
    return ApiError(
        status_code=413,
        code="payload_too_large",
        message=f"The request body is over the limit of {limit} bytes.",
    )


def too_many_containers(limit: int) -> ApiError:
    return ApiError(
        status_code=413,
        code="payload_too_large",
        message=f"The request body holds more than {limit} JSON objects and arrays.",
    )


def storage_quota_exceeded(limit: int) -> ApiError:
    return ApiError(
        status_code=413,
        code="storage_quota_exceeded",
        message=f"This client's stored images would exceed its quota of {limit} bytes; "
        "erase candidates it no longer needs or ask the operator for a larger quota.",
    )


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail -> {"dotted.path": [messages]}; top-level errors under "_"."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            for k, v in flatten(value, path).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list) and any(isinstance(v, (dict, list)) for v in detail):
        for index, value in enumerate(detail):
            if value in ({}, [], None):
                continue
            path = f"{prefix}.{index}" if prefix else str(index)
            for k, v in flatten(value, path).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        out.setdefault(prefix or "_", []).extend(str(v) for v in detail)
    else:
        out.setdefault(prefix or "_", []).append(str(detail))
    return out


def error_body(
    *, code: str, message: str, fields: dict | None = None, request_id: str = ""
) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "fields": fields or {},
            "request_id": request_id,
        }
    }


def error_for(exc: Exception) -> tuple[int, str, str, dict[str, list[str]]]:
    """(status, code, message, fields) for an exception raised while handling a request."""
    if isinstance(exc, ApiError):
        return exc.status_code, exc.error_code, str(exc.detail), exc.fields
    if isinstance(exc, StorageQuotaExceeded):
        quota = storage_quota_exceeded(exc.quota)
        return quota.status_code, quota.error_code, str(quota.detail), {}
    if isinstance(exc, Http404):
        return 404, "not_found", "Not found.", {}
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten(exc.detail)
        return 400, "validation_error", validation_message(fields), fields
    if isinstance(exc, exceptions.ParseError):
        return 400, "malformed_json", str(exc.detail), {}
    if isinstance(exc, exceptions.APIException):
        code = STATUS_CODES.get(exc.status_code, "error")
        return exc.status_code, code, str(exc.detail), {}
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return 503, "unavailable", STATUS_MESSAGES[503], {}
    return 500, "server_error", STATUS_MESSAGES[500], {}


# A lost or refused database connection (a restart, a failover, a terminated backend): the
# request may be retried as is, so 503, not a 500. Nothing half-written stays: writes are atomic.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def validation_message(fields: dict[str, list[str]]) -> str:
    if not fields:
        return "The request is invalid."
    path, messages = next(iter(fields.items()))
    where = "" if path == "_" else f"{path}: "
    more = f" (and {len(fields) - 1} more)" if len(fields) > 1 else ""
    return f"Invalid request. {where}{messages[0]}{more}"


def request_id_of(request) -> str:
    raw = getattr(request, "_request", request)
    return getattr(raw, "request_id", "")


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error in the contract's shape, headers kept."""
    status_code, code, message, fields = error_for(exc)
    if status_code >= 500 and status_code != 503:
        # Unexpected: let Django log it and answer through the middleware's JSON 500.
        return None
    headers: dict[str, str] = {}
    if status_code == 503:
        log.warning("Database unavailable: %s", exc)
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(int(exc.wait) + (0 if exc.wait == int(exc.wait) else 1))
    if status_code == status.HTTP_401_UNAUTHORIZED:
        headers.setdefault("WWW-Authenticate", "Bearer")
    request = context.get("request")
    body = error_body(
        code=code,
        message=message,
        fields=fields,
        request_id=request_id_of(request) if request is not None else "",
    )
    return Response(body, status=status_code, headers=headers)


def json_error(
    *, status_code: int, request_id: str, code: str | None = None, message: str | None = None
) -> JsonResponse:
    """A contract error for places outside DRF (the middleware)."""
    return JsonResponse(
        error_body(
            code=code or STATUS_CODES.get(status_code, "error"),
            message=message or STATUS_MESSAGES.get(status_code, "Error."),
            request_id=request_id,
        ),
        status=status_code,
    )
