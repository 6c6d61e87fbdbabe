from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class VettingConfig(AppConfig):
    """The project itself as an app, so its settings checks register in the top layer."""

    name = "vetting"
    verbose_name = "Vetting"

    def ready(self) -> None:
        from vetting import system_checks  # noqa: F401  registers the settings checks


class AuditedAdminConfig(AdminConfig):
    """Django's admin with a site whose every change is audited (vetting/admin_site.py)."""

    default_site = "vetting.admin_site.AuditedAdminSite"
