"""Candidate detail: evidence, graph, resume overlap, activity hours, images, decisions."""

import io
import re
from datetime import UTC, datetime

import pytest
from django.core.files.base import ContentFile
from PIL import Image as PILImage

from candidates.models import AuditEvent, Candidate, Document, Image
from tests.dashboard.conftest import assessed
from tests.factories import CandidateFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _png() -> Image:
    buf = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    img = Image(sha256="f" * 64, content_type="image/png", width=40, height=30)
    img.file.save("t.png", ContentFile(buf.getvalue()), save=False)
    img.save()
    return img


def test_detail_shows_signals_contributions_and_related(client, recruiter, flagged):
    client.force_login(recruiter)
    response = client.get(f"/candidates/{flagged.id}/")
    body = response.content.decode()
    assert response.status_code == 200
    groups = [g.check_name for g in response.context["d"].groups]
    assert groups[0] == "link" and set(groups) == {"link", "phone"}
    signals = response.context["d"].signals
    assert sum(s.contribution for s in signals) == flagged.risk_score
    assert "phone +1 555 ***-0100" in body  # what is shared, as the check masked it
    assert "Boris Twin" in body and "Carla Other" in body
    # Evidence in plain words, not JSON.
    assert "<dt>Source</dt><dd>test</dd>" in body


def test_detail_view_is_audited(client, recruiter, flagged):
    client.force_login(recruiter)
    client.get(f"/candidates/{flagged.id}/")
    event = AuditEvent.objects.get(action="candidate.viewed")
    assert event.candidate_id == flagged.id and event.actor_user == recruiter


def test_sensitive_numbers_are_masked(client, recruiter, flagged):
    Document.objects.create(
        candidate=flagged,
        kind="passport",
        issuing_country="USA",
        number_key="k" * 64,
        number_last4="0739",
    )
    Candidate.objects.filter(pk=flagged.pk).update(
        has_payout=True,
        payout_account_holder="Alex Flagged",
        payout_account_last4="6789",
        payout_account_key="secret-key-hash",
    )
    client.force_login(recruiter)
    body = client.get(f"/candidates/{flagged.id}/").content.decode()
    assert "••••0739" in body and "••••6789" in body
    assert "secret-key-hash" not in body


def test_graph_has_a_clickable_node_per_related_candidate(client, recruiter, flagged):
    client.force_login(recruiter)
    response = client.get(f"/candidates/{flagged.id}/")
    graph = response.context["graph"]
    assert {n["full_name"] for n in graph["nodes"]} == {"Alex Flagged", "Boris Twin", "Carla Other"}
    twin_edge = [e for e in graph["edges"] if "resume" in e["label"]]
    assert twin_edge and "phone +1 555 ***-0100" in twin_edge[0]["label"]
    svg = re.search(r"<svg class=\"graph\".*?</svg>", response.content.decode(), re.S).group(0)
    twin = Candidate.objects.get(full_name="Boris Twin")
    assert f'href="/candidates/{twin.id}/"' in svg


def test_resume_overlap_highlights_shared_lines(client, recruiter, flagged):
    client.force_login(recruiter)
    body = client.get(f"/candidates/{flagged.id}/").content.decode()
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", body)
    assert marked == ["Built payment systems at scale for ten years in fintech"]


def test_activity_hours_use_the_claimed_time_zone(client, recruiter, flagged):
    # 03:00 UTC is 21:00 the day before in Chicago (UTC-6 in November).
    SessionFactory(candidate=flagged, seen_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    SessionFactory(
        candidate=flagged, seen_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC), ip="73.54.120.19"
    )
    client.force_login(recruiter)
    hours = client.get(f"/candidates/{flagged.id}/").context["hours"]
    counts = {b["hour"]: b["count"] for b in hours["bars"] if b["count"]}
    assert counts == {21: 1, 9: 1}
    assert hours["in_work"] == 1 and hours["tz"] == "America/Chicago"


def test_images_are_served_audited_and_paired_with_duplicates(client, recruiter, flagged):
    mine, theirs = _png(), _png()
    twin = Candidate.objects.get(full_name="Boris Twin")
    Candidate.objects.filter(pk=flagged.pk).update(photo=mine)
    Candidate.objects.filter(pk=twin.pk).update(photo=theirs)
    fresh = CandidateFactory(full_name="Photo Owner")
    assessed(fresh, [("link.photo_duplicate", 60, [twin])])
    Candidate.objects.filter(pk=fresh.pk).update(photo=mine)
    client.force_login(recruiter)
    response = client.get(f"/candidates/{fresh.id}/")
    pairs = response.context["image_pairs"]
    assert pairs and pairs[0]["theirs"] == (twin.id, theirs.id)
    image = client.get(f"/candidates/{twin.id}/images/{theirs.id}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action="image.viewed", candidate_id=twin.id).count() == 1
    # An image is only served under the candidate that holds it.
    assert client.get(f"/candidates/{flagged.id}/images/{theirs.id}/").status_code == 404


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
    assert flagged.risk_score > 0 and flagged.risk_score != before
    camera = flagged.completed_assessment.signals.get(code="interview.camera_refused")
    assert camera.contribution > 0 and "broken" in camera.message


def test_unknown_candidate_is_404(client, recruiter):
    client.force_login(recruiter)
    assert client.get("/candidates/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_detail_query_count_is_bounded(client, recruiter, flagged, django_assert_max_num_queries):
    for i in range(20):
        SessionFactory(candidate=flagged, ip=f"73.54.120.{i}")
    client.force_login(recruiter)
    client.get(f"/candidates/{flagged.id}/")
    with django_assert_max_num_queries(16):
        client.get(f"/candidates/{flagged.id}/")


def test_names_with_markup_render_as_text(client, recruiter, flagged):
    evil = CandidateFactory(full_name="<script>alert(1)</script><b>x</b>")
    assessed(
        evil,
        [("link.phone_shared", 40, [flagged])],
        **{"link.phone_shared": "<img src=x onerror=alert(2)>"},
    )
    client.force_login(recruiter)
    for url in ("/", f"/candidates/{evil.id}/", f"/candidates/{flagged.id}/"):
        body = client.get(url).content.decode()
        assert "<script>alert(1)" not in body and "<b>x</b>" not in body
    body = client.get(f"/candidates/{evil.id}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in body
    assert "<img src=x" not in body
