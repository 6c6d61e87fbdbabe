"""Cross-client invisibility (contract, "related_candidates"): a client's probe learns nothing
about another client's candidates, while the link still counts in its score."""

from __future__ import annotations

import json
import re

from django.contrib.auth.models import Group
from django.test import Client

from candidates.models import AuditEvent, Candidate, Signal, WebhookEvent
from candidates.roles import RECRUITERS
from tests.api.conftest import contract_example

URL = "/api/v1/candidates/"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _post(api, body, capture):
    with capture(execute=True):
        response = api.post(URL, body)
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def _links(body: dict) -> list[dict]:
    return [s for s in body["assessment"]["signals"] if s["code"].startswith("link.")]


def test_a_probe_learns_nothing_about_another_clients_candidate(
    api, other_api, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    # The probing client has a webhook: its payloads follow the same rule as GET.
    other_api.client.webhook_url = "https://127.0.0.1:9/hooks"
    other_api.client.save(update_fields=["webhook_url"])
    held = _post(api, contract_example(), capture)
    alone = api.get(f"{URL}{held}/").json()["assessment"]
    assert alone["risk_score"] == 0 and alone["signals"] == []  # nobody else held it yet

    probe = _post(other_api, {**contract_example(), "external_id": "probe-1"}, capture)
    body = other_api.get(f"{URL}{probe}/").json()
    links = _links(body)
    assert {s["code"] for s in links} >= {"link.email_shared", "link.phone_shared"}
    for signal in links:
        assert signal["related_candidates"] == []
        assert signal["related_count"] == 0
        assert signal["evidence"] == {"other_sources": True}
        assert not re.search(r"\d+ (other|candidate)", signal["message"]), signal["message"]
    links_json = json.dumps(links)
    assert "anna" not in links_json.lower() and "0100" not in links_json  # no matched value
    # No id of the other client's candidate anywhere; the only UUIDs are the probe's own.
    ids_seen = set(UUID_RE.findall(json.dumps(body)))
    assert held not in ids_seen
    assert not Candidate.objects.filter(pk__in=ids_seen).exclude(client=other_api.client)

    events = WebhookEvent.objects.filter(client=other_api.client, candidate_id=probe)
    assert events.exists()
    for event in events:
        assert held not in event.body
        assert _links(json.loads(event.body)["data"]) == links

    # The score still counts the link: the same data scored 0 when nobody else held it.
    assessment = body["assessment"]
    assert assessment["risk_score"] > 0
    assert sum(s["contribution"] for s in links) > 0
    stored = Candidate.objects.get(pk=probe)
    assert stored.risk_score == assessment["risk_score"]

    # What is stored (and what recruiters see) still names the other candidate.
    stored_related = {
        r["id"]
        for s in Signal.objects.filter(assessment=stored.completed_assessment)
        for r in s.related_candidates
    }
    assert held in stored_related


def test_own_links_stay_visible_and_foreign_ones_are_only_a_flag(
    api, other_api, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    foreign = _post(other_api, contract_example(), capture)
    own_first = _post(api, {**contract_example(), "external_id": "ats-2"}, capture)
    mine = _post(api, {**contract_example(), "external_id": "ats-3"}, capture)
    body = api.get(f"{URL}{mine}/").json()
    assert foreign not in json.dumps(body)
    phone = next(s for s in _links(body) if s["code"] == "link.phone_shared")
    shared = phone["related_candidates"][0]["shared"]
    assert phone["related_candidates"] == [
        {"id": own_first, "external_id": "ats-2", "shared": shared}
    ]
    assert phone["related_count"] == 1
    assert phone["evidence"]["other_sources"] is True
    assert phone["evidence"]["values"] == [{"shared": shared}]
    for signal in _links(body):  # no evidence keyed by the foreign candidate, no holder counts
        assert foreign not in json.dumps(signal["evidence"])
        assert all("holders" not in v for v in signal["evidence"].get("values", []))


def test_recruiters_see_the_foreign_link_in_the_dashboard(
    api, other_api, django_capture_on_commit_callbacks, django_user_model
):
    capture = django_capture_on_commit_callbacks
    held = _post(api, contract_example(), capture)
    probe = _post(other_api, {**contract_example(), "external_id": "probe-1"}, capture)
    user = django_user_model.objects.create_user(username="rita", password="x" * 20)
    user.groups.add(Group.objects.get(name=RECRUITERS))
    browser = Client()
    browser.force_login(user)
    page = browser.get(f"/candidates/{probe}/")
    assert page.status_code == 200
    assert held in page.content.decode()


def test_a_client_probing_at_an_unusual_rate_is_audited(
    api, other_api, django_capture_on_commit_callbacks, settings
):
    matches = 3  # the counters are per client (new in each test) and hour
    settings.VETTING_PROBE_ALERT_MATCHES = matches
    capture = django_capture_on_commit_callbacks
    _post(api, contract_example(), capture)
    for n in range(matches):
        _post(other_api, {**contract_example(), "external_id": f"probe-{n}"}, capture)
    events = AuditEvent.objects.filter(action="client.probing_suspected")
    assert events.count() == 1
    event = events.get()
    assert event.actor_client == other_api.client
    assert event.detail["cross_client_matches"] >= matches
    # The holder whose candidates were matched is not blamed.
    assert not events.filter(actor_client=api.client).exists()


def test_counts_beyond_the_stored_list_are_not_shown(api, django_capture_on_commit_callbacks):
    from candidates.api.visibility import signal_for_client

    capture = django_capture_on_commit_callbacks
    _post(api, {**contract_example(), "external_id": "ats-1"}, capture)
    mine = _post(api, {**contract_example(), "external_id": "ats-2"}, capture)
    stored = Candidate.objects.get(pk=mine).completed_assessment.signals.get(
        code="link.phone_shared"
    )
    own = {r["id"]: "ats-1" for r in stored.related_candidates}
    assert signal_for_client(stored, own=own)["related_count"] == 1  # all own: as stored
    stored.related_count = 80  # as when a value had more holders than the check fetched
    shown = signal_for_client(stored, own=own)
    assert shown["related_count"] == 1 and shown["message"] != stored.message
    assert "other_sources" not in shown["evidence"]  # unknown, so not claimed
    assert all("holders" not in v for v in shown["evidence"]["values"])
