"""Log context: every log record carries the request id (set by the request-id middleware, or
carried into a Celery task from the request that queued it) and the Celery task id, so one
candidate's path can be followed from the API call through the worker.

No Django or model imports here: LOGGING loads this before the apps are ready.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("vetting_request_id", default="")


class ContextFilter(logging.Filter):
    """Adds `request_id` and `task_id` to every record (empty strings when there are none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", "") or request_id_var.get()
        task_id = ""
        try:
            from celery import current_task

            if current_task and current_task.request and current_task.request.id:
                task_id = current_task.request.id
        except Exception:  # logging must never fail because of its context
            task_id = ""
        record.task_id = getattr(record, "task_id", "") or task_id
        return True
