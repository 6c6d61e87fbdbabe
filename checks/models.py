"""Versioned rule sets: which checks run, each code's points and severity, the risk bands.

A rule set is never edited in place once an assessment used it: a change saves a new version
(see `checks.rulesets.ruleset_save_new_version`), and each assessment records the version and a
snapshot of what it applied.
"""

from django.conf import settings
from django.db import models

from checks.scoring import Bands

DEFAULT_BANDS = Bands()


class Severity(models.TextChoices):
    """How much a signal matters to a recruiter; set per code by the rule set."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class RuleSet(models.Model):
    class Status(models.TextChoices):
        # A draft is edited in place and never scores anyone; publishing gives it a version.
        DRAFT = "draft"
        PUBLISHED = "published"

    version = models.PositiveIntegerField(unique=True, null=True, blank=True)
    is_active = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.PUBLISHED)
    # A draft's starting point, so the workspace can warn when another version was published since.
    base_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Lower bounds of each risk level on the 0-100 score (defaults: checks.scoring.Bands).
    band_medium = models.PositiveSmallIntegerField(default=DEFAULT_BANDS.medium)
    band_high = models.PositiveSmallIntegerField(default=DEFAULT_BANDS.high)
    band_critical = models.PositiveSmallIntegerField(default=DEFAULT_BANDS.critical)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Progress of the pass that reassesses every candidate once this version is active: kept
    # here (not only in a task chain) so the periodic sweep resumes it after a broker fault.
    reassess_cursor = models.UUIDField(null=True, blank=True, editable=False)
    reassess_touched_at = models.DateTimeField(null=True, blank=True, editable=False)
    reassess_done_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-version",)
        constraints = [
            models.UniqueConstraint(
                fields=("is_active",), condition=models.Q(is_active=True), name="one_active_ruleset"
            ),
            # Published versions are numbered and a draft never is, nor is it ever active.
            models.CheckConstraint(
                condition=models.Q(status="draft", version__isnull=True, is_active=False)
                | models.Q(status="published", version__isnull=False),
                name="ruleset_draft_unnumbered",
            ),
        ]

    def __str__(self) -> str:
        if self.status == self.Status.DRAFT:
            return f"Rule set draft #{self.pk}"
        return f"Rule set v{self.version}{' (active)' if self.is_active else ''}"


class RuleSetChange(models.Model):
    """The rule-set audit trail: who changed what, when, from where, with the diff.

    Written by every path that changes rules (the /rules/ workspace, the admin, the command line),
    through `checks.drafts.ruleset_change_record`; append-only like the audit log."""

    class Action(models.TextChoices):
        DRAFT_CREATED = "draft_created"
        DRAFT_EDITED = "draft_edited"
        DRAFT_DISCARDED = "draft_discarded"
        PUBLISHED = "published"
        RESCORED = "rescored"  # every candidate reassessed under this version, on request
        SAVED = "saved"  # straight to a new active version, from the admin

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=150, help_text="Who, as shown (kept if the user goes)")
    via = models.CharField(max_length=10)  # rules | admin | cli
    action = models.CharField(max_length=20, choices=Action)
    ruleset = models.ForeignKey(
        RuleSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    version = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    diff = models.JSONField(default=list, blank=True)  # [{"path", "before", "after"}]

    class Meta:
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} by {self.actor}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Rule-set changes are append-only")
        return super().save(*args, **kwargs)


class CheckRule(models.Model):
    """Per check: whether it runs and its parameters (thresholds, lists)."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="check_rules")
    check_name = models.CharField(max_length=32)
    enabled = models.BooleanField(default=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("check_name",)
        constraints = [
            models.UniqueConstraint(fields=("ruleset", "check_name"), name="check_rule_unique"),
        ]

    def __str__(self) -> str:
        return self.check_name


class SignalRule(models.Model):
    """Per signal code: whether it counts, its points (0-100) and its severity."""

    Severity = Severity

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="signal_rules")
    code = models.CharField(max_length=64)
    enabled = models.BooleanField(default=True)
    points = models.PositiveSmallIntegerField()
    severity = models.CharField(max_length=10, choices=Severity)

    class Meta:
        ordering = ("code",)
        constraints = [
            models.UniqueConstraint(fields=("ruleset", "code"), name="signal_rule_unique"),
            models.CheckConstraint(condition=models.Q(points__lte=100), name="points_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.code
