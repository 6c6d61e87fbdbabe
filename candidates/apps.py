from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates"

    def ready(self) -> None:
        # Imported here, as Django requires: models and services load only once apps are ready.
        from candidates import pipeline
        from candidates.roles import roles_sync
        from candidates.rules.audit import ruleset_change_audited
        from checks.models import RuleSetChange
        from checks.signals import ruleset_activated
        from links.signals import reassess_requested

        # Not limited to this app: the checks app's permissions exist only after its own migrate.
        post_migrate.connect(roles_sync, dispatch_uid="vetting_roles_sync")
        # The layers below ask for reassessments; the pipeline is here.
        reassess_requested.connect(pipeline.reassess_linked, dispatch_uid="vetting_link_reassess")
        ruleset_activated.connect(
            pipeline.ruleset_activated_reassess, dispatch_uid="vetting_ruleset_reassess"
        )
        # Rule-set changes, from any path, also go to the audit log.
        post_save.connect(
            ruleset_change_audited, sender=RuleSetChange, dispatch_uid="vetting_ruleset_audit"
        )
