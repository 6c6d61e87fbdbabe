"""Email checks: email-validator syntax and the disposable-email-domains blocklist."""

from __future__ import annotations

import pytest
from disposable_email_domains import blocklist

from checks.base import Context
from checks.email import EmailCheck
from tests.checks.subjects import example

CHECK = EmailCheck()
ENGINE_CASES = {
    "email.invalid": {"email": "anna@@example.com"},
    "email.disposable": {"email": "anna@mailinator.com"},
}


def _run(email: str, **params):
    found = CHECK.run(example(email=email), EmailCheck.Params(**params), Context())
    return {f.code: f for f in found}


@pytest.mark.parametrize(
    "email",
    ["anna.eriksson@example.com", "Anna+jobs@Example.COM", "anna@gmail.com", "josé@bücher.example"],
)
def test_ordinary_addresses_raise_nothing(email):
    assert _run(email) == {}


@pytest.mark.parametrize(
    "email",
    [
        "anna@@example.com",
        "anna",
        "anna@",
        "@example.com",
        "anna@example",
        "anna..e@example.com",
        "a b@example.com",
    ],
)
def test_syntax_failures(email):
    found = _run(email)
    assert set(found) == {"email.invalid"}
    assert found["email.invalid"].evidence["reason"]


@pytest.mark.parametrize("domain", sorted(blocklist)[:: max(1, len(blocklist) // 25)][:25])
def test_listed_domains_are_disposable(domain):
    found = _run(f"someone@{domain}")
    if "email.invalid" in found:  # a few listed names are not valid mail domains at all
        return
    assert found["email.disposable"].evidence["listed_domain"] == domain


def test_parent_domain_and_case():
    assert "mailinator.com" in blocklist
    found = _run("Someone@Inbox.MAILINATOR.com")
    assert found["email.disposable"].evidence["listed_domain"] == "mailinator.com"


def test_admin_allowlist_overrides_the_blocklist():
    assert _run("someone@mailinator.com", allowed_domains=("MAILINATOR.com",)) == {}
    assert "email.disposable" in _run("someone@mailinator.com", allowed_domains=("other.org",))
