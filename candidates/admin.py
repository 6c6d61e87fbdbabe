"""Django admin for the candidates app: an operator's read-mostly view.

Who may enter /admin/ at all: superusers, and staff who hold an admin permission
(`checks.change_ruleset`, i.e. rules admins, for the rule-set admin) or belong to no role group
(operator accounts). Recruiters and auditors are staff (so they can sign in) but are refused:
their place is the dashboard. The audit log is append-only here too.
"""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from candidates.models import (
    ApiClient,
    Assessment,
    AuditEvent,
    Candidate,
    ErasureCleanup,
    Observation,
    ReviewDecision,
    Signal,
    WebhookAttempt,
    WebhookEvent,
)
from candidates.roles import ROLE_GROUPS
from candidates.services import audit_record, candidate_erase
from candidates.webhook_http import url_problem


def admin_site_has_permission(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser or user.has_perm("checks.change_ruleset"):
        return True
    return not user.groups.filter(name__in=ROLE_GROUPS.values()).exists()


admin.site.has_permission = admin_site_has_permission  # type: ignore[method-assign]


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


class ReadOnlyAdmin(admin.ModelAdmin):
    """Data written by the API and the pipeline: viewable, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # history and results: deleting one by hand would bypass the audit trail


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ("name", "webhook_url", "is_active")

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data["webhook_url"]
        problem = url_problem(url) if url else None
        if problem:
            raise forms.ValidationError(problem)
        return url


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ("name", "key_prefix", "is_active", "webhook_url", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("key_prefix", "created_at")
    search_fields = ("name",)


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = (
        "full_name",
        "external_id",
        "client",
        "risk_score",
        "risk_level",
        "review_status",
        "created_at",
    )
    list_filter = ("risk_level", "review_status", "client")
    list_select_related = ("client",)
    # Prefix search on the columns the dashboard indexes (see migration 0004).
    search_fields = ("^external_id", "^full_name", "^email")
    show_full_result_count = False  # no COUNT(*) over a million rows per page
    exclude = ("payout_account_key", "resume_text")
    raw_id_fields = ("photo", "latest_assessment", "completed_assessment", "review_decided_by")

    # Opening a candidate here is audited like opening it in the dashboard.
    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        audit_record(
            action="candidate.viewed",
            candidate_id=_uuid_or_none(object_id),
            user=request.user,
            detail={"via": "admin"},
            request_id=getattr(request, "request_id", ""),
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        audit_record(
            action="candidate.listed",
            user=request.user,
            detail={"via": "admin", "query": request.GET.dict()},
            request_id=getattr(request, "request_id", ""),
        )
        return super().changelist_view(request, extra_context)

    # Deleting goes through erasure: files, link keys, webhook payloads go, a tombstone stays
    # and linked candidates are reassessed. Superusers only.
    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def get_deleted_objects(self, objs, request: HttpRequest):
        # Erasure takes the candidate's assessments and history with it by design, although
        # nobody may delete those rows one by one.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request: HttpRequest, obj: Candidate) -> None:
        candidate_erase(
            client=obj.client, candidate_id=obj.pk, request_id=getattr(request, "request_id", "")
        )

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for candidate in queryset.select_related("client"):
            self.delete_model(request, candidate)


class SignalInline(admin.TabularInline):
    model = Signal
    fields = ("code", "severity", "score", "contribution", "message", "related_count")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = (
        "candidate",
        "seq",
        "status",
        "trigger",
        "risk_score",
        "ruleset_version",
        "assessed_at",
    )
    list_filter = ("status", "trigger")
    list_select_related = ("candidate",)
    raw_id_fields = ("candidate",)
    show_full_result_count = False
    inlines = (SignalInline,)


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ("candidate", "status", "decided_by", "decided_at", "reason")
    list_filter = ("status",)
    list_select_related = ("candidate", "decided_by")
    raw_id_fields = ("candidate", "decided_by")


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ("candidate", "code", "created_by", "created_at")
    list_filter = ("code",)
    list_select_related = ("candidate", "created_by")
    raw_id_fields = ("candidate", "created_by", "client")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "actor_user", "actor_client", "candidate_id")
    list_filter = ("action",)
    list_select_related = ("actor_user", "actor_client")
    show_full_result_count = False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("at", "status_code", "error", "duration_ms")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    """Every event and each delivery attempt, for answering "did the ATS get it?"."""

    list_display = ("id", "type", "client", "status", "attempts", "created_at", "delivered_at")
    list_filter = ("status", "type")
    list_select_related = ("client",)
    search_fields = ("id",)
    show_full_result_count = False
    inlines = (WebhookAttemptInline,)


@admin.register(ErasureCleanup)
class ErasureCleanupAdmin(ReadOnlyAdmin):
    """Files of erased candidates still to delete: a row here that keeps its attempts growing
    means storage refuses the deletion (its last error says why); the storage sweep retries it."""

    list_display = ("candidate_id", "created_at", "attempts", "last_error")
    search_fields = ("candidate_id",)
    readonly_fields = ("candidate_id", "files", "attempts", "last_error", "created_at")
    show_full_result_count = False
