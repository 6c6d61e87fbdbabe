"""Handing work to Celery: after the commit that made it, and never failing the caller.

Every queued piece of work also exists as a row (a pending assessment, a backlog row, a webhook
event), and a periodic sweep queues rows whose task never arrived. So a broker fault is logged and
left to the sweep: work is delayed, never lost, and a save never fails because Redis is down.
This lives in the lowest layer that queues work so that links and candidates share it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any, what: str) -> bool:
    """Queue `task` now; False (and a warning naming `what`) when the broker is unreachable."""
    try:
        task.delay(*args)
    except Exception:  # the broker is down or unreachable; kombu raises many kinds
        log.warning("Could not queue %s; the sweep will retry", what, exc_info=True)
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any, what: str) -> None:
    """Queue `task` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, *args, what=what))
