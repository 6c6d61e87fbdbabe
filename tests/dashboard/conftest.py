"""Dashboard fixtures: a user per role, and candidates posted through the API's service and
assessed by the real pipeline (tests/posting.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from candidates.models import ApiClient, Candidate
from candidates.roles import AUDITORS, RECRUITERS, RULES_ADMINS
from tests.factories import ApiClientFactory
from tests.posting import payload, post
from vetting.celery import app as celery_app

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


# libphonenumber's example UK VoIP number: a VoIP line, and foreign to a US claim.
VOIP_PHONE = "+44 56 1234 5678"
RESUME_LINES = [
    "Built payment systems at scale for ten years in fintech",
    "Designed the ledger service that settles two million card payments a day",
    "Moved the billing platform from a monolith to Kubernetes without downtime",
    "Mentored six engineers and ran the on-call rotation for the payments group",
]


def resume(*lines: str) -> str:
    return "\n".join(lines)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Posted photos and scans go to a per-test directory, not the checkout's var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(scope="module")
def _module_data(django_db_setup, django_db_blocker):
    """A transaction around the whole module: data made once per module (the flagged ring is
    six pipeline runs) is seen by every test, each of which runs in its own savepoint inside it,
    and is rolled back after the last test. Tests here must not be transactional."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # before the per-test fixture that also sets it
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _ats_id(_module_data, django_db_blocker) -> int:
    with django_db_blocker.unblock():
        return ApiClientFactory(name="Workday").pk


@pytest.fixture(scope="module")
def _flagged_id(_ats_id, django_db_blocker) -> UUID:
    """A high-risk candidate sharing a VoIP phone with two others and a resume with one, posted
    through the API's service and assessed by the pipeline."""
    with django_db_blocker.unblock():
        return _flagged(ApiClient.objects.get(pk=_ats_id)).pk


def _flagged(ats: ApiClient) -> Candidate:
    twin = post(
        ats,
        payload(
            "Boris Twin",
            phone=VOIP_PHONE,
            resume_text=resume(
                "Go engineer in Lisbon", *RESUME_LINES, "Hobbies include sailing boats"
            ),
        ),
    )
    other = post(ats, payload("Carla Other", phone=VOIP_PHONE))
    alex = post(
        ats,
        payload(
            "Alex Flagged",
            phone=VOIP_PHONE,
            resume_text=resume(
                "Python developer in Austin", *RESUME_LINES, "Likes chess and running"
            ),
        ),
    )
    assert {twin.assessment_status, other.assessment_status, alex.assessment_status} == {
        "completed"
    }
    return alex


@pytest.fixture
def ats(db, _ats_id) -> ApiClient:
    """The integration the module's candidates are posted by."""
    return ApiClient.objects.get(pk=_ats_id)


@pytest.fixture
def flagged(db, _flagged_id) -> Candidate:
    """Alex Flagged (see `_flagged_id`), fresh from the database for each test."""
    return Candidate.objects.get(pk=_flagged_id)
