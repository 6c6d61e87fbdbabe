"""Versioned rule sets: which checks run, each code's points and severity, the risk bands.

A rule set is never edited in place once an assessment used it: a change saves a new version
(see `checks.rulesets.ruleset_save_new_version`), and each assessment records the version and a
snapshot of what it applied.
"""

from django.conf import settings
from django.db import models


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
    # Lower bounds of each risk level on the 0-100 score.
    band_medium = models.PositiveSmallIntegerField(default=25)
    band_high = models.PositiveSmallIntegerField(default=50)
    band_critical = models.PositiveSmallIntegerField(default=75)
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


class LinkAllowlist(models.Model):
    """A shared value that is legitimately common (a corporate VPN egress, an agency's shipping
    address, a family home): it never produces link.* signals. `value` is stored normalised the
    way `checks.links` keys it, so any spelling an admin types matches (see checks.links.admin)."""

    class Kind(models.TextChoices):
        PHONE = "phone"
        EMAIL = "email"
        IP = "ip"
        IP_NET = "ip_net", "IP network (/24 or /64)"
        ADDRESS = "address"

    kind = models.CharField(max_length=32, choices=Kind)
    value = models.CharField(max_length=128, help_text="Normalised on save")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("kind", "value")
        constraints = [
            models.UniqueConstraint(fields=("kind", "value"), name="link_allowlist_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class LinkReassessBacklog(models.Model):
    """Holders of a crowded value still to reassess after a change (beyond the per-change cap).

    Written in the transaction of the change, so the work survives a broker outage: the
    `link_reassess_rest_task` pages through the holders after `after` (candidate-id order) and
    the periodic link sweep re-queues rows that sat idle (see checks.links.services)."""

    kind = models.CharField(max_length=32)
    value = models.CharField(max_length=128)
    after = models.UUIDField(
        null=True, blank=True, help_text="Holders up to this candidate id were requested"
    )
    exclude = models.UUIDField(help_text="The candidate whose change this is")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} holders after {self.after}"
