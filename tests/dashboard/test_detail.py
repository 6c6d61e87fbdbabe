"""Candidate detail: evidence, graph, resume overlap, activity hours, images, decisions.

Every candidate here is posted through the API's service and assessed by the pipeline
(tests/posting.py): the page shows what the product stored.
"""

import re

import pytest

from candidates.dashboard.forms import ObservationForm
from candidates.demo import image_b64
from candidates.models import AuditEvent, Candidate, Document, Signal
from checks.interview import InterviewCheck
from checks.links import resume
from tests.dashboard.conftest import RESUME_LINES, VOIP_PHONE
from tests.factories import contract_example
from tests.posting import payload, post

pytestmark = pytest.mark.django_db


def _signals(candidate: Candidate) -> dict[str, Signal]:
    return {s.code: s for s in candidate.completed_assessment.signals.all()}


def test_detail_shows_signals_contributions_and_related(client, recruiter, flagged):
    client.force_login(recruiter)
    response = client.get(f"/candidates/{flagged.id}/")
    body = response.content.decode()
    assert response.status_code == 200
    groups = [g.check_name for g in response.context["d"].groups]
    assert groups[0] == "link" and set(groups) == {"link", "phone"}
    signals = response.context["d"].signals
    assert {"phone.voip", "link.phone_shared", "link.resume_duplicate"} <= {s.code for s in signals}
    assert sum(s.contribution for s in signals) == flagged.risk_score > 0
    assert "phone +44 56 **** 5678" in body  # what is shared, as the check masked it
    assert "Boris Twin" in body and "Carla Other" in body
    for s in signals:
        assert s.message in body
    # Evidence in plain words, not JSON.
    assert "<dt>Number type</dt><dd>VOIP</dd>" in body


def test_detail_view_is_audited(client, recruiter, flagged):
    client.force_login(recruiter)
    client.get(f"/candidates/{flagged.id}/")
    event = AuditEvent.objects.get(action="candidate.viewed")
    assert event.candidate_id == flagged.id and event.actor_user == recruiter


def test_sensitive_numbers_are_masked(client, recruiter, flagged, ats):
    example = contract_example()  # passport 584120739, account 000123456789
    post(
        ats,
        {
            "external_id": flagged.external_id,
            "documents": example["documents"],
            "payout": {**example["payout"], "account_holder": "Alex Flagged"},
        },
    )
    flagged.refresh_from_db()
    document = Document.objects.get(candidate=flagged)
    client.force_login(recruiter)
    body = client.get(f"/candidates/{flagged.id}/").content.decode()
    assert "••••0739" in body and "••••6789" in body
    for secret in ("584120739", "000123456789", document.number_key, flagged.payout_account_key):
        assert secret and secret not in body


def test_graph_has_a_clickable_node_per_related_candidate(client, recruiter, flagged):
    client.force_login(recruiter)
    response = client.get(f"/candidates/{flagged.id}/")
    graph = response.context["graph"]
    assert {n["full_name"] for n in graph["nodes"]} == {"Alex Flagged", "Boris Twin", "Carla Other"}
    twin_edge = [e for e in graph["edges"] if "resume" in e["label"]]
    assert len(twin_edge) == 1 and "phone +44 56 **** 5678" in twin_edge[0]["label"]
    svg = re.search(r"<svg class=\"graph\".*?</svg>", response.content.decode(), re.S).group(0)
    twin = Candidate.objects.get(full_name="Boris Twin")
    assert f'href="/candidates/{twin.id}/"' in svg


def test_resume_overlap_shows_what_the_check_measured(client, recruiter, flagged):
    twin = Candidate.objects.get(full_name="Boris Twin")
    fired = _signals(flagged)["link.resume_duplicate"].evidence["jaccard"][str(twin.id)]
    assert fired == round(resume.similarity(flagged.resume_text, twin.resume_text), 2) < 1
    client.force_login(recruiter)
    response = client.get(f"/candidates/{flagged.id}/")
    overlap = response.context["resume"]
    assert overlap["similar"] == [{"name": "Boris Twin", "percent": round(100 * fired)}]
    body = response.content.decode()
    assert f"{round(100 * fired)}% similar to Boris Twin" in body
    # The shared lines are highlighted; the differing first and last lines are not.
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", body) == RESUME_LINES


def test_activity_hours_use_the_claimed_time_zone(client, recruiter, flagged, ats):
    # 03:00 UTC is 21:00 the day before in Chicago (UTC-6 in November).
    sessions = [
        {"ip": "73.54.120.18", "seen_at": "2026-11-20T03:00:00Z", "kind": "login"},
        {"ip": "73.54.120.19", "seen_at": "2026-11-20T15:00:00Z", "kind": "login"},
    ]
    post(ats, {"external_id": flagged.external_id, "sessions": sessions})
    client.force_login(recruiter)
    hours = client.get(f"/candidates/{flagged.id}/").context["hours"]
    counts = {b["hour"]: b["count"] for b in hours["bars"] if b["count"]}
    assert counts == {21: 1, 9: 1}
    assert hours["in_work"] == 1 and hours["tz"] == "America/Chicago"


def test_images_are_served_audited_and_paired_with_duplicates(client, recruiter, flagged, ats):
    # One portrait, re-encoded: the photo check sees the same picture.
    twin = post(ats, payload("Photo Source", photo=image_b64(4242, quality=90)))
    fresh = post(ats, payload("Photo Owner", photo=image_b64(4242, quality=60)))
    assert [r["id"] for r in _signals(fresh)["link.photo_duplicate"].related_candidates] == [
        str(twin.id)
    ]
    client.force_login(recruiter)
    response = client.get(f"/candidates/{fresh.id}/")
    pairs = response.context["image_pairs"]
    assert [p["theirs"] for p in pairs] == [(twin.id, twin.photo_id)]
    assert pairs[0]["mine"] == (fresh.id, fresh.photo_id) and fresh.photo_id != twin.photo_id
    image = client.get(f"/candidates/{twin.id}/images/{twin.photo_id}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content).startswith(b"\xff\xd8")
    assert AuditEvent.objects.filter(action="image.viewed", candidate_id=twin.id).count() == 1
    # An image is only served under the candidate that holds it.
    assert client.get(f"/candidates/{flagged.id}/images/{twin.photo_id}/").status_code == 404


def test_decision_requires_note_to_reject_and_is_audited(client, recruiter, flagged):
    client.force_login(recruiter)
    url = f"/candidates/{flagged.id}/decision/"
    client.post(url, {"decision-status": "rejected", "decision-note": "  "})
    flagged.refresh_from_db()
    assert flagged.review_status == "unreviewed"
    response = client.post(
        url, {"decision-status": "escalated", "decision-note": "Same phone as Boris"}, follow=True
    )
    flagged.refresh_from_db()
    assert flagged.review_status == "escalated" and flagged.review_decided_by == recruiter
    assert "Same phone as Boris" in response.content.decode()
    event = AuditEvent.objects.get(action="review.decided")
    assert event.detail["status"] == "escalated" and event.candidate_id == flagged.id


def test_observation_becomes_a_scored_signal(
    client, recruiter, flagged, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)
    before = flagged.risk_score
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/candidates/{flagged.id}/observations/",
            {"obs-code": "interview.camera_refused", "obs-note": "Camera 'broken' again"},
        )
    flagged.refresh_from_db()
    codes = set(flagged.completed_assessment.signals.values_list("code", flat=True))
    assert "interview.camera_refused" in codes
    assert flagged.completed_assessment.trigger == "observation"
    assert flagged.risk_score > before
    camera = flagged.completed_assessment.signals.get(code="interview.camera_refused")
    assert camera.contribution > 0 and "broken" in camera.message


def test_the_observation_form_offers_the_interview_checks_codes():
    offered = [code for code, _label in ObservationForm(prefix="obs").fields["code"].choices]
    assert offered == list(InterviewCheck.codes)


def test_unknown_candidate_is_404(client, recruiter):
    client.force_login(recruiter)
    assert client.get("/candidates/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_detail_query_count_is_bounded(
    client, recruiter, flagged, ats, django_assert_max_num_queries
):
    sessions = [
        {"ip": f"73.54.120.{i}", "seen_at": f"2026-11-{i + 1:02d}T15:00:00Z", "kind": "login"}
        for i in range(20)
    ]
    post(ats, {"external_id": flagged.external_id, "sessions": sessions})
    client.force_login(recruiter)
    client.get(f"/candidates/{flagged.id}/")
    with django_assert_max_num_queries(16):
        response = client.get(f"/candidates/{flagged.id}/")
    assert response.context["hours"]["total"] == 20 and len(response.context["graph"]["edges"]) == 2


def test_names_with_markup_render_as_text(client, recruiter, flagged, ats):
    name = "<script>alert(1)</script><b>x</b><img src=x onerror=alert(2)>"
    evil = post(ats, payload(name, phone=VOIP_PHONE))
    assert "link.phone_shared" in _signals(evil)
    client.force_login(recruiter)
    for url in ("/", f"/candidates/{evil.id}/", f"/candidates/{flagged.id}/"):
        body = client.get(url).content.decode()
        assert "<script>alert(1)" not in body and "<b>x</b>" not in body
        assert "<img src=x" not in body
    body = client.get(f"/candidates/{flagged.id}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in body
