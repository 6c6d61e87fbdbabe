"""Settings come from the environment and refuse unsafe production values; the documented
production settings pass `check --deploy` with no warning."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What README "Running it for real" and SECURITY.md tell an operator to set.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(48),
    "VETTING_HASH_KEY": secrets.token_urlsafe(32),
    "ALLOWED_HOSTS": "vetting.example.com",
}
_OURS = (
    "DEBUG",
    "SECRET_KEY",
    "VETTING_HASH_KEY",
    "VETTING_BEHIND_PROXY",
    "VETTING_HSTS_PRELOAD",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests in this process
)


def _check(*extra: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in _OURS}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", *extra],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_default_secret_and_a_missing_hash_key():
    result = _check(DEBUG="0")
    assert result.returncode != 0
    assert "vetting.E001" in result.stderr and "SECRET_KEY must be set" in result.stderr
    assert "vetting.E002" in result.stderr  # no silent fallback to SECRET_KEY


def test_production_refuses_short_keys():
    result = _check(**{**PRODUCTION, "SECRET_KEY": "short", "VETTING_HASH_KEY": "short"})
    assert result.returncode != 0
    assert "vetting.E001" in result.stderr and "vetting.E002" in result.stderr


def test_documented_production_settings_pass_check_deploy_cleanly():
    for proxy in ("0", "1"):  # Django redirects to HTTPS itself, or the proxy does
        result = _check("--fail-level", "WARNING", **PRODUCTION, VETTING_BEHIND_PROXY=proxy)
        assert result.returncode == 0, result.stderr
        assert "System check identified no issues" in result.stdout, result.stdout


def test_bad_link_prefixes_are_a_system_check_error():
    result = _check(DEBUG="1", VETTING_LINK_IPV4_PREFIX="40")
    assert result.returncode != 0 and "vetting.E003" in result.stderr


def test_a_bad_boolean_fails_loudly():
    result = _check(DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be one of" in result.stderr


def test_production_turns_on_secure_cookies_hsts_and_https(tmp_path):
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_AGE]))"
    )
    base = {k: v for k, v in os.environ.items() if k not in _OURS}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "vetting.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip().splitlines()[-1] == "[true, true, 31536000, true, 43200]", out
