"""Django admin for the link allowlist. Values are normalised on save the way link keys are, so an
admin may type "+1 (314) 200-0100", "Anna.E+x@Gmail.com" or "73.54.120.7/24"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from checks.links.allowlist import allowlist_key
from links.models import LinkAllowlist


class LinkAllowlistForm(forms.ModelForm):
    class Meta:
        model = LinkAllowlist
        fields = ("kind", "value", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") and data.get("value"):
            try:
                data["value"] = allowlist_key(data["kind"], data["value"])
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
