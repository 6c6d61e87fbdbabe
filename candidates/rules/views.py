"""The rules workspace at /rules/: rules admins only (recruiters and auditors get 403 on every
page and action). Edit a draft, simulate it, publish it with a note, watch the rescoring."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from candidates.rules import selectors, services
from candidates.rules.forms import DraftForm, PublishForm, SimulationForm
from candidates.rules.models import RuleSimulation
from checks.drafts import (
    rules_diff,
    rules_of,
    ruleset_draft_create,
    ruleset_draft_discard,
    ruleset_draft_update,
)
from checks.models import RuleSet

VIA = "rules"


def rules_admin(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every workspace view: signed in, and allowed to change rule sets (not only view them)."""
    return login_required(permission_required("checks.change_ruleset", raise_exception=True)(view))


def _draft(pk: int) -> RuleSet:
    return get_object_or_404(RuleSet, pk=pk, status=RuleSet.Status.DRAFT)


@require_http_methods(["GET"])
@rules_admin
def workspace(request: HttpRequest) -> HttpResponse:
    return render(request, "rules/workspace.html", selectors.workspace_context())


@require_http_methods(["GET"])
@rules_admin
def rescore(request: HttpRequest) -> HttpResponse:
    """The rescoring progress bar alone, for htmx polling."""
    active = RuleSet.objects.get(is_active=True)
    context = {"active": active, "rescore": services.rescore_progress(active)}
    return render(request, "rules/workspace.html#rescore", context)


@require_POST
@rules_admin
def rescore_start(request: HttpRequest) -> HttpResponse:
    services.rescore_start(user=request.user, via=VIA)
    messages.success(request, "Rescoring every candidate under the active version.")
    return redirect("dashboard:rules")


@require_POST
@rules_admin
def draft_new(request: HttpRequest) -> HttpResponse:
    version = request.POST.get("version", "")
    base = None
    if version.isdigit():
        base = get_object_or_404(RuleSet, version=int(version), status=RuleSet.Status.PUBLISHED)
    draft = ruleset_draft_create(base=base, user=request.user, via=VIA)
    return redirect("dashboard:rules_draft", pk=draft.pk)


@require_http_methods(["GET", "POST"])
@rules_admin
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    ruleset = _draft(pk)
    rules = rules_of(ruleset)
    form = DraftForm(request.POST or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        diff = ruleset_draft_update(
            draft=ruleset, rules=form.rules_out(), user=request.user, via=VIA
        )
        messages.success(
            request, f"Draft saved ({len(diff)} change{'s' if len(diff) != 1 else ''})."
        )
        return redirect("dashboard:rules_draft", pk=pk)
    return render(
        request,
        "rules/draft.html",
        {
            "draft": ruleset,
            "form": form,
            "sim_form": SimulationForm(),
            "active": RuleSet.objects.get(is_active=True),
            "simulations": ruleset.simulations.all()[:5],
        },
    )


@require_POST
@rules_admin
def draft_discard(request: HttpRequest, pk: int) -> HttpResponse:
    ruleset_draft_discard(draft=_draft(pk), user=request.user, via=VIA)
    messages.success(request, "Draft discarded.")
    return redirect("dashboard:rules")


@require_POST
@rules_admin
def simulate(request: HttpRequest, pk: int) -> HttpResponse:
    ruleset = _draft(pk)
    form = SimulationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check the simulation's filters.")
        return redirect("dashboard:rules_draft", pk=pk)
    sim = services.simulation_start(draft=ruleset, filters=form.filters(), user=request.user)
    return redirect("dashboard:rules_simulation", sim_id=sim.id)


@require_http_methods(["GET"])
@rules_admin
def simulation(request: HttpRequest, sim_id: Any) -> HttpResponse:
    sim = get_object_or_404(RuleSimulation.objects.select_related("draft"), id=sim_id)
    context = selectors.simulation_context(sim)
    if request.headers.get("HX-Request"):
        return render(request, "rules/simulation.html#body", context)
    return render(request, "rules/simulation.html", context)


@require_POST
@rules_admin
def simulation_resume(request: HttpRequest, sim_id: Any) -> HttpResponse:
    sim = get_object_or_404(RuleSimulation, id=sim_id)
    services.simulation_enqueue(simulation_id=sim.id)
    return redirect("dashboard:rules_simulation", sim_id=sim.id)


@require_http_methods(["GET", "POST"])
@rules_admin
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    ruleset = _draft(pk)
    active = RuleSet.objects.get(is_active=True)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new = services.rules_publish(
            draft=ruleset,
            note=form.cleaned_data["note"],
            rescore=form.cleaned_data["rescore"],
            user=request.user,
            via=VIA,
        )
        messages.success(request, f"Published as version {new.version}, now active.")
        return redirect("dashboard:rules")
    diff = rules_diff(rules_of(active), rules_of(ruleset))
    return render(
        request,
        "rules/publish.html",
        {"draft": ruleset, "active": active, "diff": diff, "form": form},
    )


@require_POST
@rules_admin
def rollback(request: HttpRequest, version: int) -> HttpResponse:
    """A rollback is a draft copied from the old version, published like any other."""
    old = get_object_or_404(RuleSet, version=version, status=RuleSet.Status.PUBLISHED)
    draft = ruleset_draft_create(
        base=old, user=request.user, via=VIA, note=f"Rollback to v{old.version}"
    )
    return redirect("dashboard:rules_publish", pk=draft.pk)
