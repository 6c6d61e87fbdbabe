"""Request ids on every response, and JSON errors for everything under /api/.

Django answers some errors before DRF is involved (its 404 page, a CSRF failure, a 500, a body
over DATA_UPLOAD_MAX_MEMORY_SIZE); under /api/ those become the contract's JSON error shape, so
an integration never has to parse an HTML page.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from candidates.api.errors import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, json_error
from candidates.logcontext import request_id_var

log = logging.getLogger(__name__)
HEADER = "X-Request-Id"
UNAVAILABLE_PAGE = (
    "<!doctype html><title>Temporarily unavailable · Vetting</title>"
    "<h1>Temporarily unavailable</h1><p>The database did not answer. Nothing you sent was "
    "half-saved; please try again in a few seconds.</p>"
)
# An incoming id is reused only if it is short and plain, so it is safe in logs and headers.
_SANE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


def request_id_for(request: HttpRequest) -> str:
    incoming = request.headers.get(HEADER, "")
    return incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_for(request)  # type: ignore[attr-defined]
        token = request_id_var.set(request.request_id)  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        if is_api(request) and response.status_code >= 400 and not _is_json(response):
            response = json_error(status_code=response.status_code, request_id=request.request_id)  # type: ignore[attr-defined]
        response[HEADER] = request.request_id  # type: ignore[attr-defined]
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if is_api(request) and isinstance(exc, RequestDataTooBig):
            return json_error(status_code=413, request_id=request.request_id)  # type: ignore[attr-defined]
        if isinstance(exc, DATABASE_UNAVAILABLE):  # the dashboard's, or outside DRF's handler
            log.warning("Database unavailable: %s", exc)
            if is_api(request):
                response = json_error(status_code=503, request_id=request.request_id)  # type: ignore[attr-defined]
            else:
                response = HttpResponse(UNAVAILABLE_PAGE, status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return None


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")
