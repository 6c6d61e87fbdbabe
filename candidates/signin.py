"""Sign-in hardening around Django's own login views.

- Guessing: django-axes counts failures per username and per client IP (settings, "Security")
  and locks either out for `AXES_COOLOFF_TIME`; an admin lifts a lockout in /admin/ (Axes >
  Access attempts) or with `manage.py axes_reset_username USERNAME` / `axes_reset_ip IP`.
- Second factor: with `VETTING_REQUIRE_2FA` on, staff, superusers and rules admins must confirm a
  TOTP code (django-otp) once per session before any page but sign-in/out; the first time they
  enrol an authenticator app on the same page.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from candidates.roles import RULES_ADMINS
from candidates.services import audit_record

# Paths a signed-in user who has not confirmed the second factor may still open.
_OPEN_PATHS = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/healthz", "/api/")


def client_ip(request: HttpRequest) -> str | None:
    """The address lockouts count: behind a TLS-terminating proxy (`VETTING_BEHIND_PROXY`) the
    right-most X-Forwarded-For entry, the one our own proxy appended; otherwise the peer."""
    if settings.VETTING_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def second_factor_required(user) -> bool:
    if not settings.VETTING_REQUIRE_2FA or not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or user.groups.filter(name=RULES_ADMINS).exists()


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: send an unverified user who needs 2FA to confirm it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            not request.path.startswith(_OPEN_PATHS)
            and second_factor_required(user)
            and not user.is_verified()
        ):
            target = reverse("second_factor") + "?next=" + quote(request.get_full_path())
            return HttpResponseRedirect(target)
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.RegexField(
        regex=r"^\d{6}$",
        label="Code from your authenticator app",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Confirm a TOTP code; enrol the device first if the user has none confirmed yet."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device, _ = TOTPDevice.objects.get_or_create(
            user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
        )
    form = TokenForm(request.POST or None)
    if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            _audit(request, "user.second_factor_enrolled")
        otp_login(request, device)
        return HttpResponseRedirect(_next(request))
    if form.is_bound and not form.errors:
        form.add_error("token", "That code is not valid now. Try the current one.")
    context = {
        "form": form,
        "enrolling": enrolling,
        "secret": base64.b32encode(device.bin_key).decode() if enrolling else "",
        "config_url": device.config_url if enrolling else "",
        "next": _next(request),
    }
    return render(request, "registration/second_factor.html", context)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _audit(request: HttpRequest, action: str) -> None:
    audit_record(action=action, user=request.user, request_id=getattr(request, "request_id", ""))
