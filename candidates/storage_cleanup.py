"""Files that must go: an erased candidate's, and orphans no row points to.

Erasure writes an ErasureCleanup row (the file names) in its own transaction, so the job commits
with the erasure or not at all. A task queued after commit deletes the files and then the row;
if that task is lost, or storage fails, the row stays and the storage sweep retries it. A
repeated DELETE of the candidate queues the job again while it is pending.

Orphans are files written before a transaction that then rolled back without the in-process
clean-up running (a killed request or worker). The sweep walks media storage in name order from
where its last run stopped, looks at a bounded number of files per run, and deletes those older
than a grace period that no Image or ResumeFile row names.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from candidates import tasks
from candidates.models import ErasureCleanup, Image, ResumeFile
from links.queueing import enqueue_on_commit

log = logging.getLogger(__name__)

# The directories FileFields write to (Image.file and ResumeFile.file upload_to).
STORED_DIRS = ("images", "resumes")
CURSOR_KEY = "vetting:orphan-sweep:after"


def erasure_cleanup_record(*, candidate_id: UUID, files: list[str]) -> ErasureCleanup | None:
    """In the erasure's transaction: the files to delete, done after commit (or by the sweep)."""
    files = [name for name in files if name]
    if not files:
        return None
    job = ErasureCleanup.objects.create(candidate_id=candidate_id, files=files)
    enqueue_on_commit(tasks.erasure_cleanup_task, str(job.pk), what=f"erasure cleanup {job.pk}")
    return job


def erasure_cleanup_retrigger(*, candidate_id: UUID) -> int:
    """A repeated DELETE: queue again whatever of this candidate's clean-up is still pending."""
    pending = list(
        ErasureCleanup.objects.filter(candidate_id=candidate_id).values_list("pk", flat=True)
    )
    for pk in pending:
        enqueue_on_commit(tasks.erasure_cleanup_task, str(pk), what=f"erasure cleanup {pk}")
    return len(pending)


def erasure_cleanup_run(*, cleanup_id: UUID) -> bool:
    """Delete the job's files, then the job. False if it failed (kept for the sweep) or another
    process holds it."""
    with transaction.atomic():
        job = ErasureCleanup.objects.select_for_update(skip_locked=True).filter(pk=cleanup_id)
        found = job.first()
        if found is None:
            return False
        try:
            for name in found.files:
                default_storage.delete(name)  # a file already gone is not an error
        except Exception as exc:  # storage of any kind: keep the job, count, retry later
            log.warning("Erasure cleanup %s failed; the sweep will retry", found.pk, exc_info=True)
            found.attempts += 1
            found.last_error = f"{type(exc).__name__}: {exc}"[:500]
            found.save(update_fields=["attempts", "last_error"])
            return False
        found.delete()
    return True


def erasure_cleanup_sweep(*, limit: int = 100) -> int:
    """Run pending jobs, oldest first (a lost task, a storage fault). Returns how many finished."""
    pending = ErasureCleanup.objects.order_by("created_at").values_list("pk", flat=True)[:limit]
    return sum(erasure_cleanup_run(cleanup_id=pk) for pk in list(pending))


def storage_orphans_sweep(*, limit: int = 1000, after: str | None = None) -> list[str]:
    """Look at up to `limit` stored files after `after` (default: where the last run stopped)
    and delete those older than VETTING_ORPHAN_GRACE_SECONDS that no row names. Returns the
    deleted names."""
    start = cache.get(CURSOR_KEY, "") if after is None else after
    examined = _walk_from(start, limit)
    cutoff = timezone.now() - timedelta(seconds=settings.VETTING_ORPHAN_GRACE_SECONDS)
    old = [name for name in examined if default_storage.get_modified_time(name) < cutoff]
    live = set(Image.objects.filter(file__in=old).values_list("file", flat=True))
    live |= set(ResumeFile.objects.filter(file__in=old).values_list("file", flat=True))
    orphans = [name for name in old if name not in live]
    for name in orphans:
        default_storage.delete(name)
    # A full page means there may be more: continue after it; else start over next run.
    cache.set(CURSOR_KEY, examined[-1] if len(examined) == limit else "", None)
    if orphans:
        log.info("Deleted %d orphaned files", len(orphans))
    return orphans


def storage_sweep() -> int:
    """The periodic task: pending erasure clean-ups, then one page of orphans."""
    return erasure_cleanup_sweep() + len(storage_orphans_sweep())


def _walk_from(after: str, limit: int) -> list[str]:
    names: list[str] = []
    for name in _walk(""):
        if name <= after:
            continue
        names.append(name)
        if len(names) == limit:
            break
    return names


def _walk(path: str) -> Iterator[str]:
    """Every stored file under `path` (all of STORED_DIRS at first), in name order: a directory
    sorts as its name plus "/", as its files' names do, so the cursor comparison holds."""
    if not path:
        for top in STORED_DIRS:
            if default_storage.exists(top):
                yield from _walk(top)
        return
    dirs, files = default_storage.listdir(path)
    entries = [f"{path}/{d}/" for d in dirs] + [f"{path}/{f}" for f in files]
    for entry in sorted(entries):
        if entry.endswith("/"):
            yield from _walk(entry[:-1])
        else:
            yield entry
