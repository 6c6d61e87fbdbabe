"""Reassessing the holders of a crowded value beyond the per-change cap, a page at a time."""

from __future__ import annotations

from uuid import UUID

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=True, max_retries=5)
def link_reassess_rest_task(kind: str, value: str, after: str, exclude: str) -> None:
    from checks.links.services import link_reassess_page

    link_reassess_page(kind=kind, value=value, after=UUID(after), exclude=UUID(exclude))
