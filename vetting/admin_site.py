"""The /admin/ site: Django's, with every change an admin makes written to the audit log.

Each ModelAdmin registered on this site (ours, Django's User and Group, django-axes',
django-otp's...) is wrapped so that its additions, changes and deletions, which Django records
in its own LogEntry table, also become append-only AuditEvents (`admin.added`,
`admin.changed`, `admin.deleted`) with the model, the object and the changed field names. The
wrapping happens here, above every app, so the checks layer never imports candidates.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from candidates.services import audit_record


def _audit(request: HttpRequest, action: str, obj, change: object = "") -> None:
    meta = obj._meta
    audit_record(
        action=action,
        user=request.user,
        request_id=getattr(request, "request_id", ""),
        detail={
            "model": f"{meta.app_label}.{meta.model_name}",
            "object_id": str(obj.pk),
            "object": str(obj)[:200],
            "change": change if isinstance(change, (str, list)) else str(change),
        },
    )


class AuditedModelAdmin:
    """Mixed in front of each registered ModelAdmin by AuditedAdminSite.register."""

    def log_addition(self, request, obj, message):
        _audit(request, "admin.added", obj, message)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request, obj, message):
        _audit(request, "admin.changed", obj, message)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request, queryset):
        for obj in queryset:
            _audit(request, "admin.deleted", obj)
        return super().log_deletions(request, queryset)  # type: ignore[misc]


class AuditedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, AuditedModelAdmin):
            base = type(base.__name__, (AuditedModelAdmin, base), {"__module__": base.__module__})
        return super().register(model_or_iterable, base, **options)
