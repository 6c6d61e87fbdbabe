"""Payout account against the candidate: holder name and bank country.

Payment to an account in another person's name, or in another country, is one of the advisory's
red flags (facilitators collect wages for DPRK workers). Names are compared tolerantly: order,
accents, case, middle names and initials, including a middle initial the bank added that the
profile lacks (see `checks.names.names_match`). An IBAN names its bank's country, so an IBAN-only
payout is compared by the IBAN's country.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.base import Check, Code, Context, Finding, Subject
from checks.countries import to_alpha2
from checks.evidence import Field
from checks.guidance import JOINT_2022_PAYMENT
from checks.names import names_match


class PayoutCheck(Check):
    name = "payout"
    evidence_fields = {
        "account_holder": Field("Account holder"),
        "candidate_name": Field("Candidate"),
        "account_last4": Field("Account ending"),
        "bank_country": Field("Bank's country"),
        "bank_country_from": Field("Bank's country from"),
        "claimed_country": Field("Claimed country"),
    }
    codes = {
        "payout.name_mismatch": Code(
            "The payout account holder is not the candidate", 40, "high", JOINT_2022_PAYMENT
        ),
        "payout.country_mismatch": Code(
            "The payout bank country differs from the claimed country",
            30,
            "medium",
            JOINT_2022_PAYMENT,
        ),
    }

    @dataclass(frozen=True)
    class Params:
        pass

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        findings = []
        holder = subject.payout_account_holder.strip()
        if (
            holder
            and subject.full_name
            and not names_match(subject.full_name, holder, extra_initials=True)
        ):
            findings.append(
                Finding(
                    "payout.name_mismatch",
                    f"Payout account holder {holder!r} is not the candidate {subject.full_name!r}",
                    {
                        "account_holder": holder,
                        "candidate_name": subject.full_name,
                        "account_last4": subject.payout_account_last4,
                    },
                )
            )
        sent = to_alpha2(subject.payout_bank_country) or subject.payout_bank_country.upper()
        bank = subject.payout_iban_country or sent
        claimed = to_alpha2(subject.claimed_country) or subject.claimed_country
        if bank and claimed and bank != claimed:
            findings.append(
                Finding(
                    "payout.country_mismatch",
                    f"Payout bank is in {bank}; the candidate claims {claimed}",
                    {
                        "bank_country": bank,
                        "bank_country_from": "iban" if subject.payout_iban_country else "sent",
                        "claimed_country": claimed,
                        "account_last4": subject.payout_account_last4,
                    },
                )
            )
        return findings
