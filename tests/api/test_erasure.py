"""DELETE: erasure of personal data, images (files too), keys and signal history."""

from __future__ import annotations

import json

from django.core.files.storage import default_storage

from candidates.models import (
    Assessment,
    AuditEvent,
    Candidate,
    Document,
    IdempotencyRecord,
    Image,
    Session,
    Signal,
    Tombstone,
)
from candidates.pipeline import assessment_run
from links.models import LinkKey
from tests.api.conftest import assert_error, contract_example

URL = "/api/v1/candidates/"


def test_erasure_removes_everything_personal_and_leaves_a_tombstone(
    api, other_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cid = api.post(URL, contract_example(), headers={"Idempotency-Key": "k1"}).json()["id"]
        api.post(
            f"{URL}{cid}/observations/",
            {"code": "interview.camera_refused"},
            headers={"Idempotency-Key": "k2"},
        )
    files = [i.file.name for i in Image.objects.all()]
    assert len(files) == 2 and all(default_storage.exists(n) for n in files)
    assert IdempotencyRecord.objects.filter(key="k1").exists()

    assert_error(other_api.delete(f"{URL}{cid}/"), 404, "not_found")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"{URL}{cid}/")
    assert response.status_code == 204
    assert not Candidate.objects.filter(pk=cid).exists()
    for model in (Session, Document, Assessment, LinkKey):
        assert not model.objects.filter(candidate_id=cid).exists()
    assert not Signal.objects.filter(assessment__candidate_id=cid).exists()
    assert not Image.objects.exists()
    assert not any(default_storage.exists(n) for n in files)
    assert not IdempotencyRecord.objects.filter(key__in=("k1", "k2")).exists()
    assert Tombstone.objects.filter(pk=cid, client=api.client).exists()
    assert AuditEvent.objects.filter(candidate_id=cid, action="candidate.erased").exists()

    assert api.delete(f"{URL}{cid}/").status_code == 204  # repeated: still 204
    assert_error(api.get(f"{URL}{cid}/"), 404, "not_found")
    assert_error(other_api.delete(f"{URL}{cid}/"), 404, "not_found")


def test_erasure_reassesses_linked_candidates(api, other_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # assessed, so keyed (the worker's)
        one = api.post(URL, contract_example()).json()["id"]
        two = other_api.post(URL, contract_example()).json()["id"]  # same phone, email, ...
    before = Assessment.objects.filter(candidate_id=two).count()
    assert api.delete(f"{URL}{one}/").status_code == 204
    after = Assessment.objects.filter(candidate_id=two).order_by("-seq")
    assert after.count() == before + 1
    assert after.first().trigger == "link"


def test_assessment_finishing_after_erasure_writes_nothing(api):
    cid = api.post(URL, contract_example()).json()["id"]
    pending = Assessment.objects.get(candidate_id=cid)
    api.delete(f"{URL}{cid}/")
    assessment_run(assessment_id=pending.id)  # a worker picking up the queued task late
    assert not Candidate.objects.filter(pk=cid).exists()
    assert not Assessment.objects.filter(pk=pending.id).exists()
    assert not Signal.objects.exists()


def test_unknown_id_is_404(api):
    assert_error(api.delete(f"{URL}00000000-0000-0000-0000-000000000000/"), 404, "not_found")
    assert_error(api.delete(f"{URL}nope/"), 404, "not_found")


def test_outcome_stored_after_erasure_writes_nothing(api):
    from candidates.linking import CandidateLinkIndex
    from candidates.pipeline import assessment_claim, assessment_store
    from candidates.subject import subject_load
    from checks import engine
    from checks.base import Context
    from checks.rulesets import ruleset_active_snapshot

    cid = api.post(URL, contract_example()).json()["id"]
    pending = Assessment.objects.get(candidate_id=cid)
    assert assessment_claim(assessment_id=pending.id)
    rules = ruleset_active_snapshot()
    outcome = engine.evaluate(
        subject_load(candidate_id=pending.candidate_id), rules, Context(links=CandidateLinkIndex())
    )
    api.delete(f"{URL}{cid}/")  # erased while the worker was evaluating
    # The erasure cascaded to the assessment row itself: the store finds no candidate and
    # writes nothing.
    assessment_store(assessment=pending, rules=rules, outcome=outcome)
    assert not Signal.objects.exists()
    assert not Assessment.objects.filter(pk=pending.id).exists()


def test_erasure_sends_candidate_erased_with_ids_only(
    api_client_factory, django_capture_on_commit_callbacks
):
    from candidates.models import WebhookEvent
    from tests.api.conftest import Api

    client, key = api_client_factory(name="hooked", webhook_url="https://hr.example.com/hook")
    hooked = Api(key, client)
    cid = hooked.post(URL, contract_example()).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert hooked.delete(f"{URL}{cid}/").status_code == 204
    event = WebhookEvent.objects.get(type="candidate.erased")
    assert json.loads(event.body)["data"] == {"id": cid, "external_id": "ats-12345"}
    # Events that carried the candidate's data went with it.
    assert not WebhookEvent.objects.filter(candidate_id=cid).exists()
