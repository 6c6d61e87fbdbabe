"""Contact and payout history: details that keep changing, and a payout moved at the last moment.

Facilitators re-point a hired worker's pay and contacts once the offer is made, and identities
rented out for a scheme change hands (and so phone, email and address) repeatedly. A first value
set later is not a change of anything and never counts; only replacing or clearing one does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from checks.base import Check, Code, ContactChangeFacts, Context, Finding, Subject
from checks.evidence import Field
from checks.guidance import FBI_2025_PAYMENT_CHANGES, JOINT_2022

CONTACT_FIELDS = ("phone", "email", "home_address", "shipping_address")


class HistoryCheck(Check):
    name = "history"
    evidence_fields = {
        "changes": Field("Changes"),
        "field": Field("What changed"),
        "changed_at": Field("When"),
        "stage": Field("Stage after the change"),
        "window_days": Field("Window (days)"),
        "threshold": Field("Changes that count as churn"),
        "late_stages": Field("Late stages"),
    }
    codes = {
        "history.contact_churn": Code(
            "Phone, email or address changed repeatedly within a short time",
            25,
            "medium",
            JOINT_2022,
        ),
        "history.payout_changed_late": Code(
            "The payout account changed at or after the offer stage",
            40,
            "high",
            FBI_2025_PAYMENT_CHANGES,
        ),
    }

    @dataclass(frozen=True)
    class Params:
        churn_changes: int = 3  # replacements of phone, email or an address ...
        churn_window_days: int = 30  # ... within this many days
        late_stages: tuple[str, ...] = ("offer", "hired")

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        return _churn(subject.contact_changes, params) + _late_payout(
            subject.contact_changes, params
        )


def _churn(changes: tuple[ContactChangeFacts, ...], params: HistoryCheck.Params) -> list[Finding]:
    replaced = sorted(
        (c for c in changes if c.replaced and c.field in CONTACT_FIELDS),
        key=lambda c: c.changed_at,
    )
    need, window = max(1, params.churn_changes), timedelta(days=params.churn_window_days)
    start = 0
    for end, last in enumerate(replaced):
        while last.changed_at - replaced[start].changed_at > window:
            start += 1
        burst = replaced[start : end + 1]
        if len(burst) < need:
            continue
        fields = sorted({c.field for c in burst})
        return [
            Finding(
                "history.contact_churn",
                f"{len(burst)} changes of {', '.join(f.replace('_', ' ') for f in fields)} within "
                f"{params.churn_window_days} days",
                {
                    "changes": [
                        {"field": c.field, "changed_at": c.changed_at.isoformat()} for c in burst
                    ],
                    "window_days": params.churn_window_days,
                    "threshold": need,
                },
            )
        ]
    return []


def _late_payout(
    changes: tuple[ContactChangeFacts, ...], params: HistoryCheck.Params
) -> list[Finding]:
    late = [
        c
        for c in changes
        if c.field == "payout" and c.replaced and c.stage in set(params.late_stages)
    ]
    if not late:
        return []
    first = late[0]
    more = f" and {len(late) - 1} more time(s)" if late[1:] else ""
    return [
        Finding(
            "history.payout_changed_late",
            f"The payout account changed at stage {first.stage!r} "
            f"({first.changed_at:%Y-%m-%d}){more}",
            {
                "changes": [
                    {"changed_at": c.changed_at.isoformat(), "stage": c.stage} for c in late
                ],
                "late_stages": list(params.late_stages),
            },
        )
    ]
