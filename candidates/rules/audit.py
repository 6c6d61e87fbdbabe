"""Rule-set changes also appear in the audit log (/audit/), whichever path made them."""

from __future__ import annotations

from typing import Any

from candidates.services import audit_record
from checks.models import RuleSetChange


def ruleset_change_audited(
    *, sender: Any, instance: RuleSetChange, created: bool, **_: Any
) -> None:
    if not created:
        return
    audit_record(
        action=f"ruleset.{instance.action}",
        user=instance.user,
        detail={
            "version": instance.version,
            "ruleset": instance.ruleset_id,
            "via": instance.via,
            "actor": instance.actor,
            "note": instance.note,
            "diff": instance.diff,
        },
    )
