"""The one keyset-cursor codec the API list and the dashboard queue share."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

import pytest

from candidates.cursors import cursor_decode, cursor_encode

ID = UUID("6f1c2b9e-1d2a-4c3b-9a8e-0f1e2d3c4b5a")
WHEN = datetime(2026, 11, 20, 14, 3, 0, 123456, tzinfo=UTC)


def test_round_trip_keeps_every_part_exactly():
    east = WHEN.astimezone(timezone(timedelta(hours=9)))
    assert cursor_decode(cursor_encode(WHEN, ID), datetime, UUID) == (WHEN, ID)
    assert cursor_decode(cursor_encode(70, east, ID), int, datetime, UUID) == (70, east, ID)
    assert "=" not in cursor_encode(70, WHEN, ID)  # url-safe, no padding: fits a query string


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "\x00",
        "not base64!",
        "a" * 1000,
        _b64("2026-11-20T14:03:00|" + str(ID)),  # naive: not one we issued
        _b64(f"{WHEN.isoformat()}|not-a-uuid"),
        _b64(f"-1|{WHEN.isoformat()}|{ID}"),
        _b64(f"{WHEN.isoformat()}|{ID}|extra"),
        base64.b64encode(b"\xff\xfe").decode(),
    ],
)
def test_anything_else_is_not_a_cursor(cursor):
    assert cursor_decode(cursor, datetime, UUID) is None
    assert cursor_decode(cursor, int, datetime, UUID) is None


def test_a_list_cursor_is_not_a_queue_cursor():
    assert cursor_decode(cursor_encode(WHEN, ID), int, datetime, UUID) is None
