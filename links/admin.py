"""Django admin for the link allowlist. Values are normalised on save the way link keys are, so an
admin may type "+1 (314) 200-0100", "Anna.E+x@Gmail.com" or "73.54.120.7/24"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from checks.links.normalise import ip_keys, mailbox_key, phone_key
from links.models import LinkAllowlist


def allowlist_value(kind: str, raw: str) -> str:
    """The stored key for what an admin typed; ValueError when it cannot be a key of `kind`."""
    raw = (raw or "").strip()
    if kind == LinkAllowlist.Kind.PHONE:
        value = phone_key(raw)
    elif kind == LinkAllowlist.Kind.EMAIL:
        value = mailbox_key(raw)
    elif kind == LinkAllowlist.Kind.IP:
        value = (ip_keys(raw) or (None,))[0]
    elif kind == LinkAllowlist.Kind.IP_NET:
        value = (ip_keys(raw.split("/", 1)[0]) or (None, None))[1]
    else:  # address: the key as the signal's evidence shows it ("us|63101|st louis|1 main st")
        value = raw if raw.count("|") == 3 else None
    if not value:
        hint = (
            "an international number (+...)"
            if kind == "phone"
            else "the address key shown in the signal evidence"
            if kind == "address"
            else f"a valid {kind}"
        )
        raise ValueError(f"Enter {hint}.")
    return value


class LinkAllowlistForm(forms.ModelForm):
    class Meta:
        model = LinkAllowlist
        fields = ("kind", "value", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") and data.get("value"):
            try:
                data["value"] = allowlist_value(data["kind"], data["value"])
            except ValueError as exc:
                self.add_error("value", str(exc))
        return data


@admin.register(LinkAllowlist)
class LinkAllowlistAdmin(admin.ModelAdmin):
    form = LinkAllowlistForm
    list_display = ("kind", "value", "note", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("value", "note")

    def save_model(self, request: HttpRequest, obj: LinkAllowlist, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
