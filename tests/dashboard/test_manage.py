"""The audit log page and the rules page."""

import pytest

from candidates.models import AuditEvent
from candidates.services import audit_record
from checks.models import RuleSet
from checks.rulesets import ruleset_active, ruleset_snapshot

pytestmark = pytest.mark.django_db


def test_auditor_filters_the_audit_log(client, auditor, recruiter, flagged):
    audit_record(
        action="review.decided",
        candidate_id=flagged.id,
        user=recruiter,
        detail={"status": "cleared"},
    )
    audit_record(action="candidate.viewed", candidate_id=flagged.id, user=recruiter)
    client.force_login(auditor)
    response = client.get("/audit/", {"action": "review.decided", "user": "rita"})
    events = response.context["events"]
    assert [e.action for e in events] == ["review.decided"]
    assert "status: cleared" in response.content.decode()


def test_audit_log_pages_by_keyset(client, auditor):
    AuditEvent.objects.bulk_create([AuditEvent(action=f"test.{i}") for i in range(105)])
    assert 100 < AuditEvent.objects.count() <= 200  # two pages
    client.force_login(auditor)
    first = client.get("/audit/")
    assert len(first.context["events"]) == 100 and first.context["next_after"]
    second = client.get("/audit/", {"after": first.context["next_after"]})
    pages = [*first.context["events"], *second.context["events"]]
    # Every event once, with whatever the module's posted candidates wrote besides these.
    assert len(pages) == len({e.id for e in pages})
    assert {e.id for e in pages} == set(AuditEvent.objects.values_list("id", flat=True))


def test_superuser_sees_audit_log(client, superuser):
    client.force_login(superuser)
    assert client.get("/audit/").status_code == 200


def _rules_post(snapshot, **overrides):
    data = {"band_medium": 25, "band_high": 50, "band_critical": 75, "note": "tune"}
    for name, rule in snapshot["checks"].items():
        if rule["enabled"]:
            data[f"check__{name}"] = "on"
    for code, rule in snapshot["signals"].items():
        if rule["enabled"]:
            data[f"sig__{code}__enabled"] = "on"
        data[f"sig__{code}__points"] = rule["points"]
        data[f"sig__{code}__severity"] = rule["severity"]
    data.update(overrides)
    return data


def test_rules_admin_saves_a_new_version(client, rules_admin):
    active = ruleset_active()
    snapshot = ruleset_snapshot(active)
    client.force_login(rules_admin)
    page = client.get("/rules/")
    assert page.status_code == 200 and b"phone.voip" in page.content
    data = _rules_post(snapshot, **{"sig__phone.voip__points": 33, "band_high": 55})
    data.pop("sig__email.disposable__enabled", None)
    response = client.post("/rules/", data)
    assert response.status_code == 302
    new = ruleset_active()
    assert new.version == active.version + 1 and new.created_by == rules_admin
    rules = ruleset_snapshot(new)
    assert rules["signals"]["phone.voip"]["points"] == 33
    assert rules["signals"]["email.disposable"]["enabled"] is False
    assert rules["bands"]["high"] == 55
    # The old version is untouched.
    assert ruleset_snapshot(RuleSet.objects.get(version=active.version)) == snapshot
    assert AuditEvent.objects.filter(action="ruleset.saved").exists()


def test_rules_reject_falling_bands(client, rules_admin):
    active = ruleset_active()
    client.force_login(rules_admin)
    response = client.post("/rules/", _rules_post(ruleset_snapshot(active), band_high=20))
    assert response.status_code == 200 and b"Bands must rise" in response.content
    assert ruleset_active().version == active.version


def test_auditor_may_view_rules_but_not_save(client, auditor):
    client.force_login(auditor)
    assert client.get("/rules/").status_code == 200
    version = ruleset_active().version
    response = client.post("/rules/", _rules_post(ruleset_snapshot(ruleset_active())))
    assert response.status_code == 403 and ruleset_active().version == version
