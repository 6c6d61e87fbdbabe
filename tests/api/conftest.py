"""Fixtures for the API tests: two clients (one must never see the other's data), real images."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from django.test import Client
from PIL import Image as PILImage


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 6), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def image_b64(fmt: str = "PNG", size: tuple[int, int] = (8, 6), color=(200, 30, 30)) -> str:
    return base64.b64encode(image_bytes(fmt, size, color)).decode()


def data_uri(fmt: str = "JPEG", size: tuple[int, int] = (8, 6), color=(10, 120, 30)) -> str:
    mime = "image/jpeg" if fmt == "JPEG" else "image/png"
    return f"data:{mime};base64,{image_b64(fmt, size, color)}"


CONTRACT_MRZ = (
    "P<USAERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n5841207393USA7408122F3204153<<<<<<<<<<<<<<00"
)


def contract_example() -> dict[str, Any]:
    """The contract's example candidate, with real images where it has placeholders."""
    return {
        "external_id": "ats-12345",
        "full_name": "Anna Maria Eriksson",
        "email": "anna.eriksson@example.com",
        "phone": "+1 314 200 0100",
        "date_of_birth": "1974-08-12",
        "nationality": "USA",
        "claimed_location": {
            "country": "US",
            "region": "MO",
            "city": "St. Louis",
            "timezone": "America/Chicago",
        },
        "home_address": {
            "line1": "1 Main St",
            "line2": "",
            "city": "St. Louis",
            "region": "MO",
            "postal_code": "63101",
            "country": "US",
        },
        "shipping_address": {
            "line1": "1 Main St",
            "city": "St. Louis",
            "region": "MO",
            "postal_code": "63101",
            "country": "US",
        },
        "payout": {
            "account_holder": "Anna Eriksson",
            "bank_country": "US",
            "routing_number": "081000210",
            "account_number": "000123456789",
            "iban": None,
        },
        "sessions": [
            {
                "ip": "73.54.120.18",
                "seen_at": "2026-11-20T14:03:00Z",
                "kind": "application",
                "user_agent": "Mozilla/5.0 ...",
                "timezone": "America/Chicago",
                "utc_offset_minutes": -360,
            }
        ],
        "documents": [
            {
                "kind": "passport",
                "number": "584120739",
                "issuing_country": "USA",
                "expires_on": "2032-04-15",
                "mrz": CONTRACT_MRZ,
                "image": image_b64("JPEG", (12, 8)),
            }
        ],
        "photo": data_uri("PNG", (10, 10)),
        "resume_text": "plain text of the resume",
        "profiles": {
            "linkedin": "https://www.linkedin.com/in/anna",
            "github": "https://github.com/anna",
        },
    }


class Api:
    """A JSON client for one API key."""

    def __init__(self, key: str | None, client=None):
        self.http = Client()
        self.key = key
        self.client = client

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return {**headers, **(extra or {})}

    def post(
        self,
        path: str,
        body: Any = None,
        *,
        raw: bytes | str | None = None,
        content_type: str = "application/json",
        headers: dict | None = None,
    ):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.http.post(
            path, data=data, content_type=content_type, headers=self.headers(headers)
        )

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        return self.http.get(path, params or {}, headers=self.headers(headers))

    def delete(self, path: str):
        return self.http.delete(path, headers=self.headers())


@pytest.fixture
def api(api_client_factory) -> Api:
    client, key = api_client_factory(name="ats-one")
    return Api(key, client)


@pytest.fixture
def other_api(api_client_factory) -> Api:
    """A second integration: it must never see or change `api`'s candidates."""
    client, key = api_client_factory(name="ats-two")
    return Api(key, client)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def assert_error(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"]["code"] == code, body
    assert body["error"]["request_id"] == response["X-Request-Id"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]
