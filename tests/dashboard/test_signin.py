"""Sign-in resists guessing (django-axes), the optional second factor (django-otp), and the
session lifetime."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from candidates.models import AuditEvent
from tests.dashboard.conftest import PASSWORD

WRONG = "not the password at all"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Dozens of sign-ins per test: a cheap hasher keeps them quick (the throttle is the point)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _sign_in(browser: Client, username: str, password: str, path="/accounts/login/"):
    return browser.post(path, {"username": username, "password": password, "next": "/"})


def _signed_in(browser: Client) -> bool:
    return "_auth_user_id" in browser.session


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_the_11th_wrong_password_locks_the_user_out_until_it_expires(recruiter, path):
    browser = Client()
    for _ in range(9):
        response = _sign_in(browser, "rita", WRONG, path)
        assert response.status_code == 200 and not _signed_in(browser)
    assert _sign_in(browser, "rita", WRONG, path).status_code == 429  # the 10th locks
    refused = _sign_in(Client(REMOTE_ADDR="198.51.100.7"), "rita", PASSWORD, path)
    assert refused.status_code == 429  # the right password, another network: still locked
    assert b"Too many failed sign-ins" in refused.content
    # The lockout expires after the cool-off.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1))
    fresh = Client()
    assert _sign_in(fresh, "rita", PASSWORD, path).status_code == 302
    assert _signed_in(fresh)


def test_an_admin_lifts_a_lockout(recruiter):
    browser = Client()
    for _ in range(10):
        _sign_in(browser, "rita", WRONG)
    assert _sign_in(browser, "rita", PASSWORD).status_code == 429
    call_command("axes_reset_username", "rita")
    assert _sign_in(browser, "rita", PASSWORD).status_code == 302


def test_one_address_guessing_many_users_is_locked_out(recruiter, auditor):
    browser = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(10):
        _sign_in(browser, f"user{n}", WRONG)
    assert _sign_in(browser, "audrey", PASSWORD).status_code == 429
    other_network = Client(REMOTE_ADDR="203.0.113.10")
    assert _sign_in(other_network, "audrey", PASSWORD).status_code == 302  # the user is fine


def test_sessions_last_twelve_hours_by_default(recruiter):
    browser = Client()
    assert _sign_in(browser, "rita", PASSWORD).status_code == 302
    assert browser.session.get_expiry_age() == 12 * 3600


def _code(device: TOTPDevice, drift=0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def test_with_2fa_required_staff_enrol_and_confirm_a_totp_code(rules_admin, settings):
    settings.VETTING_REQUIRE_2FA = True
    browser = Client()
    assert _sign_in(browser, "ruben", PASSWORD).status_code == 302
    blocked = browser.get("/rules/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/accounts/2fa/")
    assert browser.get("/admin/").status_code == 302
    page = browser.get(blocked["Location"])
    assert b"Add this key to an authenticator app" in page.content
    device = TOTPDevice.objects.get(user=rules_admin, confirmed=False)
    wrong = browser.post("/accounts/2fa/", {"token": "000000", "next": "/rules/"})
    assert wrong.status_code == 200 and browser.get("/rules/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows guessing down...
    device.throttle_reset()  # ...for a second after a wrong code; let that second pass
    confirmed = browser.post("/accounts/2fa/", {"token": _code(device), "next": "/rules/"})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/rules/"
    assert browser.get("/rules/").status_code == 200
    assert AuditEvent.objects.filter(
        action="user.second_factor_enrolled", actor_user=rules_admin
    ).exists()

    # A new session asks for the code again (no enrolment this time).
    again = Client()
    _sign_in(again, "ruben", PASSWORD)
    assert again.get("/rules/").status_code == 302
    page = again.get("/accounts/2fa/")
    assert b"Enter the current code" in page.content
    device.refresh_from_db()
    assert again.post("/accounts/2fa/", {"token": _code(device, drift=1)}).status_code == 302
    assert again.get("/rules/").status_code == 200


def test_without_the_setting_no_second_factor_is_asked(rules_admin):
    browser = Client()
    _sign_in(browser, "ruben", PASSWORD)
    assert browser.get("/rules/").status_code == 200
