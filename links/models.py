"""Link state. The tables keep the names they had before the `links` app existed (LinkKey lived
in candidates, the allowlist and backlog in checks): moving a model is a state-only migration."""

from django.conf import settings
from django.db import models

from checks.links.kinds import ALLOWLIST_KINDS, LinkKind


class LinkKey(models.Model):
    """A normalised value a candidate holds that other candidates may share.

    `kind` says what it is (checks.links.kinds.LinkKind), `value` is the normalised or hashed
    value, `display` what a recruiter may see (masked where sensitive). One (kind, value) index
    answers "who else holds this?" at any table size.
    """

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="link_keys"
    )
    kind = models.CharField(max_length=32)
    value = models.CharField(max_length=128)
    display = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "candidates_linkkey"
        constraints = [
            models.UniqueConstraint(fields=("candidate", "kind", "value"), name="linkkey_unique"),
        ]
        # (kind, value, candidate): holders of a value come in candidate order straight off
        # the index, so a LIMIT stops early however many hold it (links.index); with display as
        # the last column it is an index-only scan: no heap page per holder.
        indexes = [
            models.Index(
                fields=("kind", "value", "candidate", "display"), name="linkkey_holders_cover"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.display or self.value[:12]}"


_ALLOWLIST_LABELS = {LinkKind.IP_NET: "IP network (/24 or /64)"}


class LinkAllowlist(models.Model):
    """A shared value that is legitimately common (a corporate VPN egress, an agency's shipping
    address, a family home): it never produces link.* signals. `value` is stored normalised the
    way link keys are, so any spelling an admin types matches (see links.admin)."""

    Kind = models.TextChoices(
        "Kind",
        [
            (k.name, (k.value, _ALLOWLIST_LABELS.get(k, k.value.replace("_", " ").capitalize())))
            for k in ALLOWLIST_KINDS
        ],
    )

    kind = models.CharField(max_length=32, choices=Kind)
    value = models.CharField(max_length=128, help_text="Normalised on save")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "checks_linkallowlist"
        verbose_name = "link allowlist entry"
        verbose_name_plural = "link allowlist"
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
    the periodic link sweep re-queues rows that sat idle (see links.services)."""

    kind = models.CharField(max_length=32)
    value = models.CharField(max_length=128)
    after = models.UUIDField(
        null=True, blank=True, help_text="Holders up to this candidate id were requested"
    )
    exclude = models.UUIDField(help_text="The candidate whose change this is")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        db_table = "checks_linkreassessbacklog"

    def __str__(self) -> str:
        return f"{self.kind} holders after {self.after}"
