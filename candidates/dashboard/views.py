"""Review queue, candidate detail, images, observations and decisions.

Permissions are enforced here (login first, then the permission, 403 when missing); templates
only hide what a user cannot use.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any
from urllib.parse import quote
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from candidates import services
from candidates.dashboard import pictures
from candidates.dashboard.detail import (
    candidate_detail,
    duplicate_images,
    profile_entries,
    resume_overlap,
)
from candidates.dashboard.forms import DecisionForm, ObservationForm, QueueFilterForm
from candidates.dashboard.queue import QueueRow, queue_iter, queue_page
from candidates.models import Candidate, Document, Image
from checks.places import claimed_zones


def _perm(codename: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Sign-in first (anonymous users go to the login page), then 403 without the permission."""

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        guarded = login_required(permission_required(codename, raise_exception=True)(view))

        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # A poll after the session expired: send the whole page to the login form rather
            # than swapping the login page into the table.
            if getattr(request, "htmx", False) and not request.user.is_authenticated:
                return HttpResponseClientRedirect(
                    f"{settings.LOGIN_URL}?next={quote(request.path)}"
                )
            return guarded(request, *args, **kwargs)

        return inner

    return wrap


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "") or request.headers.get("X-Request-Id", "")[:64]


@require_GET
@_perm("candidates.view_candidate")
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET)
    page = queue_page(filters=form.filters(), cursor=request.GET.get("after", ""))
    context = {
        "form": form,
        "page": page,
        "cursor": request.GET.get("after", ""),
        "query": _query_without(request, "after"),
        "poll_seconds": settings.VETTING_QUEUE_POLL_SECONDS,
    }
    if request.htmx and request.GET.get("fragment") == "rows":
        return render(request, "dashboard/queue.html#rows", context)
    return render(request, "dashboard/queue.html", context)


@require_GET
@_perm("candidates.export_candidate")
def queue_export(request: HttpRequest) -> StreamingHttpResponse:
    filters = QueueFilterForm(request.GET).filters()
    services.audit_record(
        action="queue.exported",
        user=request.user,
        detail={"filters": request.GET.dict()},
        request_id=_request_id(request),
    )
    response = StreamingHttpResponse(
        _csv_rows(queue_iter(filters=filters)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="vetting-queue.csv"'
    return response


def _csv_rows(rows: Iterable[QueueRow]) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield writer.writerow(
        [
            "id",
            "external_id",
            "full_name",
            "email",
            "source",
            "risk_score",
            "risk_level",
            "top_signals",
            "review_status",
            "assessment_status",
            "created_at",
            "assessed_at",
        ]
    )
    for row in rows:
        c = row.candidate
        # A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
        yield writer.writerow(
            [
                _cell(v)
                for v in (
                    c.id,
                    c.external_id,
                    c.full_name,
                    c.email,
                    c.client.name,
                    c.risk_score,
                    c.risk_level,
                    " ".join(row.top_codes),
                    c.review_status,
                    c.assessment_status,
                    c.created_at.isoformat(),
                    c.assessed_at.isoformat() if c.assessed_at else "",
                )
            ]
        )


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@_perm("candidates.view_candidate")
def candidate(request: HttpRequest, candidate_id: UUID) -> HttpResponse:
    detail = candidate_detail(candidate_id=candidate_id)
    if detail is None:
        raise Http404("No such candidate")
    services.audit_record(
        action="candidate.viewed",
        candidate_id=candidate_id,
        user=request.user,
        request_id=_request_id(request),
    )
    c = detail.candidate
    context = {
        "d": detail,
        "c": c,
        "hours": pictures.activity_hours(
            detail.session_times, claimed_zones(c.claimed_location, c.home_address)
        ),
        "graph": pictures.link_graph(c, detail.signals, detail.related),
        "profiles": profile_entries(c.profiles),
        "resume": resume_overlap(detail),
        "can_sensitive": request.user.has_perm("candidates.view_sensitive_candidate"),
        "can_review": request.user.has_perm("candidates.review_candidate"),
        "can_observe": request.user.has_perm("candidates.add_observation"),
        "decision_form": DecisionForm(
            prefix="decision", initial={"assessment": c.completed_assessment_id}
        ),
        "observation_form": ObservationForm(prefix="obs"),
    }
    if context["can_sensitive"]:
        context["image_pairs"] = duplicate_images(detail)
    return render(request, "dashboard/detail.html", context)


@require_GET
@_perm("candidates.view_sensitive_candidate")
def image(request: HttpRequest, candidate_id: UUID, image_id: UUID) -> FileResponse:
    """One of the candidate's images, audited on every view."""
    owned = (
        Candidate.objects.filter(pk=candidate_id, photo_id=image_id).exists()
        or Document.objects.filter(candidate_id=candidate_id, image_id=image_id).exists()
    )
    img = Image.objects.filter(pk=image_id).first() if owned else None
    if img is None or not img.file:
        raise Http404("No such image")
    services.audit_record(
        action="image.viewed",
        candidate_id=candidate_id,
        user=request.user,
        detail={"image": str(image_id), "sha256": img.sha256},
        request_id=_request_id(request),
    )
    response = FileResponse(img.file.open("rb"), content_type=img.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@_perm("candidates.add_observation")
def observe(request: HttpRequest, candidate_id: UUID) -> HttpResponse:
    c = _candidate_or_404(candidate_id)
    form = ObservationForm(request.POST, prefix="obs")
    if form.is_valid():
        services.observation_create(
            candidate=c,
            code=form.cleaned_data["code"],
            note=form.cleaned_data["note"],
            user=request.user,
            request_id=_request_id(request),
        )
        messages.success(request, "Observation recorded; the candidate is being reassessed.")
    else:
        messages.error(request, "The observation was not recorded: choose a code.")
    return redirect("dashboard:candidate", candidate_id=candidate_id)


@require_POST
@_perm("candidates.review_candidate")
def decide(request: HttpRequest, candidate_id: UUID) -> HttpResponse:
    c = _candidate_or_404(candidate_id)
    form = DecisionForm(request.POST, prefix="decision")
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("dashboard:candidate", candidate_id=candidate_id)
    try:
        services.review_decide(
            candidate=c,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            user=request.user,
            request_id=_request_id(request),
            check_stale=form.carries_assessment(),
            based_on=form.cleaned_data["assessment"],
        )
    except services.DecisionStale as stale:
        note = form.cleaned_data["note"].strip()
        messages.error(
            request,
            f"Decision not recorded: the candidate was reassessed after you opened this page "
            f"({stale.change}). Review the new evidence and decide again."
            + (f" Your note was: “{note[:500]}”" if note else ""),
        )
        return redirect("dashboard:candidate", candidate_id=candidate_id)
    messages.success(request, f"Decision recorded: {form.cleaned_data['status']}.")
    return redirect("dashboard:candidate", candidate_id=candidate_id)


def _candidate_or_404(candidate_id: UUID) -> Candidate:
    c = (
        Candidate.objects.filter(pk=candidate_id)
        .only("id", "review_status", "assessment_seq")
        .first()
    )
    if c is None:
        raise Http404("No such candidate")
    return c


def _query_without(request: HttpRequest, *keys: str) -> str:
    params = request.GET.copy()
    for key in (*keys, "fragment"):
        params.pop(key, None)
    return params.urlencode()
