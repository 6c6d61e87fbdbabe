"""Files that must go: an erased candidate's by a durable, retried job; orphans by the sweep."""

from __future__ import annotations

import os
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction

from candidates import hooks, storage_cleanup, webhooks
from candidates.images import image_decode, image_store
from candidates.models import ErasureCleanup, Image, WebhookEvent
from tests.api.conftest import contract_example, image_b64

URL = "/api/v1/candidates/"


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _post_with_images(api) -> tuple[str, list[str]]:
    cid = api.post(URL, contract_example()).json()["id"]
    files = [i.file.name for i in Image.objects.all()]
    assert len(files) == 2 and all(default_storage.exists(n) for n in files)
    return cid, files


def test_the_cleanup_job_commits_with_the_erasure_and_deletes_the_files(
    api, django_capture_on_commit_callbacks
):
    cid, files = _post_with_images(api)
    with django_capture_on_commit_callbacks(execute=False) as lost:
        assert api.delete(f"{URL}{cid}/").status_code == 204
    # Committed with the erasure; nothing ran after commit (the process "died" there).
    job = ErasureCleanup.objects.get(candidate_id=cid)
    assert sorted(job.files) == sorted(files) and lost
    assert all(default_storage.exists(n) for n in files)

    assert storage_cleanup.storage_sweep() >= 1  # the sweep does what the lost task did not
    assert not any(default_storage.exists(n) for n in files)
    assert not ErasureCleanup.objects.exists()


def test_the_task_queued_after_commit_deletes_the_files(api, django_capture_on_commit_callbacks):
    cid, files = _post_with_images(api)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"{URL}{cid}/").status_code == 204
    assert not any(default_storage.exists(n) for n in files)
    assert not ErasureCleanup.objects.exists()


def test_a_job_whose_storage_fails_is_kept_retried_and_shown_to_the_operator(
    api, client, monkeypatch, django_capture_on_commit_callbacks
):
    cid, files = _post_with_images(api)
    real_delete = FileSystemStorage.delete

    def unavailable(self, name):
        raise OSError("storage unavailable")

    monkeypatch.setattr(FileSystemStorage, "delete", unavailable)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"{URL}{cid}/").status_code == 204
    job = ErasureCleanup.objects.get(candidate_id=cid)
    assert job.attempts == 1 and "storage unavailable" in job.last_error
    assert all(default_storage.exists(n) for n in files)

    with django_capture_on_commit_callbacks(execute=True):  # a repeated DELETE: tried again
        assert api.delete(f"{URL}{cid}/").status_code == 204
    assert ErasureCleanup.objects.get(candidate_id=cid).attempts == 2

    # The operator sees the stuck job and why, in the admin.
    operator = get_user_model().objects.create_superuser("op", "op@example.com", "pw-op-123!")
    client.force_login(operator)
    page = client.get("/admin/candidates/erasurecleanup/")
    assert page.status_code == 200
    assert cid in page.text and "storage unavailable" in page.text

    monkeypatch.setattr(FileSystemStorage, "delete", real_delete)  # storage is back
    assert storage_cleanup.storage_sweep() >= 1
    assert not any(default_storage.exists(n) for n in files)
    assert not ErasureCleanup.objects.exists()


def test_a_repeated_delete_retriggers_the_pending_job(api, django_capture_on_commit_callbacks):
    cid, files = _post_with_images(api)
    with django_capture_on_commit_callbacks(execute=False):
        api.delete(f"{URL}{cid}/")
    assert all(default_storage.exists(n) for n in files)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"{URL}{cid}/").status_code == 204
    assert not any(default_storage.exists(n) for n in files)
    assert not ErasureCleanup.objects.exists()


def test_no_webhook_event_is_created_for_an_erased_candidate(
    api, django_capture_on_commit_callbacks
):
    api.client.webhook_url = "https://hooks.example.com/vetting"
    api.client.save(update_fields=["webhook_url"])
    cid = api.post(URL, contract_example()).json()["id"]
    api.delete(f"{URL}{cid}/")
    assert list(WebhookEvent.objects.values_list("type", flat=True)) == ["candidate.erased"]
    refused = webhooks.webhook_event_create(
        client=api.client, type="review.updated", trigger="manual", data={}, candidate_id=cid
    )
    hooks.review_updated(candidate_id=cid)  # a late hook for it writes nothing either
    assert refused is None
    assert list(WebhookEvent.objects.values_list("type", flat=True)) == ["candidate.erased"]


def _age(name: str, seconds: int) -> None:
    then = time.time() - seconds
    os.utime(default_storage.path(name), (then, then))


@pytest.mark.django_db
def test_the_sweep_removes_a_file_a_rolled_back_write_left_and_keeps_live_ones(settings):
    settings.VETTING_ORPHAN_GRACE_SECONDS = 3600
    decoded = image_decode(image_b64("PNG", (6, 6)))
    live = image_store(decoded=decoded).file.name
    # A request killed mid-write: its transaction rolls back, and no in-process clean-up ran.
    with pytest.raises(RuntimeError), transaction.atomic():
        orphan = image_store(decoded=decoded).file.name
        raise RuntimeError("the worker was killed")
    with pytest.raises(RuntimeError), transaction.atomic():
        fresh = image_store(decoded=decoded).file.name
        raise RuntimeError("a write still inside its grace period")
    assert not Image.objects.filter(file__in=[orphan, fresh]).exists()
    for name in (live, orphan):
        _age(name, 7200)

    assert storage_cleanup.storage_orphans_sweep(after="") == [orphan]
    assert not default_storage.exists(orphan)
    assert default_storage.exists(live) and default_storage.exists(fresh)


@pytest.mark.django_db
def test_the_orphan_sweep_is_bounded_and_resumes_where_it_stopped(settings):
    decoded = image_decode(image_b64("PNG", (6, 6)))
    orphans = []
    for _ in range(3):
        with pytest.raises(RuntimeError), transaction.atomic():
            orphans.append(image_store(decoded=decoded).file.name)
            raise RuntimeError("rolled back")
    for name in orphans:
        _age(name, settings.VETTING_ORPHAN_GRACE_SECONDS + 60)
    storage_cleanup.storage_orphans_sweep(limit=2, after="")  # page one: two files
    assert sum(default_storage.exists(n) for n in orphans) == 1
    storage_cleanup.storage_orphans_sweep(limit=2)  # continues from the cursor
    assert not any(default_storage.exists(n) for n in orphans)
