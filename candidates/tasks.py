"""Celery tasks: each is a line calling a service."""

from uuid import UUID

from celery import shared_task
from django.db import InterfaceError, OperationalError

from candidates import pipeline, storage_cleanup, webhooks
from candidates.api.idempotency import idempotency_prune
from candidates.rules import services as rules_services


# Time limits (hard ones need the prefork pool): a check that hangs is stopped, counted as a
# failed attempt (SoftTimeLimitExceeded), and retried a bounded number of times.
@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def assess_candidate_task(assessment_id: str) -> None:
    pipeline.assessment_run(assessment_id=UUID(assessment_id))


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def assessment_sweep_task() -> int:
    pipeline.ruleset_reassess_resume()
    rules_services.simulation_resume_stalled()
    return pipeline.assessment_sweep()


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90)
def link_refresh_sweep_task() -> int:
    return pipeline.link_refresh_sweep()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=30, time_limit=45)
def webhook_deliver_task(event_id: str) -> None:
    webhooks.webhook_deliver(event_id=event_id)


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90)
def webhook_sweep_task() -> int:
    return webhooks.webhook_sweep()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def erasure_cleanup_task(cleanup_id: str) -> None:
    storage_cleanup.erasure_cleanup_run(cleanup_id=UUID(cleanup_id))


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def storage_sweep_task() -> int:
    return storage_cleanup.storage_sweep()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=180)
def ruleset_reassess_task(version: int) -> None:
    if pipeline.ruleset_reassess_batch(version=version):
        ruleset_reassess_task.delay(version)


@shared_task(ignore_result=True)
def idempotency_prune_task() -> int:
    return idempotency_prune()


@shared_task(acks_late=True, ignore_result=True)
def rules_simulate_task(simulation_id: str) -> None:
    rules_services.simulation_run(simulation_id=UUID(simulation_id))
