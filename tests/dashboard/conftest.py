"""Dashboard fixtures: a user per role, and candidates stored as a completed assessment would
store them (signals with contributions from the real scoring function)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from candidates.models import Assessment, Candidate, Signal
from candidates.roles import AUDITORS, RECRUITERS, RULES_ADMINS
from checks.scoring import Bands, contributions, risk_level_for, risk_score
from tests.factories import CandidateFactory

PASSWORD = "correct horse battery staple 42"


def make_user(django_user_model, username: str, group: str | None = None, **extra: Any):
    user = django_user_model.objects.create_user(
        username=username, password=PASSWORD, is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def recruiter(db, django_user_model):
    return make_user(django_user_model, "rita", RECRUITERS)


@pytest.fixture
def auditor(db, django_user_model):
    return make_user(django_user_model, "audrey", AUDITORS)


@pytest.fixture
def rules_admin(db, django_user_model):
    return make_user(django_user_model, "ruben", RULES_ADMINS)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(username="root", password=PASSWORD)


def assessed(
    candidate: Candidate, signals: list[tuple[str, int, list[Candidate]]], **shared: str
) -> Assessment:
    """Store a completed assessment with these (code, points, related) signals, as
    `assessment_store` would: contributions and level from `checks.scoring`."""
    points = [p for _, p, _ in signals]
    score = risk_score(points)
    level = risk_level_for(score, Bands())
    seq = candidate.assessment_seq + 1
    assessment = Assessment.objects.create(
        candidate=candidate,
        seq=seq,
        trigger="upsert",
        status="completed",
        risk_score=score,
        risk_level=level,
        ruleset_version=1,
        assessed_at=timezone.now(),
    )
    Signal.objects.bulk_create(
        [
            Signal(
                assessment=assessment,
                code=code,
                check_name=code.split(".")[0],
                score=p,
                contribution=share,
                severity="high" if p >= 40 else "medium",
                message=f"Test finding for {code}",
                evidence={"value": code, "source": "test"},
                related_candidates=[
                    {"id": str(r.id), "shared": shared.get(code, code)} for r in related
                ],
                related_count=len(related),
            )
            for (code, p, related), share in zip(signals, contributions(points), strict=True)
        ]
    )
    Candidate.objects.filter(pk=candidate.pk).update(
        assessment_seq=seq,
        latest_assessment=assessment,
        completed_assessment=assessment,
        assessment_status="completed",
        risk_score=score,
        risk_level=level,
        assessed_at=assessment.assessed_at,
    )
    candidate.refresh_from_db()
    return assessment


@pytest.fixture
def flagged(db):
    """A high-risk candidate sharing a phone and a resume with two others."""
    twin = CandidateFactory(
        full_name="Boris Twin",
        resume_text="Senior Go engineer\n"
        "Built payment systems at scale for ten years in fintech\nHobbies",
    )
    other = CandidateFactory(full_name="Carla Other")
    c = CandidateFactory(
        full_name="Alex Flagged",
        phone="+1 555 0100",
        resume_text="Python developer\nBuilt payment systems at scale for "
        "ten years in fintech\nLikes chess",
    )
    assessed(
        c,
        [
            ("phone.voip", 25, []),
            ("link.phone_shared", 40, [twin, other]),
            ("link.resume_duplicate", 35, [twin]),
        ],
        **{
            "link.phone_shared": "phone +1 555 ***-0100",
            "link.resume_duplicate": "resume (82% similar)",
        },
    )
    return c
