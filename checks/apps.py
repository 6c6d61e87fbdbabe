from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ChecksConfig(AppConfig):
    name = "checks"
    verbose_name = "Checks and rule sets"

    def ready(self) -> None:
        # Imported here, as Django requires: system checks register on import, and the rule-set
        # code needs the models loaded.
        from checks import system_checks  # noqa: F401
        from checks.rulesets import ruleset_sync_registry

        def sync(**_kwargs) -> None:
            ruleset_sync_registry()

        # Once the checks app has migrated: what the registry has and the active version lacks
        # becomes a new version, so no rule-set defaults are ever copied into a migration.
        post_migrate.connect(sync, sender=self, dispatch_uid="vetting_ruleset_sync", weak=False)
