"""Bearer API keys. A missing or unknown key is a 401 with `WWW-Authenticate: Bearer`."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from candidates.api_clients import api_client_for_key
from candidates.models import ApiClient


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request) -> tuple[ApiClient, str] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None  # IsAuthenticated then answers 401 with our WWW-Authenticate
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key or len(key) > 200 or not key.isascii():
            raise exceptions.AuthenticationFailed(
                "Send the API key as 'Authorization: Bearer <key>'."
            )
        client = api_client_for_key(key)
        if client is None:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        return client, key

    def authenticate_header(self, request) -> str:
        return self.keyword
