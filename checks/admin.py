"""Django admin for rule sets: edit the active version, and saving creates a NEW version.

A version an assessment used is never rewritten (assessments keep the version they ran with), so
the change form never saves in place: bands, check rules (enabled, params) and signal rules
(enabled, points, severity) go through `checks.rulesets.ruleset_save_new_version`. Only the
active version is editable; older ones are read-only. Params are validated against each check's
`Params` dataclass with messages that name the parameter and the expected type.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from checks.models import CheckRule, RuleSet, SignalRule
from checks.registry import CHECKS
from checks.rulesets import ruleset_save_new_version

_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


def _type_error(value: Any, expected: Any) -> str | None:
    """Why `value` (decoded JSON) does not fit the annotation `expected`; None if it does."""
    origin = typing.get_origin(expected)
    if origin in (tuple, list):
        if not isinstance(value, list | tuple):
            return "expected a list"
        item = typing.get_args(expected)[0]
        bad = [i for i, v in enumerate(value) if _type_error(v, item)]
        return f"item {bad[0]}: expected {_TYPE_NAMES.get(item, item)}" if bad else None
    if expected is bool:
        ok = isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif expected is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        ok = isinstance(value, expected)
    return None if ok else f"expected {_TYPE_NAMES.get(expected, expected)}"


def _range_error(name: str, value: Any) -> str | None:
    # Conventions of our Params names: shares are fractions, hours are clock hours.
    if name.endswith("_share") and not 0 <= value <= 1:
        return "a share must be between 0 and 1"
    if name.endswith("_hour") and not 0 <= value <= 23:
        return "an hour must be between 0 and 23"
    if (name.endswith(("_count", "_minutes"))) and value < 0:
        return "must not be negative"
    return None


def params_errors(check_name: str, raw: Any) -> list[str]:
    """Every problem with a check's params JSON; [] when the check's Params accept it."""
    check = next((c for c in CHECKS if c.name == check_name), None)
    if check is None:
        return []  # a check no longer in the registry: nothing to validate against
    if not isinstance(raw, dict):
        return ["params must be a JSON object"]
    hints = typing.get_type_hints(check.Params)
    known = {f.name for f in dataclasses.fields(check.Params)}
    errors = [
        f"unknown parameter {k!r} (known: {', '.join(sorted(known)) or 'none'})"
        for k in raw
        if k not in known
    ]
    for key in sorted(known & raw.keys()):
        problem = _type_error(raw[key], hints[key])
        if problem is None and not isinstance(raw[key], list | tuple):
            problem = _range_error(key, raw[key])
        if problem:
            errors.append(f"{key}: {problem}")
    return errors


class CheckRuleForm(forms.ModelForm):
    class Meta:
        model = CheckRule
        fields = ("enabled", "params")

    def clean_params(self) -> Any:
        params = self.cleaned_data.get("params")
        errors = params_errors(self.instance.check_name, params if params is not None else {})
        if errors:
            raise forms.ValidationError(errors)
        return params or {}


class _VersionRowInline(admin.TabularInline):
    """Rows of a version: editable only on the active version, never added or removed."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Rows are part of the rule set: the rule set's permissions govern them.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("checks.view_ruleset") or request.user.has_perm(
            "checks.change_ruleset"
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_active:
            return False
        return request.user.has_perm("checks.change_ruleset")


class CheckRuleInline(_VersionRowInline):
    model = CheckRule
    form = CheckRuleForm
    fields = ("check_name", "enabled", "params")
    readonly_fields = ("check_name",)


class SignalRuleInline(_VersionRowInline):
    model = SignalRule
    fields = ("code", "enabled", "points", "severity")
    readonly_fields = ("code",)


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ("band_medium", "band_high", "band_critical", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            self.instance.pk
            and not RuleSet.objects.filter(pk=self.instance.pk, is_active=True).exists()
        ):
            raise forms.ValidationError("A newer version was saved meanwhile: edit that one.")
        bands = [data.get(k) for k in ("band_medium", "band_high", "band_critical")]
        if None not in bands and not bands[0] < bands[1] < bands[2]:  # type: ignore[operator]
            raise forms.ValidationError("Bands must rise: medium < high < critical.")
        return data


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    form = RuleSetForm
    inlines = (CheckRuleInline, SignalRuleInline)
    list_display = ("version", "is_active", "note", "created_at", "created_by")
    list_filter = ("is_active",)
    readonly_fields = ("version", "is_active", "created_at", "created_by")
    fields = (
        "version",
        "is_active",
        "band_medium",
        "band_high",
        "band_critical",
        "note",
        "created_at",
        "created_by",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_active:
            return False  # an old version stays as assessments saw it
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: RuleSet, form: Any, change: bool) -> None:
        pass  # never in place: save_related writes the new version

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        pass

    @transaction.atomic
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        base = RuleSet.objects.select_for_update().get(pk=form.instance.pk)
        checks, signals = {}, {}
        for formset in formsets:
            # The change message reads these; nothing was saved in place.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for f in formset.forms:
                data, rule = f.cleaned_data, f.instance
                if isinstance(rule, CheckRule):
                    checks[rule.check_name] = {"enabled": data["enabled"], "params": data["params"]}
                elif isinstance(rule, SignalRule):
                    signals[rule.code] = {
                        "enabled": data["enabled"],
                        "points": data["points"],
                        "severity": data["severity"],
                    }
        d = form.cleaned_data
        note = d["note"] if d["note"] != base.note else f"Edited in admin from v{base.version}"
        request._new_ruleset = ruleset_save_new_version(  # type: ignore[attr-defined]
            base=base,
            note=note,
            user=request.user,
            checks=checks,
            signals=signals,
            bands={
                "medium": d["band_medium"],
                "high": d["band_high"],
                "critical": d["band_critical"],
            },
        )

    def response_change(self, request: HttpRequest, obj: RuleSet) -> HttpResponse:
        new = getattr(request, "_new_ruleset", None)
        if new is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            f"Saved as rule set v{new.version}, now active; v{obj.version} is kept unchanged.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:checks_ruleset_change", args=[new.pk]))
