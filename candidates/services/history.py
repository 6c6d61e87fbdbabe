"""Contact and payout history: every change of phone, email, the addresses and the payout, kept
masked as the API shows the value (payout numbers as their last 4), with when and which call.

The first values a candidate is created with are not changes; a later upsert that replaces,
sets or clears one is. Rows go with the candidate on erasure (cascade).
"""

from __future__ import annotations

from typing import Any

from candidates.models import ApiClient, Candidate, ContactChange

_PLAIN = ("phone", "email", "home_address", "shipping_address")
PAYOUT_COLUMNS = (
    "payout_account_holder",
    "payout_bank_country",
    "payout_routing_number",
    "payout_account_key",
    "payout_account_last4",
    "payout_iban_last4",
    "payout_iban_country",
    "has_payout",
    "payout_method",
    "payout_account_email_key",
    "payout_account_email_last4",
    "payout_wallet_key",
    "payout_wallet_last4",
)


def payout_public(candidate: Candidate) -> dict[str, Any] | None:
    """The payout as responses show it: holder and country as sent, numbers as last 4 only."""
    if not candidate.has_payout:
        return None
    return {
        "method": candidate.payout_method or "bank",
        "account_holder": candidate.payout_account_holder,
        "bank_country": candidate.payout_bank_country,
        "routing_number": candidate.payout_routing_number,
        "account_number_last4": candidate.payout_account_last4 or None,
        "iban_last4": candidate.payout_iban_last4 or None,
        "account_email_last4": candidate.payout_account_email_last4 or None,
        "wallet_address_last4": candidate.payout_wallet_last4 or None,
    }


def contact_snapshot(candidate: Candidate) -> dict[str, tuple[Any, Any]]:
    """field -> (identity to compare, masked value to keep). A payout is compared by all its
    stored columns (two accounts may share a last 4) and kept masked."""
    found: dict[str, tuple[Any, Any]] = {}
    for name in _PLAIN:
        value = getattr(candidate, name) or None
        found[name] = (value, value)
    payout = tuple(getattr(candidate, c) for c in PAYOUT_COLUMNS)
    found["payout"] = (payout, payout_public(candidate))
    return found


def contact_changes(
    *,
    candidate: Candidate,
    before: dict[str, tuple[Any, Any]],
    via: str,
    client: ApiClient | None,
    request_id: str,
) -> list[ContactChange]:
    """The unsaved rows for what changed since `before` (the caller saves them in bulk)."""
    after = contact_snapshot(candidate)
    return [
        ContactChange(
            candidate=candidate,
            field=name,
            old=before[name][1],
            new=after[name][1],
            stage=candidate.stage,
            via=via,
            client=client,
            request_id=request_id[:64],
        )
        for name in after
        if before[name][0] != after[name][0]
    ]
