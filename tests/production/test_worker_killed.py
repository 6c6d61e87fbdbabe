"""A worker killed mid-assessment (a real SIGKILL, while it waits inside the database to store
the result) leaves work that the sweep hands to another worker, and it is done exactly once."""

import pytest
from django.db import connection, transaction

from candidates.models import Assessment, Signal
from tests.production.servers import celery_process, http_json, wait_for, wait_worker_ready

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_work_of_a_killed_worker_is_redone_exactly_once(stack, api_client_factory):
    _client, key = api_client_factory(name="ats-killed")
    with transaction.atomic():
        # Signals cannot be written while we hold this: the worker stops inside its store.
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE candidates_signal IN EXCLUSIVE MODE")
        status, body = http_json(
            "POST",
            f"{stack['base']}/api/v1/candidates/",
            key=key,
            body={"external_id": "killed-1", "full_name": "Kim Killed", "phone": "12"},
        )
        assert status == 201, body
        assessment = Assessment.objects.get(candidate_id=body["id"])
        assert wait_for(lambda: Assessment.objects.get(pk=assessment.pk).status == "running")
        stack["worker"].kill()  # SIGKILL, mid-assessment
        stack["worker"].wait(timeout=10)
    # The claim goes stale (VETTING_STALE_RUNNING_SECONDS=5 here); beat's sweep re-queues it.
    log = stack["logs"] / "worker2.log"
    with celery_process("worker", stack["env"], log, "--pool=solo", "--without-gossip") as again:
        wait_worker_ready(log, again)
        assert wait_for(
            lambda: Assessment.objects.get(pk=assessment.pk).status == "completed", timeout=90
        ), log.read_text()[-3000:]
    assessment.refresh_from_db()
    assert assessment.attempts == 2  # the killed run, and the one that finished
    assert list(Signal.objects.filter(assessment=assessment).values_list("code", flat=True)) == [
        "phone.invalid"
    ]
