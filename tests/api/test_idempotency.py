"""Idempotency-Key on POST: replay within the window, 409 on a different body."""

from __future__ import annotations

from datetime import timedelta

from candidates.models import Assessment, Candidate, IdempotencyRecord
from tests.api.conftest import assert_error, contract_example

URL = "/api/v1/candidates/"


def test_same_key_and_body_replays_without_doing_the_work_again(api):
    headers = {"Idempotency-Key": "create-anna-1"}
    first = api.post(URL, contract_example(), headers=headers)
    assert first.status_code == 201
    second = api.post(URL, contract_example(), headers=headers)
    assert second.status_code == 201  # the stored answer, not a fresh 200
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Assessment.objects.count() == 1


def test_same_key_different_body_is_409(api):
    headers = {"Idempotency-Key": "k"}
    api.post(URL, contract_example(), headers=headers)
    changed = {**contract_example(), "resume_text": "other"}
    assert_error(api.post(URL, changed, headers=headers), 409, "idempotency_conflict")
    assert Candidate.objects.get().resume_text == "plain text of the resume"


def test_keys_are_per_client(api, other_api):
    headers = {"Idempotency-Key": "shared-key"}
    api.post(URL, contract_example(), headers=headers)
    response = other_api.post(URL, {**contract_example(), "full_name": "Other"}, headers=headers)
    assert response.status_code == 201
    assert response.json()["full_name"] == "Other"


def test_expired_key_is_processed_afresh(api):
    headers = {"Idempotency-Key": "old"}
    api.post(URL, contract_example(), headers=headers)
    IdempotencyRecord.objects.update(
        created_at=IdempotencyRecord.objects.get().created_at - timedelta(hours=25)
    )
    response = api.post(URL, {**contract_example(), "resume_text": "new"}, headers=headers)
    assert response.status_code == 200
    assert response.json()["resume_text"] == "new"


def test_errors_are_not_stored_so_a_fixed_retry_works(api):
    headers = {"Idempotency-Key": "retry"}
    bad = {**contract_example(), "date_of_birth": "yesterday"}
    assert_error(api.post(URL, bad, headers=headers), 400, "validation_error")
    assert api.post(URL, contract_example(), headers=headers).status_code == 201


def test_idempotency_on_other_posts(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # assessed: a reassess adds one
        cid = api.post(URL, contract_example()).json()["id"]
    headers = {"Idempotency-Key": "reassess-1"}
    first = api.post(f"{URL}{cid}/reassess/", headers=headers)
    second = api.post(f"{URL}{cid}/reassess/", headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    assert Assessment.objects.filter(candidate_id=cid).count() == 2


def test_bad_key_is_400(api):
    error = assert_error(
        api.post(URL, contract_example(), headers={"Idempotency-Key": "x" * 300}),
        400,
        "validation_error",
    )
    assert "Idempotency-Key" in error["fields"]


def test_expired_records_are_pruned_as_new_ones_arrive(api):
    for i in range(3):
        api.post(
            URL,
            {**contract_example(), "external_id": f"p-{i}"},
            headers={"Idempotency-Key": f"p-{i}"},
        )
    IdempotencyRecord.objects.update(
        created_at=IdempotencyRecord.objects.first().created_at - timedelta(hours=30)
    )
    api.post(URL, contract_example(), headers={"Idempotency-Key": "fresh"})
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


def test_the_periodic_task_prunes_expired_records_of_every_client(api, other_api):
    from django.utils import timezone

    from candidates.tasks import idempotency_prune_task

    api.post(URL, contract_example(), headers={"Idempotency-Key": "old-1"})
    other_api.post(URL, contract_example(), headers={"Idempotency-Key": "old-2"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    api.post(URL, {**contract_example(), "external_id": "new"}, headers={"Idempotency-Key": "n"})
    # Neither client sends another keyed request; the task removes their stored responses.
    assert idempotency_prune_task.delay().get() == 1  # (the per-request prune took api's)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["n"]
