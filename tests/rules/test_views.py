"""The /rules/ workspace pages: the generated draft form, simulate, publish, rescore, refusals."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from candidates.models import Assessment, AuditEvent
from candidates.rules.models import RuleSimulation
from checks.drafts import rules_of, ruleset_draft_create
from checks.models import CheckRule, RuleSet, RuleSetChange, SignalRule
from checks.params import param_specs
from checks.registry import CHECKS
from checks.rulesets import ruleset_active
from tests.rules.conftest import BAD_PHONE, scored

pytestmark = pytest.mark.django_db


def _form_data(rules: dict, **overrides) -> dict:
    """What the browser posts for `rules` unchanged, then `overrides`."""
    data = {f"band_{k}": v for k, v in rules["bands"].items()}
    for check in CHECKS:
        row = rules["checks"][check.name]
        if row["enabled"]:
            data[f"check__{check.name}"] = "on"
        for spec in param_specs(check.Params):
            value = row["params"].get(spec.name, spec.default)
            key = f"param__{check.name}__{spec.name}"
            if spec.many:
                data[key] = "\n".join(str(v) for v in value)
            elif spec.kind is bool:
                if value:
                    data[key] = "on"
            else:
                data[key] = value
        for code in check.codes:
            sig = rules["signals"][code]
            if sig["enabled"]:
                data[f"sig__{code}__enabled"] = "on"
            data[f"sig__{code}__points"] = sig["points"]
            data[f"sig__{code}__severity"] = sig["severity"]
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_draft_form_is_generated_from_the_registry(client, rules_admin):
    client.force_login(rules_admin)
    draft = ruleset_draft_create(via="test")
    page = client.get(f"/rules/drafts/{draft.pk}/").content.decode()
    for check in CHECKS:
        for spec in param_specs(check.Params):
            assert f'name="param__{check.name}__{spec.name}"' in page
            assert escape(spec.help) in page
    assert 'name="param__timezone__off_hours_min_share"' in page and 'max="1"' in page
    # every code's row cites the public guidance it follows
    for check in CHECKS:
        for code, info in check.codes.items():
            row = page.split(f'<code class="code">{code}</code>')[1].split("</th>")[0]
            assert f"Guidance: {escape(info.guidance)}" in row, code


def test_editing_a_draft_saves_params_lists_points_and_bands(client, rules_admin):
    client.force_login(rules_admin)
    draft = ruleset_draft_create(via="test")
    active_rules = rules_of(ruleset_active())
    data = _form_data(
        rules_of(draft),
        **{
            "param__ip__hosting_asns": "16509\n14061\n",
            "param__email__allowed_domains": "corp.example",
            "param__timezone__tolerance_minutes": 30,
            "sig__phone.voip__points": 44,
            "band_high": 55,
        },
    )
    response = client.post(f"/rules/drafts/{draft.pk}/", data)
    assert response.status_code == 302
    rules = rules_of(RuleSet.objects.get(pk=draft.pk))
    assert rules["checks"]["ip"]["params"]["hosting_asns"] == [16509, 14061]
    assert rules["checks"]["email"]["params"]["allowed_domains"] == ["corp.example"]
    assert rules["checks"]["timezone"]["params"]["tolerance_minutes"] == 30
    assert rules["signals"]["phone.voip"]["points"] == 44 and rules["bands"]["high"] == 55
    assert rules_of(ruleset_active()) == active_rules  # the active version is untouched
    edit = RuleSetChange.objects.get(action="draft_edited")
    assert len(edit.diff) == 5 and edit.actor == "ruben"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("param__timezone__off_hours_min_share", "1.5", "less than or equal to 1"),
        ("param__ip__hosting_asns", "16509\nAS-x", "is not a whole number"),
        ("sig__phone.voip__points", "101", "less than or equal to 100"),
        ("band_high", "10", "Bands must rise"),
    ],
)
def test_invalid_values_are_refused_and_the_draft_kept(client, rules_admin, field, value, message):
    client.force_login(rules_admin)
    draft = ruleset_draft_create(via="test")
    before = rules_of(draft)
    response = client.post(f"/rules/drafts/{draft.pk}/", _form_data(before, **{field: value}))
    assert response.status_code == 200 and message in response.content.decode()
    assert rules_of(RuleSet.objects.get(pk=draft.pk)) == before


def test_simulate_publish_and_rescore_through_the_pages(
    client, rules_admin, django_capture_on_commit_callbacks
):
    scored(phone=BAD_PHONE, review="rejected")
    client.force_login(rules_admin)
    draft = ruleset_draft_create(via="test")
    client.post(
        f"/rules/drafts/{draft.pk}/",
        _form_data(rules_of(draft), **{"sig__phone.invalid__points": 60}),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rules/drafts/{draft.pk}/simulate/", {"flag_level": "high"})
    sim = RuleSimulation.objects.get()
    assert response["Location"] == f"/rules/simulations/{sim.id}/"
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "100 %" in page and "1 / 1 candidates" in page and "Level changes (1)" in page
    assert "hx-trigger" not in page  # finished: polling stops

    publish_page = client.get(f"/rules/drafts/{draft.pk}/publish/").content.decode()
    assert "signals.phone.invalid.points" in publish_page
    assert client.post(f"/rules/drafts/{draft.pk}/publish/", {"note": ""}).status_code == 200
    assert RuleSet.objects.get(pk=draft.pk).status == "draft"  # no note, no publish
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/rules/drafts/{draft.pk}/publish/", {"note": "phones", "rescore": "on"})
    assert ruleset_active().pk == draft.pk
    progress = client.get("/rules/rescore/").content.decode()
    assert "100 %" in progress and "1 / 1 candidates" in progress


def test_rollback_opens_the_publish_page_for_a_copy_of_the_old_version(client, rules_admin):
    client.force_login(rules_admin)
    old = ruleset_active()
    response = client.post(f"/rules/versions/{old.version}/rollback/")
    draft = RuleSet.objects.get(status="draft")
    assert response["Location"] == f"/rules/drafts/{draft.pk}/publish/"
    assert rules_of(draft) == rules_of(old)


def _state() -> tuple:
    return (
        list(RuleSet.objects.order_by("pk").values_list("pk", "status", "version", "is_active")),
        list(SignalRule.objects.order_by("pk").values_list("pk", "points", "enabled")),
        list(CheckRule.objects.order_by("pk").values_list("pk", "params", "enabled")),
        RuleSetChange.objects.count(),
        RuleSimulation.objects.count(),
        Assessment.objects.count(),
        AuditEvent.objects.filter(action__startswith="ruleset.").count(),
    )


@pytest.mark.parametrize("role", ["recruiter", "auditor"])
def test_recruiters_and_auditors_are_refused_everywhere(client, request, role):
    user = request.getfixturevalue(role)
    scored(phone=BAD_PHONE)
    draft = ruleset_draft_create(via="test")
    sim = RuleSimulation.objects.create(draft=draft, active_version=1)
    version = ruleset_active().version
    client.force_login(user)
    state = _state()
    gets = [
        "/rules/",
        "/rules/rescore/",
        f"/rules/drafts/{draft.pk}/",
        f"/rules/drafts/{draft.pk}/publish/",
        f"/rules/simulations/{sim.id}/",
    ]
    posts = {
        "/rules/drafts/new/": {},
        "/rules/rescore/start/": {},
        f"/rules/drafts/{draft.pk}/": _form_data(rules_of(draft), band_high=60),
        f"/rules/drafts/{draft.pk}/simulate/": {"flag_level": "high"},
        f"/rules/drafts/{draft.pk}/publish/": {"note": "sneaky", "rescore": "on"},
        f"/rules/drafts/{draft.pk}/discard/": {},
        f"/rules/simulations/{sim.id}/resume/": {},
        f"/rules/versions/{version}/rollback/": {},
    }
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert _state() == state
    assert b'href="/rules/"' not in client.get("/").content if role == "recruiter" else True


def test_workspace_and_simulation_pages_cost_a_fixed_number_of_queries(
    client, rules_admin, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from candidates.rules import services

    for _ in range(3):
        scored(phone=BAD_PHONE)
    client.force_login(rules_admin)
    for n in range(4):  # versions, drafts and change-log rows to list
        draft = ruleset_draft_create(via="test", user=rules_admin)
        with django_capture_on_commit_callbacks(execute=True):
            services.rules_publish(draft=draft, note=f"v{n}", via="test", rescore=True)
    ruleset_draft_create(via="test", user=rules_admin)
    sim = services.simulation_start(
        draft=RuleSet.objects.get(status="draft"), filters={}, run=False
    )
    services.simulation_run(simulation_id=sim.id)
    with django_assert_max_num_queries(14):
        assert client.get("/rules/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/rules/simulations/{sim.id}/").status_code == 200
