"""Review reopening (contract): a decided review goes back to `unreviewed` only when a
reassessment raises the risk level or adds a medium-or-above signal the decision did not see."""

from __future__ import annotations

import pytest

from candidates.models import Candidate
from candidates.services import candidate_upsert, review_decide
from tests.factories import ApiClientFactory

pytestmark = pytest.mark.django_db

BASE = {
    "full_name": "Anna Maria Eriksson",
    "claimed_location": {"country": "US", "city": "St. Louis", "timezone": "America/Chicago"},
}
# A US address (RFC 5737 has no geolocation; this one is a residential-looking US network).
SESSION = {"ip": "24.48.0.1", "seen_at": "2026-01-05T15:00:00Z", "kind": "login"}


def _upsert(capture, client, **data) -> Candidate:
    with capture(execute=True):
        candidate = candidate_upsert(client=client, data={**BASE, **data}).candidate
    candidate.refresh_from_db()
    return candidate


def _codes(candidate: Candidate) -> dict[str, str]:
    candidate.refresh_from_db()
    return dict(candidate.completed_assessment.signals.values_list("code", "severity"))


@pytest.fixture
def decided(django_capture_on_commit_callbacks, django_user_model):
    client = ApiClientFactory()
    reviewer = django_user_model.objects.create_user("reviewer")
    first = _upsert(
        django_capture_on_commit_callbacks,
        client,
        external_id="a-1",
        phone="+1 314 200 0100",
        sessions=[SESSION],
    )
    assert not any(c.startswith("link.") for c in _codes(first))
    review_decide(candidate=first, status="cleared", note="", user=reviewer)
    return client, first, reviewer


def test_a_low_severity_link_never_reopens_a_decision(decided, django_capture_on_commit_callbacks):
    client, first, _ = decided
    level_before = first.risk_level
    _upsert(django_capture_on_commit_callbacks, client, external_id="b-2", sessions=[SESSION])
    codes = _codes(first)
    assert codes.get("link.ip_shared") == "low"  # the reassessment did see the new link
    assert first.completed_assessment.trigger == "link"
    assert first.risk_level == level_before
    assert first.review_status == "cleared"
    assert first.reviews.count() == 1


def test_a_new_medium_signal_reopens_it(decided, django_capture_on_commit_callbacks):
    client, first, _ = decided
    _upsert(django_capture_on_commit_callbacks, client, external_id="b-2", phone="+13142000100")
    assert _codes(first).get("link.phone_shared") == "medium"
    assert first.review_status == "unreviewed"
    assert first.reviews.first().reason == (
        "new signals of severity medium or above: link.phone_shared"
    )
    assert [r.status for r in first.reviews.all()] == ["unreviewed", "cleared"]  # history kept


def test_a_signal_the_decision_saw_does_not_reopen_it(decided, django_capture_on_commit_callbacks):
    from candidates.services import candidate_erase

    client, first, reviewer = decided
    capture = django_capture_on_commit_callbacks
    second = _upsert(capture, client, external_id="b-2", phone="+13142000100")
    review_decide(candidate=first, status="cleared", note="saw the shared phone", user=reviewer)
    level_seen = Candidate.objects.get(pk=first.pk).risk_level
    with capture(execute=True):
        candidate_erase(client=client, candidate_id=second.pk)
    assert "link.phone_shared" not in _codes(first)  # the link went away meanwhile...
    _upsert(capture, client, external_id="c-3", phone="+13142000100")
    assert "link.phone_shared" in _codes(first)  # ...and came back: the decision saw it
    assert first.risk_level == level_seen
    assert first.review_status == "cleared"


def test_one_write_queues_only_a_few_of_other_clients_candidates(
    django_capture_on_commit_callbacks, settings
):
    from candidates import pipeline

    settings.VETTING_LINK_REASSESS_OTHER_CLIENTS_CAP = 2
    capture = django_capture_on_commit_callbacks
    holder, writer = ApiClientFactory(), ApiClientFactory()
    theirs = [
        _upsert(capture, holder, external_id=f"h-{n}", phone="+1 314 200 0100") for n in range(5)
    ]
    mine = _upsert(capture, writer, external_id="w-1", phone="+1 314 200 0100")
    _upsert(capture, writer, external_id="w-2", phone="+1 314 200 0100")
    statuses = []
    for c in theirs:
        c.refresh_from_db()
        statuses.append(c.latest_assessment.status)
    assert statuses.count("pending") == 3  # left for the sweep
    mine.refresh_from_db()
    assert mine.latest_assessment.status == "completed"  # the writer's own: at once
    settings.VETTING_SWEEP_GRACE_SECONDS = 0
    with capture(execute=True):
        pipeline.assessment_sweep()
    for c in theirs:
        c.refresh_from_db()
        assert c.latest_assessment.status == "completed"
        assert "link.phone_shared" in _codes(c)
