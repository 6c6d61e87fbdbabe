"""Interview observations: a recruiter's structured observation becomes its own signal."""

from __future__ import annotations

import pytest

from checks.base import Context, ObservationFacts
from checks.interview import InterviewCheck
from tests.checks.subjects import NOW, example

CHECK = InterviewCheck()


def _observed(code: str) -> dict:
    return {"observations": (ObservationFacts(code=code, note="seen in the call", created_at=NOW),)}


ENGINE_CASES = {code: _observed(code) for code in InterviewCheck.codes}


@pytest.mark.parametrize("code", sorted(InterviewCheck.codes))
def test_each_observation_is_its_own_signal(code):
    [finding] = CHECK.run(example(**_observed(code)), CHECK.Params(), Context())
    assert finding.code == code


def test_no_observation_no_signal():
    assert CHECK.run(example(), CHECK.Params(), Context()) == []
