"""Rules-workspace fixtures: candidates scored by the real pipeline under the active rule set."""

from __future__ import annotations

from typing import Any

import pytest

from candidates import pipeline
from candidates.models import Candidate
from tests.dashboard.conftest import auditor, recruiter, rules_admin, superuser  # noqa: F401
from tests.factories import CandidateFactory, SessionFactory

# libphonenumber cannot parse "12" as a number: the phone check raises phone.invalid (15 points
# by default), the only signal this otherwise consistent candidate gets.
BAD_PHONE = "12"


def scored(*, review: str = "unreviewed", sessions: list[dict[str, Any]] = (), **fields: Any):
    """A candidate stored and assessed the way an API write does it, then decided. No phone and
    no home address unless given: the factory's defaults are shared, which would link them."""
    fields.setdefault("phone", "")
    fields.setdefault("home_address", None)
    candidate = CandidateFactory(**fields)
    for s in sessions:
        SessionFactory(candidate=candidate, **s)
    assessment = pipeline.assessment_request(candidate=candidate, trigger="upsert")
    pipeline.assessment_run(assessment_id=assessment.id)
    Candidate.objects.filter(pk=candidate.pk).update(review_status=review)
    candidate.refresh_from_db()
    return candidate


@pytest.fixture
def decided_set(db):
    """A rejected and a cleared candidate with phone.invalid, a rejected and a cleared one with
    no signal, and an undecided one with phone.invalid."""
    return {
        "a": scored(phone=BAD_PHONE, review="rejected", full_name="Ann Reject"),
        "b": scored(phone=BAD_PHONE, review="cleared", full_name="Ben Clear"),
        "c": scored(review="rejected", full_name="Cat Reject"),
        "d": scored(review="cleared", full_name="Dan Clear"),
        "e": scored(phone=BAD_PHONE, full_name="Eve Open"),
    }
