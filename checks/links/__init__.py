"""Cross-candidate link detection: keys (sync), the index, and the `link` check."""

from checks.links import tasks as _tasks  # noqa: F401  registers the Celery task in workers
