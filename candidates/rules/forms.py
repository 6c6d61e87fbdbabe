"""Forms of the rules workspace. The draft form is generated from the check registry: every check's
Params fields (checks.params) become inputs with their help text and limits, so a new parameter
appears here without a line of form code."""

from __future__ import annotations

from typing import Any

from django import forms

from candidates.models import ApiClient, Candidate
from checks.models import Severity
from checks.params import ParamSpec, param_error, param_specs
from checks.registry import CHECKS
from checks.ruleset_io import bands_errors

_KIND_NAMES = {int: "a whole number", float: "a number", str: "text"}


class ListField(forms.CharField):
    """A list parameter as a textarea, one item per line."""

    def __init__(self, *, spec: ParamSpec, **kwargs: Any) -> None:
        self.spec = spec
        super().__init__(
            required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}), **kwargs
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def clean(self, value: Any) -> list[Any]:
        items: list[Any] = []
        lines = [line.strip() for line in (value or "").splitlines()]
        for n, line in enumerate((line for line in lines if line), start=1):
            try:
                items.append(self.spec.kind(line) if self.spec.kind is not str else line)
            except ValueError:
                raise forms.ValidationError(
                    f"Line {n}: {line!r} is not {_KIND_NAMES.get(self.spec.kind, 'valid')}."
                ) from None
            if self.spec.normalise is not None:
                try:
                    items[-1] = self.spec.normalise(items[-1])
                except ValueError as exc:
                    raise forms.ValidationError(f"Line {n}: {line!r}: {exc}.") from None
        if problem := param_error(self.spec, items):
            raise forms.ValidationError(problem)
        return items


def param_field(spec: ParamSpec) -> forms.Field:
    common: dict[str, Any] = {"label": spec.label, "help_text": spec.help}
    if spec.many:
        return ListField(spec=spec, **common)
    if spec.kind is bool:
        return forms.BooleanField(required=False, **common)
    limits = {"min_value": spec.min, "max_value": spec.max}
    if spec.kind is int:
        return forms.IntegerField(**common, **limits)
    if spec.kind is float:
        return forms.FloatField(**common, **limits)
    return forms.CharField(required=False, **common)


class DraftForm(forms.Form):
    """Bands; per check: enabled and every parameter; per code: enabled, points, severity."""

    band_medium = forms.IntegerField(label="Medium from", min_value=1, max_value=100)
    band_high = forms.IntegerField(label="High from", min_value=1, max_value=100)
    band_critical = forms.IntegerField(label="Critical from", min_value=1, max_value=100)

    def __init__(self, *args: Any, rules: dict[str, Any], **kwargs: Any) -> None:
        self.rules = rules
        initial: dict[str, Any] = {f"band_{k}": v for k, v in rules["bands"].items()}
        self.sections: list[tuple[Any, list[str], list[str]]] = []
        fields: dict[str, forms.Field] = {}
        for check in CHECKS:
            row = rules["checks"].get(check.name, {"enabled": True, "params": {}})
            key = f"check__{check.name}"
            fields[key] = forms.BooleanField(required=False, label=f"Run the {check.name} check")
            initial[key] = row["enabled"]
            param_keys = []
            for spec in param_specs(check.Params):
                pkey = f"param__{check.name}__{spec.name}"
                fields[pkey] = param_field(spec)
                initial[pkey] = row["params"].get(spec.name, spec.default)
                param_keys.append(pkey)
            code_keys = []
            for code, info in sorted(check.codes.items()):
                sig = rules["signals"].get(
                    code, {"enabled": True, "points": info.points, "severity": info.severity}
                )
                for part, field in self._signal_fields(code).items():
                    fields[f"sig__{code}__{part}"] = field
                    initial[f"sig__{code}__{part}"] = sig[part]
                code_keys.append(code)
            self.sections.append((check, param_keys, code_keys))
        super().__init__(*args, initial=initial, **kwargs)
        self.fields.update(fields)

    @staticmethod
    def _signal_fields(code: str) -> dict[str, forms.Field]:
        return {
            "enabled": forms.BooleanField(required=False, label=f"{code} enabled"),
            "points": forms.IntegerField(min_value=0, max_value=100, label=f"{code} points"),
            "severity": forms.ChoiceField(choices=Severity.choices, label=f"{code} severity"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        bands = {k: data.get(f"band_{k}") for k in ("medium", "high", "critical")}
        if None not in bands.values() and (problems := bands_errors(bands)):
            raise forms.ValidationError([p[0].upper() + p[1:] + "." for p in problems])
        return data

    def check_sections(self) -> list[dict[str, Any]]:
        """Per check, for the template: its toggle, parameter fields and signal rows."""
        return [
            {
                "check": check,
                "enabled": self[f"check__{check.name}"],
                "params": [self[k] for k in param_keys],
                "signals": [
                    {
                        "code": code,
                        "description": check.codes[code].description,
                        "guidance": check.codes[code].guidance,
                        "enabled": self[f"sig__{code}__enabled"],
                        "points": self[f"sig__{code}__points"],
                        "severity": self[f"sig__{code}__severity"],
                    }
                    for code in codes
                ],
            }
            for check, param_keys, codes in self.sections
        ]

    def rules_out(self) -> dict[str, Any]:
        """The draft's rules as edited; rows for checks or codes no longer registered stay."""
        d = self.cleaned_data
        checks = {k: dict(v) for k, v in self.rules["checks"].items()}
        signals = {k: dict(v) for k, v in self.rules["signals"].items()}
        for check, param_keys, codes in self.sections:
            stored = self.rules["checks"].get(check.name, {}).get("params", {})
            defaults = {s.name: s.default for s in param_specs(check.Params)}
            # Only what the row held or now differs from the default: no noise in the diff.
            params = {
                name: d[k]
                for k in param_keys
                if (name := k.rsplit("__", 1)[1]) in stored or d[k] != defaults[name]
            }
            checks[check.name] = {"enabled": d[f"check__{check.name}"], "params": params}
            for code in codes:
                signals[code] = {
                    p: d[f"sig__{code}__{p}"] for p in ("enabled", "points", "severity")
                }
        bands = {k: d[f"band_{k}"] for k in ("medium", "high", "critical")}
        return {"bands": bands, "checks": checks, "signals": signals}


class SimulationForm(forms.Form):
    created_from = forms.DateField(
        label="Created from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label="Created to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    client = forms.ModelChoiceField(
        label="Source", required=False, empty_label="Any", queryset=ApiClient.objects.only("name")
    )
    level = forms.ChoiceField(
        label="Current level", required=False, choices=[("", "Any"), *Candidate.RiskLevel.choices]
    )
    decided_only = forms.BooleanField(label="Decided only (rejected or cleared)", required=False)
    flag_level = forms.ChoiceField(
        label="Counts as flagged from",
        initial="high",
        choices=Candidate.RiskLevel.choices[1:],
        help_text="For agreement with decisions: this level or above = flagged as fraud",
    )

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "created_from": d["created_from"].isoformat() if d["created_from"] else "",
            "created_to": d["created_to"].isoformat() if d["created_to"] else "",
            "client_id": str(d["client"].id) if d["client"] else "",
            "level": d["level"],
            "decided_only": d["decided_only"],
            "flag_level": d["flag_level"],
        }


class PublishForm(forms.Form):
    note = forms.CharField(label="Change note (what changed and why)", max_length=300)
    rescore = forms.BooleanField(
        label="Rescore every stored candidate under the new version now",
        required=False,
        initial=True,
    )
