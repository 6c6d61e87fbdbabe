"""API clients and their keys. A key is shown once; only its SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets

from candidates.models import ApiClient
from candidates.services import audit_record

KEY_PREFIX = "vk_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key(client: ApiClient) -> str:
    """Set a fresh key's prefix and hash on `client`; return the key (never stored)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    client.key_prefix, client.key_hash = key[:10], key_hash(key)
    return key


def api_client_create(*, name: str, webhook_url: str = "") -> tuple[ApiClient, str, str]:
    """Create a client; returns (client, api key, webhook secret). The key is never stored."""
    secret = "whsec_" + secrets.token_urlsafe(32)
    client = ApiClient(name=name, webhook_url=webhook_url, webhook_secret=secret)
    key = _new_key(client)
    client.save(force_insert=True)
    audit_record(
        action="client.created",
        client=client,
        detail={"name": name, "webhook": bool(webhook_url)},
    )
    return client, key, secret


def api_client_for_key(key: str) -> ApiClient | None:
    if not key.startswith(KEY_PREFIX):
        return None
    return ApiClient.objects.filter(key_hash=key_hash(key), is_active=True).first()


def api_client_rotate_key(*, client: ApiClient) -> str:
    """Give the client a new key (the old one stops working); returns it, shown once."""
    key = _new_key(client)
    client.save(update_fields=["key_prefix", "key_hash"])
    audit_record(action="client.key_rotated", client=client, detail={"prefix": client.key_prefix})
    return key
