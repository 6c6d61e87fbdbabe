"""Payout holder name and bank country against the candidate."""

from __future__ import annotations

import pytest

from checks.base import Context
from checks.payout import PayoutCheck
from tests.checks.subjects import example

CHECK = PayoutCheck()
ENGINE_CASES = {
    "payout.name_mismatch": {"payout_account_holder": "John Smith"},
    "payout.country_mismatch": {"payout_bank_country": "CN"},
}


def _codes(**changes) -> set[str]:
    return {f.code for f in CHECK.run(example(**changes), PayoutCheck.Params(), Context())}


@pytest.mark.parametrize(
    "holder",
    [
        "Anna Eriksson",
        "ERIKSSON ANNA M",
        "Anna Maria Eriksson",
        "eriksson, anna maria",
        "A. M. Eriksson",
        "Änna Erikssön",
    ],
)
def test_holder_written_another_way_matches(holder):
    assert _codes(payout_account_holder=holder) == set()


@pytest.mark.parametrize(
    "holder", ["John Smith", "Anna Smith", "Eriksson Holdings", "Anna Eriksson Kim", "B. Eriksson"]
)
def test_holder_not_the_candidate(holder):
    assert _codes(payout_account_holder=holder) == {"payout.name_mismatch"}


def test_bank_country():
    assert _codes(payout_bank_country="USA") == set()
    assert _codes(payout_bank_country="CN") == {"payout.country_mismatch"}
    assert _codes(payout_bank_country="", payout_account_holder="") == set()
