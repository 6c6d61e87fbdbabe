"""A JSON parser that refuses what cannot be stored faithfully, with the contract's codes.

- a body over the view's cap -> 413 `payload_too_large` (read no further): the view's
  `max_body_bytes` (small for endpoints that carry no images), else
  settings.VETTING_MAX_REQUEST_BYTES;
- a body with more JSON objects and arrays than the view's `max_json_containers` -> 413 before
  parsing: `[{},{},...]` costs ~25 times its size in Python objects;
- anything but JSON (or a JSON value with NaN/Infinity or lone surrogates) -> 400 `malformed_json`;
- a non-JSON content type -> 415 `unsupported_media_type` (DRF raises it when no parser matches).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework.parsers import BaseParser

from candidates.api.errors import malformed_json, payload_too_large, too_many_containers

DEFAULT_MAX_CONTAINERS = 20_000


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class StrictJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        view = (parser_context or {}).get("view")
        limit = getattr(view, "max_body_bytes", None) or settings.VETTING_MAX_REQUEST_BYTES
        request = (parser_context or {}).get("request")
        declared = _content_length(request)
        if declared is not None and declared > limit:
            raise payload_too_large(limit)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise payload_too_large(limit)
        containers = getattr(view, "max_json_containers", None) or DEFAULT_MAX_CONTAINERS
        # An upper bound (braces inside strings count too), at C speed over the raw bytes;
        # base64 images contain none.
        if raw.count(b"{") + raw.count(b"[") > containers:
            raise too_many_containers(containers)
        try:
            text = raw.decode("utf-8")
            data = json.loads(text, parse_constant=_refuse_constant)
            # Lone surrogates parse but cannot be stored as UTF-8 text.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeError as exc:
            raise malformed_json("The body is not valid UTF-8 JSON text.") from exc
        except RecursionError as exc:
            raise malformed_json("The JSON body is nested too deeply.") from exc
        except ValueError as exc:
            raise malformed_json(f"Malformed JSON: {exc}") from exc
        return data


def _content_length(request) -> int | None:
    if request is None:
        return None
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) or None
    except ValueError:
        return None
