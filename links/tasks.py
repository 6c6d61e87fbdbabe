"""Celery tasks of link detection: each is a line calling a service."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from links import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def link_reassess_rest_task(backlog_id: int) -> None:
    services.link_reassess_page(backlog_id=backlog_id)


@shared_task(ignore_result=True)
def link_sweep_task() -> int:
    return services.link_sweep()
