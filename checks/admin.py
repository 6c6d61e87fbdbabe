"""Django admin for rule sets: edit the active version, and saving creates a NEW version.

A version an assessment used is never rewritten (assessments keep the version they ran with), so
the change form never saves in place: bands, check rules (enabled, params) and signal rules
(enabled, points, severity) go through `checks.rulesets.ruleset_save_new_version`. Only the
active version is editable; older ones are read-only. Params are validated against each check's
`Params` dataclass with messages that name the parameter and the expected type.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from checks.drafts import rules_diff, rules_of, ruleset_change_record
from checks.models import CheckRule, RuleSet, RuleSetChange, SignalRule
from checks.params import params_errors as check_params_errors
from checks.registry import CHECKS
from checks.rulesets import ruleset_save_new_version


def params_errors(check_name: str, raw: Any) -> list[str]:
    """Every problem with a check's params JSON; [] when the check's Params accept it."""
    check = next((c for c in CHECKS if c.name == check_name), None)
    if check is None:
        return []  # a check no longer in the registry: nothing to validate against
    return check_params_errors(check.Params, raw)


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
    list_display = ("version", "status", "is_active", "note", "created_at", "created_by")
    list_filter = ("is_active", "status")
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
            return False  # an old version stays as assessments saw it; drafts live in /rules/
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
        new = ruleset_save_new_version(
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
        # The admin saves straight to a new active version; its audit entry carries the diff.
        ruleset_change_record(
            action=RuleSetChange.Action.SAVED,
            user=request.user,
            via="admin",
            ruleset=new,
            note=note,
            diff=rules_diff(rules_of(base), rules_of(new)),
        )
        request._new_ruleset = new  # type: ignore[attr-defined]

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


@admin.register(RuleSetChange)
class RuleSetChangeAdmin(admin.ModelAdmin):
    """The rule-set audit trail, read-only."""

    list_display = ("at", "action", "version", "actor", "via", "note")
    list_filter = ("action", "via")
    readonly_fields = ("at", "action", "version", "ruleset", "actor", "user", "via", "note", "diff")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("checks.view_ruleset")
