"""A simulation of a draft rule set over stored candidates, with its progress and results."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from checks.models import RuleSet


class RuleSimulation(models.Model):
    """Progress (done/total, a keyset cursor) and running totals are saved after every chunk, so
    the page can poll them and a run whose worker died can be resumed from its cursor."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    draft = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="simulations")
    # The rules compared, frozen when the run starts: later edits to the draft do not leak in.
    active_version = models.PositiveIntegerField()
    active_rules = models.JSONField(default=dict)
    draft_rules = models.JSONField(default=dict)
    filters = models.JSONField(default=dict, blank=True)
    rerun_checks = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    cursor = models.UUIDField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Simulation of draft #{self.draft_id} ({self.status})"
