"""The versioned link allowlist: the link check's `allowlist` parameter, edited in a draft,
simulated, published."""

from __future__ import annotations

import pytest

from candidates import pipeline
from candidates.models import Candidate
from candidates.rules import services
from candidates.subject import subject_load
from checks.base import Context
from checks.drafts import rules_of, ruleset_draft_create
from checks.links.allowlist import allowlist_entry
from checks.links.check import LinkCheck
from checks.models import RuleSet
from checks.ruleset_io import rules_errors
from checks.rulesets import ruleset_active
from links.index import LinkIndex
from tests.links.helpers import candidate, synced
from tests.rules.test_views import _form_data

pytestmark = pytest.mark.django_db
PHONE = "+1 314 200 0100"  # the contract example's number, shared by two "different" people


def test_entries_are_normalised_the_way_link_keys_are():
    assert allowlist_entry("phone: +1 (314) 200-0100") == "phone:+13142000100"
    assert allowlist_entry("EMAIL:Anna.E+x@Gmail.com") == "email:annae@gmail.com"
    assert allowlist_entry("ip_net:73.54.120.7/24") == "ip_net:73.54.120.0/24"
    for bad in ("fax:123", "73.54.120.7", "phone:12", "ip:10.0.0.1"):
        with pytest.raises(ValueError):
            allowlist_entry(bad)


def _pair():
    a = synced(candidate(phone=PHONE, full_name="Ann Twin"))
    b = synced(candidate(phone="(314) 200-0100", full_name="Bea Twin"))
    for c in (a, b):
        pipeline.assessment_run(
            assessment_id=pipeline.assessment_request(candidate=c, trigger="upsert").id
        )
    return a, b


def test_an_allowlisted_value_links_nobody():
    a, _b = _pair()
    check = LinkCheck()
    subject = subject_load(candidate_id=a.pk)
    ctx = Context(links=LinkIndex())
    assert "link.phone_shared" in {f.code for f in check.run(subject, check.Params(), ctx)}
    listed = check.params_from({"allowlist": [allowlist_entry(f"phone:{PHONE}")]})
    assert check.run(subject, listed, ctx) == []


def test_allowlisting_in_a_draft_is_simulated_then_published(
    client, rules_admin, django_capture_on_commit_callbacks
):
    _pair()
    assert set(Candidate.objects.values_list("risk_level", flat=True)) == {"medium"}
    client.force_login(rules_admin)
    draft = ruleset_draft_create(via="test")
    bad = client.post(
        f"/rules/drafts/{draft.pk}/",
        _form_data(rules_of(draft), **{"param__link__allowlist": "fax:314"}),
    )
    assert "Line 1: &#x27;fax:314&#x27;: write kind:value" in bad.content.decode()
    client.post(
        f"/rules/drafts/{draft.pk}/",
        _form_data(rules_of(draft), **{"param__link__allowlist": "phone:(+1) 314-200-0100\n"}),
    )
    saved = rules_of(RuleSet.objects.get(pk=draft.pk))["checks"]["link"]["params"]["allowlist"]
    assert saved == ["phone:+13142000100"]
    assert rules_of(ruleset_active())["checks"]["link"]["params"].get("allowlist", []) == []

    sim = services.simulation_start(draft=RuleSet.objects.get(pk=draft.pk), filters={}, run=False)
    services.simulation_run(simulation_id=sim.id)
    sim.refresh_from_db()
    assert sim.rerun_checks == ["link"]
    assert sim.result["levels"]["draft"]["low"] == 2 and sim.result["changed_count"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.rules_publish(draft=draft, note="agency phone", via="test", rescore=True)
    assert set(Candidate.objects.values_list("risk_level", flat=True)) == {"low"}


def test_an_import_must_hold_normalised_entries():
    rules = rules_of(ruleset_active())
    rules["checks"]["link"]["params"]["allowlist"] = ["phone:+1 314 200 0100"]
    assert rules_errors(rules) == {
        "checks.link": ["allowlist: item 0: write it as 'phone:+13142000100'"]
    }
    rules["checks"]["link"]["params"]["allowlist"] = ["phone:+13142000100"]
    assert rules_errors(rules) == {}
