"""Least privilege and the audit trail around /admin/: export is its own permission, every admin
change is an audit event, admin candidate views are audited and deletion is erasure."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from candidates.models import ApiClient, AuditEvent, Candidate, Tombstone
from links.models import LinkAllowlist
from tests.api.conftest import contract_example
from tests.dashboard.conftest import make_user
from tests.factories import ApiClientFactory

pytestmark = pytest.mark.django_db


def test_export_is_for_recruiters_not_auditors(client, recruiter, auditor, rules_admin):
    client.force_login(recruiter)
    assert client.get("/queue.csv").status_code == 200
    assert b"Export CSV" in client.get("/").content
    for refused in (auditor, rules_admin):
        client.force_login(refused)
        assert client.get("/queue.csv").status_code == 403
    client.force_login(auditor)
    assert b"Export CSV" not in client.get("/").content
    assert AuditEvent.objects.filter(action="queue.exported").count() == 1


def _admin_events(action: str, model: str):
    return AuditEvent.objects.filter(action=action, detail__model=model)


def test_admin_changes_to_api_clients_allowlists_and_users_are_audited(
    client, superuser, rules_admin, django_user_model
):
    api_client = ApiClientFactory(name="ats-admin")
    client.force_login(superuser)
    response = client.post(
        f"/admin/candidates/apiclient/{api_client.pk}/change/",
        {"name": "ats-admin", "webhook_url": "", "is_active": ""},  # deactivate
    )
    assert response.status_code == 302, response.content[:1500]
    assert not ApiClient.objects.get(pk=api_client.pk).is_active
    event = _admin_events("admin.changed", "candidates.apiclient").get()
    assert event.actor_user == superuser and event.detail["object_id"] == str(api_client.pk)
    assert "is_active" in str(event.detail["change"]).lower() or "active" in str(event.detail)

    someone = django_user_model.objects.create_user("someone", password="pw-long-enough-1")
    client.post(
        f"/admin/auth/user/{someone.pk}/change/",
        {
            "username": "someone",
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert _admin_events("admin.changed", "auth.user").filter(actor_user=superuser).exists()

    client.force_login(rules_admin)
    client.post(
        "/admin/links/linkallowlist/add/", {"kind": "ip", "value": "73.54.120.7", "note": "VPN"}
    )
    entry = LinkAllowlist.objects.get()
    added = _admin_events("admin.added", "links.linkallowlist").get()
    assert added.actor_user == rules_admin and added.detail["object_id"] == str(entry.pk)
    client.post(f"/admin/links/linkallowlist/{entry.pk}/delete/", {"post": "yes"})
    assert _admin_events("admin.deleted", "links.linkallowlist").exists()


def test_admin_rule_set_edits_are_audited(client, rules_admin):
    from checks.rulesets import ruleset_active
    from tests.checks.test_admin import _post_data, _url

    client.force_login(rules_admin)
    old = ruleset_active()
    data = _post_data(old, **{"points:ip.tor_exit": 70, "note": "Tor weighs more"})
    assert client.post(_url(old), data).status_code == 302
    assert ruleset_active().version == old.version + 1
    event = _admin_events("admin.changed", "checks.ruleset").get()
    assert event.actor_user == rules_admin and event.detail["object_id"] == str(old.pk)


def test_admin_candidate_views_are_audited_and_deletion_is_erasure(
    client, superuser, django_capture_on_commit_callbacks, settings, tmp_path, api_client_factory
):
    from tests.api.conftest import Api, image_b64

    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner, key = api_client_factory(name="owner")
    body = {**contract_example(), "photo": image_b64("PNG", (10, 10))}
    with django_capture_on_commit_callbacks(execute=True):
        created = Api(key).post("/api/v1/candidates/", body)
    assert created.status_code == 201, created.json()
    candidate = Candidate.objects.select_related("photo").get(pk=created.json()["id"])
    photo_name = candidate.photo.file.name
    assert default_storage.exists(photo_name)

    client.force_login(superuser)
    assert client.get("/admin/candidates/candidate/").status_code == 200
    assert client.get(f"/admin/candidates/candidate/{candidate.pk}/change/").status_code == 200
    viewed = AuditEvent.objects.get(action="candidate.viewed", candidate_id=candidate.pk)
    assert viewed.actor_user == superuser and viewed.detail == {"via": "admin"}
    assert AuditEvent.objects.filter(action="candidate.listed", actor_user=superuser).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/candidates/candidate/{candidate.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
    assert Tombstone.objects.filter(pk=candidate.pk, client=owner).exists()
    assert not default_storage.exists(photo_name)
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.png"))
    assert AuditEvent.objects.filter(action="candidate.erased", candidate_id=candidate.pk).exists()
    assert _admin_events("admin.deleted", "candidates.candidate").get().actor_user == superuser


def test_history_rows_cannot_be_deleted_in_the_admin(client, superuser):
    client.force_login(superuser)
    for model in ("assessment", "reviewdecision", "observation", "webhookevent"):
        page = client.get(f"/admin/candidates/{model}/")
        assert page.status_code == 200
        assert b'value="delete_selected"' not in page.content, model


def test_a_recruiter_is_still_refused_in_the_admin(client, django_user_model):
    recruiter = make_user(django_user_model, "rec2", "Recruiters")
    client.force_login(recruiter)
    assert client.get("/admin/candidates/candidate/").status_code == 302
    assert not AuditEvent.objects.filter(action="candidate.listed").exists()


def test_api_clients_created_or_rotated_outside_the_admin_are_audited(db):
    from candidates.api_clients import api_client_create, api_client_rotate_key

    client, _key, _secret = api_client_create(name="cli-made", webhook_url="")
    api_client_rotate_key(client=client)
    actions = list(
        AuditEvent.objects.filter(actor_client=client)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["client.created", "client.key_rotated"]
