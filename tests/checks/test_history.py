"""Contact churn and late payout changes from the kept history (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checks.base import ContactChangeFacts, Context
from checks.history import HistoryCheck
from tests.checks.subjects import example

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _change(field: str, days: float, stage: str = "screening", replaced: bool = True):
    return ContactChangeFacts(field, T0 + timedelta(days=days), stage, replaced)


ENGINE_CASES = {
    "history.contact_churn": {
        "contact_changes": (_change("phone", 0), _change("email", 1), _change("home_address", 2))
    },
    "history.payout_changed_late": {"contact_changes": (_change("payout", 3, "offer"),)},
}


def _codes(*changes, **params) -> set[str]:
    subject = example(contact_changes=tuple(changes))
    return {f.code for f in HistoryCheck().run(subject, HistoryCheck.Params(**params), Context())}


def test_churn_needs_enough_replacements_inside_the_window():
    assert _codes(_change("phone", 0), _change("email", 10), _change("phone", 29)) == {
        "history.contact_churn"
    }
    assert _codes(_change("phone", 0), _change("email", 10), _change("phone", 31)) == set()
    assert _codes(_change("phone", 0), _change("phone", 1), churn_changes=2) == {
        "history.contact_churn"
    }


def test_first_values_and_payouts_are_not_contact_churn():
    first = [
        _change(f, i, replaced=False) for i, f in enumerate(("phone", "email", "home_address"))
    ]
    assert _codes(*first) == set()
    assert _codes(_change("payout", 0), _change("payout", 1), _change("payout", 2)) == set()


def test_late_payout_change_only_at_a_late_stage_and_only_a_replacement():
    assert _codes(_change("payout", 0, "hired")) == {"history.payout_changed_late"}
    assert _codes(_change("payout", 0, "offer", replaced=False)) == set()
    assert _codes(_change("payout", 0, "interviewing")) == set()
    assert _codes(_change("payout", 0, "interviewing"), late_stages=("interviewing",)) == {
        "history.payout_changed_late"
    }
