"""Vetting's own system checks over settings (registered by candidates.apps.ready).

Each has a stable id. They run with every management command (so `migrate` in a deployment
refuses bad values) and with `check --deploy`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

DEV_SECRET = "insecure-dev-only-secret-key-change-me"
MIN_KEY_LENGTH = 32


@register(Tags.security)
def check_secrets(app_configs=None, **kwargs) -> list[Error]:
    if settings.DEBUG:
        return []
    errors = []
    if settings.SECRET_KEY == DEV_SECRET or len(settings.SECRET_KEY) < MIN_KEY_LENGTH:
        errors.append(
            Error(
                "SECRET_KEY must be set to a random value of 32+ characters when DEBUG is off.",
                hint="python3 -c 'import secrets; print(secrets.token_urlsafe(48))'",
                id="vetting.E001",
            )
        )
    if len(settings.HASH_KEY) < MIN_KEY_LENGTH:
        errors.append(
            Error(
                "VETTING_HASH_KEY must be set to a random value of 32+ characters when DEBUG "
                "is off.",
                hint="Generate it once and keep it: changing it unlinks every candidate.",
                id="vetting.E002",
            )
        )
    return errors


@register()
def check_link_prefixes(app_configs=None, **kwargs) -> list[Error]:
    if (
        8 <= settings.VETTING_LINK_IPV4_PREFIX <= 32
        and 16 <= settings.VETTING_LINK_IPV6_PREFIX <= 128
    ):
        return []
    return [
        Error(
            "VETTING_LINK_IPV4_PREFIX must be 8-32 and VETTING_LINK_IPV6_PREFIX 16-128.",
            id="vetting.E003",
        )
    ]
