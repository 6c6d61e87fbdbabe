"""One keyset-cursor codec, shared by the API's candidate list and the dashboard's queue.

A cursor is the sort key of the last row served, as "|"-joined values in url-safe base64
without padding. Clients treat it as opaque; a string that does not decode to a key of the
expected types is not a cursor we issued, and `cursor_decode` says so with None.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any
from uuid import UUID

KeyPart = int | datetime | UUID


def cursor_encode(*key: KeyPart) -> str:
    raw = "|".join(part.isoformat() if isinstance(part, datetime) else str(part) for part in key)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_decode(cursor: str, *types: type[KeyPart]) -> tuple[Any, ...] | None:
    """The key `cursor_encode` was given, parsed as `types`; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = raw.split("|")
        if len(parts) != len(types):
            return None
        return tuple(_parse(kind, text) for kind, text in zip(types, parts, strict=True))
    except ValueError:  # also binascii.Error and UnicodeDecodeError
        return None


def _parse(kind: type[KeyPart], text: str) -> KeyPart:
    if kind is datetime:
        value = datetime.fromisoformat(text)
        if value.tzinfo is None:
            raise ValueError("a cursor's timestamp carries its offset")
        return value
    if kind is int:
        if not (text.isascii() and text.isdigit()):
            raise ValueError("not a non-negative integer")
        return int(text)
    return UUID(text)
