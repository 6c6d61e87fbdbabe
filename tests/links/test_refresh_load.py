"""A link-only refresh reads what the link check needs and the findings it reuses in one
statement (`pipeline._links_base`): the candidate's columns and link keys, the active rule set,
the base assessment's version, whether a full request after it is unfinished, and its other
checks' signals. Not its sessions, documents, observations or vendor record: what the checks
that read them found comes from the stored findings. The outcome is still a full run's."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from candidates import pipeline
from candidates.models import Assessment, Candidate, Observation
from checks.rulesets import ruleset_active, ruleset_save_new_version
from tests.factories import ApiClientFactory
from tests.links.test_refresh import _full_reassessment, _signals
from tests.posting import payload, post, run_queued

pytestmark = pytest.mark.django_db
SHARED = "shared.inbox@example.com"


def _links_run(candidate: Candidate) -> tuple[Assessment, list[str]]:
    """A links-scope refresh of the candidate, run as a worker would; its SQL."""
    with transaction.atomic():
        pipeline.assessment_request_many(
            candidate_ids=[candidate.pk], trigger="link", scope="links", enqueue=False
        )
    pending = candidate.assessments.get(status="pending")
    with CaptureQueriesContext(connection) as ctx:
        pipeline.assessment_run(assessment_id=pending.id)
    pending.refresh_from_db()
    assert pending.status == "completed", pending.error
    return pending, [q["sql"] for q in ctx.captured_queries]


def _rich(client, name: str) -> Candidate:
    """A candidate whose other checks find things in its sessions, documents and observations,
    and who shares a mailbox (the link check's)."""
    seen = "2026-11-02T15:00:00Z"
    person = post(
        client,
        payload(
            name,
            email=SHARED,
            vendor="Acme Staffing",
            sessions=[
                {
                    "ip": "73.54.120.18",
                    "seen_at": seen,
                    "kind": "application",
                    "timezone": "Asia/Seoul",
                },
                {"ip": "185.220.101.4", "seen_at": seen, "kind": "login"},
            ],
            documents=[{"kind": "passport", "number": "X1234567", "issuing_country": "KOR"}],
        ),
    )
    Observation.objects.create(candidate=person, code="interview.camera_refused")
    return person


def test_a_refresh_reads_no_sessions_documents_or_observations_and_equals_a_full_run():
    client = ApiClientFactory()
    first = _rich(client, "Ann Rich")
    _full_reassessment(first.pk)  # its observation is in the stored findings now
    post(client, payload("Bob Shared", email=SHARED))
    refresh, sql = _links_run(Candidate.objects.get(pk=first.pk))
    assert refresh.scope == "links"

    reads = [q for q in sql if "candidates_linkkey" in q and "json_agg" in q]
    assert len(reads) == 1  # the subject with its keys, the base and its findings: one statement
    for table in ("candidates_session", "candidates_document", "candidates_observation"):
        assert not any(table in q for q in sql), table
    assert not any(
        'FROM "checks_ruleset"' in q and "SELECT" in q[:10] for q in sql if q != reads[0]
    )

    codes = {row[0] for row in _signals(refresh.id)}
    assert "link.email_shared" in codes
    assert codes - {c for c in codes if c.startswith("link.")}, codes  # reused findings kept
    full = _full_reassessment(first.pk)
    assert _signals(refresh.id) == _signals(full.id)
    assert (refresh.risk_score, refresh.risk_level) == (full.risk_score, full.risk_level)


def test_a_refresh_after_an_unfinished_full_request_runs_full():
    client = ApiClientFactory()
    person = post(client, payload("Ann Changed", email=SHARED))
    with transaction.atomic():  # a write's full request that failed: the data changed since
        failed = pipeline.assessment_request(candidate=person, trigger="upsert")
    Assessment.objects.filter(pk=failed.pk).update(status="failed")
    with run_queued(), transaction.atomic():
        pipeline.assessment_request_many(candidate_ids=[person.pk], trigger="link", scope="links")
    latest = person.assessments.order_by("-seq").first()
    assert latest.seq > failed.seq
    assert (latest.scope, latest.status) == ("full", "completed")


def test_a_refresh_under_a_newer_rule_set_runs_full():
    client = ApiClientFactory()
    person = post(client, payload("Ann Rules", email=SHARED))
    base = Candidate.objects.get(pk=person.pk).completed_assessment
    ruleset_save_new_version(base=ruleset_active(), signals={"link.email_shared": {"points": 41}})
    refresh = _links_run(Candidate.objects.get(pk=person.pk))[0]
    assert refresh.scope == "full"  # the base's findings were scored under the old version
    assert refresh.ruleset_version > base.ruleset_version
