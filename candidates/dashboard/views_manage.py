"""The audit log page (auditors). The rules workspace is candidates.rules.views."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from candidates.dashboard.forms import AuditFilterForm
from candidates.models import AuditEvent

AUDIT_PAGE = 100
KNOWN_ACTIONS = (
    "candidate.viewed",
    "image.viewed",
    "review.decided",
    "review.reset",
    "observation.created",
    "queue.exported",
    "ruleset.saved",
    "ruleset.draft_created",
    "ruleset.draft_edited",
    "ruleset.draft_discarded",
    "ruleset.published",
    "ruleset.rescored",
)


@require_http_methods(["GET"])
@login_required
@permission_required("candidates.view_auditevent", raise_exception=True)
def audit(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    events = _audit_filtered(form)
    after = request.GET.get("after", "")
    if after.isascii() and after.isdigit() and len(after) <= 18:  # "²".isdigit() too
        # Keyset on (at, id): the id alone orders events written by one sequence.
        pivot = AuditEvent.objects.filter(pk=int(after)).values_list("at", flat=True).first()
        if pivot is not None:
            events = events.filter(Q(at__lt=pivot) | Q(at=pivot, id__lt=int(after)))
    rows = list(events[: AUDIT_PAGE + 1])
    params = request.GET.copy()
    params.pop("after", None)
    return render(
        request,
        "dashboard/audit.html",
        {
            "form": form,
            "events": rows[:AUDIT_PAGE],
            "actions": KNOWN_ACTIONS,
            "next_after": rows[AUDIT_PAGE - 1].id if len(rows) > AUDIT_PAGE else "",
            "query": params.urlencode(),
            "paged": bool(after),
        },
    )


def _audit_filtered(form: AuditFilterForm) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor_user", "actor_client").order_by("-at", "-id")
    if not form.is_valid():
        return events
    d = form.cleaned_data
    if d["action"]:
        events = events.filter(action=d["action"].strip())
    if d["candidate"]:
        events = events.filter(candidate_id=d["candidate"])
    if d["user"]:
        events = events.filter(actor_user__username=d["user"].strip())
    tz = timezone.get_current_timezone()
    if d["date_from"]:
        events = events.filter(
            at__gte=timezone.make_aware(datetime.combine(d["date_from"], time.min), tz)
        )
    if d["date_to"]:
        events = events.filter(
            at__lt=timezone.make_aware(
                datetime.combine(d["date_to"] + timedelta(days=1), time.min), tz
            )
        )
    return events
