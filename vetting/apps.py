from django.apps import AppConfig


class VettingConfig(AppConfig):
    """The project itself as an app, so its settings checks register in the top layer."""

    name = "vetting"
    verbose_name = "Vetting"

    def ready(self) -> None:
        from vetting import system_checks  # noqa: F401  registers the settings checks
