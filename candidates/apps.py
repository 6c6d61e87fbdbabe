from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates"

    def ready(self) -> None:
        from candidates.roles import roles_sync

        # Not limited to this app: the checks app's permissions exist only after its own migrate.
        post_migrate.connect(roles_sync, dispatch_uid="vetting_roles_sync")

        from candidates.rules.audit import ruleset_change_audited
        from checks.models import RuleSetChange

        post_save.connect(
            ruleset_change_audited, sender=RuleSetChange, dispatch_uid="vetting_ruleset_audit"
        )
