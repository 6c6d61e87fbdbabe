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
    version = models.PositiveIntegerField(unique=True)
    is_active = models.BooleanField(default=False)
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
        ]

    def __str__(self) -> str:
        return f"Rule set v{self.version}{' (active)' if self.is_active else ''}"


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
