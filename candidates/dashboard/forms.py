"""Shape validation for the dashboard's filters and actions. Decisions live in services."""

from __future__ import annotations

from typing import Any

from django import forms

from candidates.dashboard.queue import QueueFilters
from candidates.models import ApiClient, Candidate, Observation
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
    vendor = forms.CharField(
        label="Vendor", required=False, max_length=200, help_text="The submitting firm's name"
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
            vendor=(d.get("vendor") or "").strip(),
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
