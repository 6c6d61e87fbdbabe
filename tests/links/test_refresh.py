"""Coalesced, partial reassessment through the real pipeline (PostgreSQL, inline tasks).

A write requests only its candidate's own assessment; the worker keys the candidate and asks the
other holders of the values that changed for a link-only refresh (`scope` "links"), which re-runs
the link check and rescores the stored findings of the other checks. A candidate has at most one
pending assessment: requests join it, and a change while one runs gets one more run after it.
"""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime

import pytest
from django.db import transaction
from PIL import Image as PILImage

from candidates import pipeline
from candidates.models import Assessment, Candidate, Signal
from tests.factories import ApiClientFactory
from tests.links.synthetic import portrait
from tests.posting import payload, post, run_queued

pytestmark = pytest.mark.django_db
RING_PHONE = "+1 314 555 0142"


def _png(img: PILImage.Image) -> str:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _scopes(ids) -> dict[str, int]:
    rows = Assessment.objects.filter(candidate_id__in=ids, status="completed")
    return {s: rows.filter(scope=s).count() for s in ("full", "links")}


def _signals(assessment_id) -> list[tuple]:
    """What a signal says, as stored: everything but its row and assessment ids."""
    return sorted(
        (
            s.code,
            s.check_name,
            s.score,
            s.contribution,
            s.severity,
            s.message,
            s.evidence,
            sorted(r["id"] for r in s.related_candidates),
            s.related_count,
        )
        for s in Signal.objects.filter(assessment_id=assessment_id)
    )


def _full_reassessment(candidate_id) -> Assessment:
    """Reassess the candidate fully (a manual request), as a worker would, and return it."""
    candidate = Candidate.objects.get(pk=candidate_id)
    with run_queued(), transaction.atomic():
        assessment = pipeline.assessment_request(candidate=candidate, trigger="manual")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.scope) == ("completed", "full")
    return assessment


def test_a_ring_of_five_posted_one_by_one_runs_five_full_assessments_and_refreshes_links():
    client = ApiClientFactory()
    face = _png(portrait(77, (300, 380)))
    ring = []
    for n in range(5):
        ring.append(post(client, payload(f"Ring Member {n}", phone=RING_PHONE, photo=face)).pk)
        # The newcomer is assessed in full; each earlier member gets one link-only refresh.
        assert _scopes(ring) == {"full": n + 1, "links": n * (n + 1) // 2}
    assert _scopes(ring) == {"full": 5, "links": 10}  # 15 full assessments before coalescing
    assert not Assessment.objects.filter(candidate_id__in=ring).exclude(status="completed")

    finals = {pk: Candidate.objects.get(pk=pk).completed_assessment for pk in ring}
    assert {a.scope for pk, a in finals.items() if pk != ring[-1]} == {"links"}
    for pk, final in finals.items():
        codes = {row[0] for row in _signals(final.id)}
        assert {"link.phone_shared", "link.photo_duplicate"} <= codes, codes
    # Each member's refreshed signals are those a full reassessment of it gives now.
    for pk, final in finals.items():
        full = _full_reassessment(pk)
        assert _signals(final.id) == _signals(full.id), pk
        assert (final.risk_score, final.risk_level) == (full.risk_score, full.risk_level)
        assert final.ruleset_version == full.ruleset_version


def test_a_link_refresh_keeps_the_other_checks_findings_and_rescores_them():
    client = ApiClientFactory()
    # An unparseable phone is the phone check's finding; the shared mailbox is the link check's.
    first = post(client, payload("Ann Shared", email="shared.inbox@example.com", phone="12"))
    own = first.completed_assessment
    before = {row[0]: row for row in _signals(own.id)}
    assert "phone.invalid" in before and not any(c.startswith("link.") for c in before)
    post(client, payload("Bob Shared", email="shared.inbox@example.com"))
    first.refresh_from_db()
    refreshed = first.completed_assessment
    assert (refreshed.scope, refreshed.trigger) == ("links", "link")
    after = {row[0]: row for row in _signals(refreshed.id)}
    assert "link.email_shared" in after
    # The phone check did not run again: its message and evidence are the stored ones, its
    # share of the now higher score recomputed.
    assert after["phone.invalid"][5:7] == before["phone.invalid"][5:7]
    assert after["phone.invalid"][2] == before["phone.invalid"][2]  # points
    assert refreshed.risk_score > own.risk_score


def test_an_unrelated_change_reassesses_no_other_holder():
    client = ApiClientFactory()
    one = post(client, payload("Ann Phone", phone=RING_PHONE))
    two = post(client, payload("Bob Phone", phone=RING_PHONE))
    counts = {c.pk: c.assessments.count() for c in (one, two)}
    post(client, {"external_id": two.external_id, "stage": "interviewing"})
    assert one.assessments.count() == counts[one.pk]  # nothing it shares changed
    assert two.assessments.count() == counts[two.pk] + 1
    post(client, {"external_id": two.external_id, "phone": "+1 314 555 0199"})
    latest = one.assessments.first()
    assert one.assessments.count() == counts[one.pk] + 1  # the holder set of its phone changed
    assert (latest.scope, latest.status) == ("links", "completed")
    assert "link.phone_shared" not in {row[0] for row in _signals(latest.id)}


def test_two_requests_make_one_pending_assessment_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    client = ApiClientFactory()
    people = [
        Candidate.objects.create(client=client, external_id=f"c-{i}", full_name=f"P {i}")
        for i in range(20)
    ]
    ids = [p.pk for p in people]
    assert pipeline.assessment_request_many(candidate_ids=ids, trigger="link", scope="links") == 20
    with django_assert_num_queries(1):  # lock and look up: all pending already, nothing to add
        assert (
            pipeline.assessment_request_many(candidate_ids=ids, trigger="link", scope="links") == 0
        )
    assert Assessment.objects.filter(candidate_id__in=ids).count() == 20
    with django_assert_num_queries(2):  # the same, and one update: upgraded to full
        assert pipeline.assessment_request_many(candidate_ids=ids, trigger="ruleset") == 0
    assert set(Assessment.objects.values_list("scope", "trigger", "status")) == {
        ("full", "ruleset", "pending")
    }
    for c in Candidate.objects.filter(pk__in=ids).select_related("latest_assessment"):
        assert c.latest_assessment.status == "pending" and c.assessment_status == "pending"


def test_a_full_request_upgrades_a_pending_link_refresh_and_moves_it_to_the_fresh_queue(
    django_capture_on_commit_callbacks, monkeypatch
):
    client = ApiClientFactory()
    person = post(client, payload("Ann Upgrade"))
    with django_capture_on_commit_callbacks(execute=False):
        pipeline.assessment_request_many(
            candidate_ids=[person.pk], trigger="link", scope="links", enqueue=False
        )
    pending = person.assessments.get(status="pending")
    assert (pending.scope, pending.queued_at) == ("links", None)  # the sweep's, later

    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        pipeline.tasks.assess_candidate_task,
        "apply_async",
        lambda args, queue: sent.append((args[0], queue)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        joined = pipeline.assessment_request(candidate=person, trigger="upsert")
    assert joined.id == pending.id
    pending.refresh_from_db()
    assert (pending.scope, pending.trigger, pending.status) == ("full", "upsert", "pending")
    assert pending.queued_at is not None
    assert sent == [(str(pending.id), pipeline.assessment_queue("upsert"))]
    assert person.assessments.filter(status="pending").count() == 1


def test_a_change_while_the_assessment_runs_gets_one_more_run_after_it(
    django_capture_on_commit_callbacks, settings
):
    client = ApiClientFactory()
    body = payload("Ann Running")
    with django_capture_on_commit_callbacks(execute=False):  # queued, not run yet
        person = pipeline.Candidate.objects.get(pk=_upsert(client, body))
    first = person.assessments.get()
    with transaction.atomic():  # a worker picks it up
        assert pipeline.assessment_claim(assessment_id=first.id)

    with django_capture_on_commit_callbacks(execute=False):
        _upsert(client, {"external_id": body["external_id"], "phone": "+1 314 555 0100"})
        _upsert(client, {"external_id": body["external_id"], "stage": "screening"})
    second = person.assessments.get(status="pending")  # two changes, one more assessment
    assert person.assessments.count() == 2 and second.seq > first.seq
    pipeline.assessment_run(assessment_id=second.id)  # its task arrives early: it waits
    second.refresh_from_db()
    assert second.status == "pending"

    # The first run ends (here: reclaimed as its worker's, and finished); the second follows.
    settings.VETTING_STALE_RUNNING_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.assessment_run(assessment_id=first.id)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("completed", "completed")
    assert person.assessments.count() == 2
    person.refresh_from_db()
    assert person.completed_assessment_id == second.id and person.assessment_status == "completed"


def _upsert(client, body) -> str:
    from candidates.api.serializers import CandidateIn
    from candidates.services import candidate_upsert

    serializer = CandidateIn(data=body)
    assert serializer.is_valid(), serializer.errors
    return str(candidate_upsert(client=client, data=serializer.validated_data).candidate.pk)


def test_a_link_refresh_without_a_usable_earlier_assessment_runs_full():
    client = ApiClientFactory()
    person = Candidate.objects.create(client=client, external_id="never", full_name="Never Run")
    with run_queued(), transaction.atomic():
        pipeline.assessment_request_many(candidate_ids=[person.pk], trigger="link", scope="links")
    only = person.assessments.get()
    assert (only.scope, only.status) == ("full", "completed")  # recorded as what it ran


def test_holders_of_a_subnet_or_a_crowded_value_are_refreshed_later_by_the_sweep(settings):
    settings.VETTING_LINK_LOW_VALUE_HOLDERS = 2
    client = ApiClientFactory()
    seen = datetime(2026, 11, 2, 15, 0, tzinfo=UTC).isoformat()

    def session(ip):
        return [{"ip": ip, "seen_at": seen, "kind": "application"}]

    crowd = [post(client, payload(f"Crowd {i}", phone=RING_PHONE)) for i in range(3)]
    neighbour = post(client, payload("Net Neighbour", sessions=session("73.54.120.18")))
    newcomer = post(client, payload("Newcomer", phone=RING_PHONE, sessions=session("73.54.120.99")))
    # Three other holders of the phone (more than 2) and a shared /24 only: all wait.
    waiting = Assessment.objects.filter(status="pending", scope="links", queued_at=None)
    assert set(waiting.values_list("candidate_id", flat=True)) == {
        c.pk for c in [*crowd, neighbour]
    }
    assert newcomer.assessments.get().status == "completed"
    # Within their grace period they wait (a burst's later writes coalesce into them)...
    assert pipeline.link_refresh_sweep() == 0
    # ... then beat's link-refresh sweep queues them, on the reassessment queue; the assessment
    # sweep, whose grace period is longer, finds nothing left.
    settings.VETTING_LINK_REFRESH_GRACE_SECONDS = 0
    with run_queued():
        assert pipeline.link_refresh_sweep() == 4
    settings.VETTING_SWEEP_GRACE_SECONDS = 0
    assert pipeline.assessment_sweep() == 0
    refreshed = Assessment.objects.filter(candidate__in=[*crowd, neighbour], scope="links")
    assert set(refreshed.values_list("status", "trigger")) == {("completed", "link")}
    assert not Assessment.objects.exclude(status="completed").exists()


def test_the_link_refresh_sweep_leaves_other_pending_work_to_the_assessment_sweep(settings):
    """A write's own assessment the broker refused (pending, never queued) is not a low-value
    refresh: the link-refresh sweep leaves it to the assessment sweep's checks."""
    settings.VETTING_LINK_REFRESH_GRACE_SECONDS = 0
    person = post(ApiClientFactory(), payload("Refused Once"))
    Assessment.objects.filter(candidate=person).update(status="pending", queued_at=None)
    assert pipeline.link_refresh_sweep() == 0
