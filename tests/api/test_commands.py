"""create_api_client and create_user."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from candidates.models import ApiClient
from tests.api.conftest import Api


def test_create_api_client_prints_the_key_alone_on_the_last_line(db):
    out = io.StringIO()
    call_command(
        "create_api_client",
        "Greenhouse",
        "--webhook-url",
        "https://hr.example.com/hook",
        stdout=out,
    )
    lines = out.getvalue().strip().splitlines()
    key = lines[-1]
    client = ApiClient.objects.get(name="Greenhouse")
    assert any(client.webhook_secret in line for line in lines[:-1])
    assert key not in (client.key_hash, client.key_prefix)
    assert Api(key).get("/api/v1/candidates/").status_code == 200


def test_create_api_client_refuses_duplicates_and_bad_urls(db):
    call_command("create_api_client", "Lever", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_api_client", "Lever", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command(
            "create_api_client", "Other", "--webhook-url", "not a url", stdout=io.StringIO()
        )


@pytest.mark.parametrize(
    "role, group",
    [("recruiter", "Recruiters"), ("rules_admin", "Rules admins"), ("auditor", "Auditors")],
)
def test_create_user_with_role(db, monkeypatch, role, group):
    monkeypatch.setenv("VETTING_PASSWORD", "a-long-enough-Passw0rd!")
    call_command("create_user", f"u-{role}", "--role", role, stdout=io.StringIO())
    user = get_user_model().objects.get(username=f"u-{role}")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert user.check_password("a-long-enough-Passw0rd!")


def test_create_user_needs_a_password(db, monkeypatch):
    monkeypatch.delenv("VETTING_PASSWORD", raising=False)
    with pytest.raises(CommandError):
        call_command("create_user", "nopass", "--role", "auditor", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_user", "x", "--role", "boss", stdout=io.StringIO())
