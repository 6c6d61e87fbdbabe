from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates"

    def ready(self) -> None:
        from candidates.roles import roles_sync
        from vetting import system_checks  # noqa: F401 - registers the settings checks

        # Not limited to this app: the checks app's permissions exist only after its own migrate.
        post_migrate.connect(roles_sync, dispatch_uid="vetting_roles_sync")
