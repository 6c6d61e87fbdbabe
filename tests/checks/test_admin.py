"""The rule-set admin: saving the active version creates a new one; params are validated."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from checks.admin import params_errors
from checks.models import RuleSet
from checks.rulesets import ruleset_active


def _post_data(ruleset: RuleSet, **changes) -> dict[str, str]:
    data = {
        "band_medium": ruleset.band_medium,
        "band_high": ruleset.band_high,
        "band_critical": ruleset.band_critical,
        "note": ruleset.note,
    }
    for prefix, rows in (
        ("check_rules", ruleset.check_rules.all()),
        ("signal_rules", ruleset.signal_rules.all()),
    ):
        rows = list(rows)
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": len(rows),
                f"{prefix}-INITIAL_FORMS": len(rows),
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-ruleset"] = ruleset.pk
            if row.enabled:
                data[f"{prefix}-{i}-enabled"] = "on"
            if prefix == "check_rules":
                data[f"{prefix}-{i}-params"] = json.dumps(
                    changes.get(f"params:{row.check_name}", row.params)
                )
            else:
                data[f"{prefix}-{i}-points"] = changes.get(f"points:{row.code}", row.points)
                data[f"{prefix}-{i}-severity"] = row.severity
    data.update({k: v for k, v in changes.items() if ":" not in k})
    return {k: str(v) for k, v in data.items()}


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_user("rules", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Rules admins"))
    client.force_login(user)
    return client


def _url(ruleset: RuleSet) -> str:
    return reverse("admin:checks_ruleset_change", args=[ruleset.pk])


def test_params_errors_name_the_parameter_and_type():
    assert params_errors("ip", {"foreign_min_count": 3, "hosting_asns": [1, 2]}) == []
    assert params_errors("ip", {"foreign_min_count": "3"}) == [
        "foreign_min_count: expected a whole number"
    ]
    assert params_errors("ip", {"hosting_asns": [1, "x"]}) == [
        "hosting_asns: item 1: expected a whole number"
    ]
    assert params_errors("timezone", {"off_hours_min_share": 1.5}) == [
        "off_hours_min_share: must be between 0 and 1"
    ]
    assert params_errors("phone", {"check_timezone": 1}) == [
        "check_timezone: expected true or false"
    ]
    assert params_errors("email", {"nope": 1})[0].startswith("unknown parameter 'nope'")
    assert params_errors("email", []) == ["params must be a JSON object"]


def test_saving_creates_a_new_active_version_and_keeps_the_old(db, admin_client):
    old = ruleset_active()
    old_points = old.signal_rules.get(code="ip.tor_exit").points
    data = _post_data(
        old,
        **{
            "points:ip.tor_exit": 70,
            "params:email": {"allowed_domains": ["corp.example"]},
            "note": "Tor weighs more",
        },
    )
    response = admin_client.post(_url(old), data)
    assert response.status_code == 302, response.content[:2000]
    new = ruleset_active()
    assert new.version == old.version + 1
    assert response["Location"] == _url(new)
    assert (new.note, new.created_by.username) == ("Tor weighs more", "rules")
    assert new.signal_rules.get(code="ip.tor_exit").points == 70
    assert new.check_rules.get(check_name="email").params == {"allowed_domains": ["corp.example"]}
    old.refresh_from_db()
    assert not old.is_active
    assert old.signal_rules.get(code="ip.tor_exit").points == old_points


def test_bad_params_are_refused_with_a_clear_error(db, admin_client):
    old = ruleset_active()
    data = _post_data(old, **{"params:ip": {"foreign_min_count": "two"}})
    response = admin_client.post(_url(old), data)
    assert response.status_code == 200
    assert b"foreign_min_count: expected a whole number" in response.content
    assert ruleset_active().version == old.version


def test_old_versions_are_read_only(db, admin_client):
    old = ruleset_active()
    admin_client.post(_url(old), _post_data(old))
    assert ruleset_active().version == old.version + 1
    response = admin_client.post(_url(old), _post_data(old, **{"points:ip.tor_exit": 99}))
    assert response.status_code == 403
    assert admin_client.get(_url(old)).status_code == 200  # still viewable


def test_recruiter_is_refused(db, client, django_user_model):
    user = django_user_model.objects.create_user("rec", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Recruiters"))
    client.force_login(user)
    active = ruleset_active()
    response = client.post(_url(active), _post_data(active, **{"points:ip.tor_exit": 1}))
    assert response.status_code in (302, 403)
    assert ruleset_active().version == active.version


def test_saving_in_the_admin_is_audited_with_the_diff(db, admin_client):
    from checks.models import RuleSetChange

    old = ruleset_active()
    admin_client.post(_url(old), _post_data(old, **{"points:ip.tor_exit": 71, "note": "tor"}))
    change = RuleSetChange.objects.get(action="saved")
    assert change.via == "admin" and change.actor == "rules" and change.note == "tor"
    assert {"path": "signals.ip.tor_exit.points", "before": 35, "after": 71} in change.diff
