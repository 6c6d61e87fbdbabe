"""Fixtures for the API tests: two clients (one must never see the other's data), real images."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from django.test import Client
from PIL import Image as PILImage

from tests import factories


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
    body = factories.contract_example()
    body["documents"][0]["image"] = image_b64("JPEG", (12, 8))
    body["photo"] = data_uri("PNG", (10, 10))
    return body


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
