"""Shape validation for the dashboard's filters and actions. Decisions live in services."""

from __future__ import annotations

from typing import Any

from django import forms

from candidates.dashboard.queue import QueueFilters
from candidates.models import ApiClient, Candidate, Observation
from checks.models import SignalRule
from checks.registry import catalogue

_ANY = [("", "Any")]


def _code_choices() -> list[tuple[str, Any]]:
    """Every code the registered checks may raise, grouped by check."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, check_name, _info in catalogue():
        groups.setdefault(check_name, []).append((code, code))
    return [("", "Any"), *groups.items()]


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Start of a name, email or external id",
    )
    status = forms.ChoiceField(
        label="Review status",
        required=False,
        choices=[("", "All statuses"), *Candidate.ReviewStatus.choices],
    )
    level = forms.ChoiceField(
        label="Risk level", required=False, choices=_ANY + Candidate.RiskLevel.choices
    )
    code = forms.ChoiceField(label="Signal code", required=False, choices=lambda: _code_choices())
    client = forms.ModelChoiceField(
        label="Source",
        required=False,
        empty_label="Any",
        queryset=ApiClient.objects.only("id", "name"),
    )
    created_from = forms.DateField(
        label="Created from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label="Created to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # The queue opens on unreviewed candidates; "All statuses" is an explicit choice.
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = Candidate.ReviewStatus.UNREVIEWED
        super().__init__(data, **kwargs)

    def filters(self) -> QueueFilters:
        d: dict[str, Any] = self.cleaned_data if self.is_valid() else {"status": "unreviewed"}
        client = d.get("client")
        return QueueFilters(
            status=d.get("status") or "",
            level=d.get("level") or "",
            code=(d.get("code") or "").strip(),
            client_id=client.id if client else None,
            created_from=d.get("created_from"),
            created_to=d.get("created_to"),
            q=(d.get("q") or "").strip(),
        )


class ObservationForm(forms.Form):
    code = forms.ChoiceField(label="Observation", choices=Observation.Code.choices)
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            (Candidate.ReviewStatus.CLEARED, "Clear"),
            (Candidate.ReviewStatus.ESCALATED, "Escalate"),
            (Candidate.ReviewStatus.REJECTED, "Reject"),
        ],
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=5000,
        help_text="Required to reject or escalate",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The completed assessment shown when the form was rendered ("" = none yet): a decision
    # is refused if a newer one completed meanwhile.
    assessment = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") in ("rejected", "escalated") and not data.get("note", "").strip():
            self.add_error("note", "A note is required to reject or escalate.")
        return data

    def carries_assessment(self) -> bool:
        """False for a form posted without the field (a page rendered before it existed)."""
        return self.add_prefix("assessment") in self.data


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label="Action",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"list": "actions"}),
    )
    candidate = forms.UUIDField(label="Candidate id", required=False)
    user = forms.CharField(label="User", required=False, max_length=150)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RulesForm(forms.Form):
    """Every signal's enabled/points/severity, every check's enabled flag, and the bands."""

    band_medium = forms.IntegerField(label="Medium from", min_value=1, max_value=100)
    band_high = forms.IntegerField(label="High from", min_value=1, max_value=100)
    band_critical = forms.IntegerField(label="Critical from", min_value=1, max_value=100)
    note = forms.CharField(label="What changed and why", max_length=300)

    def __init__(self, *args: Any, snapshot: dict[str, Any], **kwargs: Any) -> None:
        bands = snapshot["bands"]
        initial = {
            "band_medium": bands["medium"],
            "band_high": bands["high"],
            "band_critical": bands["critical"],
        }
        self.check_names = sorted(snapshot["checks"])
        self.codes = sorted(snapshot["signals"])
        for name in self.check_names:
            initial[f"check__{name}"] = snapshot["checks"][name]["enabled"]
        for code, rule in snapshot["signals"].items():
            initial.update(
                {
                    f"sig__{code}__enabled": rule["enabled"],
                    f"sig__{code}__points": rule["points"],
                    f"sig__{code}__severity": rule["severity"],
                }
            )
        super().__init__(*args, initial=initial, **kwargs)
        for name in self.check_names:
            self.fields[f"check__{name}"] = forms.BooleanField(
                required=False, label=f"{name} check enabled"
            )
        for code in self.codes:
            self.fields[f"sig__{code}__enabled"] = forms.BooleanField(
                required=False, label=f"{code} enabled"
            )
            self.fields[f"sig__{code}__points"] = forms.IntegerField(
                min_value=0, max_value=100, label=f"{code} points"
            )
            self.fields[f"sig__{code}__severity"] = forms.ChoiceField(
                choices=SignalRule.Severity.choices, label=f"{code} severity"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        m, h, c = data.get("band_medium"), data.get("band_high"), data.get("band_critical")
        if None not in (m, h, c) and not (m < h < c):  # type: ignore[operator]
            raise forms.ValidationError("Bands must rise: medium < high < critical.")
        return data

    def check_rows(self) -> list[tuple[str, forms.BoundField]]:
        return [(name, self[f"check__{name}"]) for name in self.check_names]

    def signal_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (
                code,
                self[f"sig__{code}__enabled"],
                self[f"sig__{code}__points"],
                self[f"sig__{code}__severity"],
            )
            for code in self.codes
        ]

    def changes(self) -> dict[str, Any]:
        """The overrides for `ruleset_save_new_version`: bands, checks and signals as edited."""
        d = self.cleaned_data
        return {
            "bands": {
                "medium": d["band_medium"],
                "high": d["band_high"],
                "critical": d["band_critical"],
            },
            "checks": {n: {"enabled": d[f"check__{n}"]} for n in self.check_names},
            "signals": {
                c: {
                    "enabled": d[f"sig__{c}__enabled"],
                    "points": d[f"sig__{c}__points"],
                    "severity": d[f"sig__{c}__severity"],
                }
                for c in self.codes
            },
        }
