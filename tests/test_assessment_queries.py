"""A whole assessment run costs a fixed number of queries, whatever the candidate holds: the same
for a candidate with one session, two documents and a few shared values as for one with many
sessions, more documents and more shared values (issue 13, a cheaper assessment)."""

from __future__ import annotations

import base64
import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from candidates import pipeline
from candidates.models import Assessment, Candidate, Observation
from links.models import LinkKey
from tests.factories import ApiClientFactory
from tests.links.synthetic import passport, portrait
from tests.posting import payload, post

pytestmark = pytest.mark.django_db

# The claim (1: the candidate's row lock and the compare-and-set sent together), the rule set
# (1), the subject, read once for the key step and the checks (1; its keys unchanged, so nothing
# written), the link lookups (1) and the cluster walk's one hop (1), the store (4 with its
# savepoint or BEGIN/COMMIT: the candidate's lock with the assessment's and the candidate's
# updates, which also say whether the client has a webhook and which assessment waits behind
# this one; then the signals).
RUN_QUERIES = 9


def _b64(img, fmt: str = "JPEG") -> str:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, fmt, quality=90)
    return base64.b64encode(buf.getvalue()).decode()


def _session(n: int) -> dict:
    return {
        "ip": f"73.54.120.{18 + n}",
        "seen_at": f"2026-11-{10 + n:02d}T14:03:00Z",
        "kind": "login",
    }


def _candidate(client, name: str, *, sessions: int, documents: int, seed: int) -> Candidate:
    body = payload(
        name,
        email="ring@example.com",  # shared with the ring below
        sessions=[_session(n) for n in range(sessions)],
        documents=[
            {
                "kind": "passport" if d == 0 else "id_card",
                "number": f"X{seed:03d}{d:05d}",
                "issuing_country": "USA",
                **({"image": _b64(passport(seed=seed))} if d == 0 else {}),
            }
            for d in range(documents)
        ],
        photo=_b64(portrait(seed=seed), "PNG"),
        references=[{"name": "Pat Lee", "phone": f"+1 636 777 {seed:04d}"}],
    )
    candidate = post(client, body)
    for code in ("interview.camera_refused", "interview.different_person"):
        Observation.objects.create(candidate=candidate, code=code)
    return candidate


def _run_queries(candidate: Candidate) -> tuple[list[str], list[str]]:
    """The SQL of one whole `assessment_run` of the candidate, and the codes it stored."""
    with transaction.atomic():
        assessment = pipeline.assessment_request(candidate=candidate, trigger="manual")
    with CaptureQueriesContext(connection) as ctx:
        pipeline.assessment_run(assessment_id=assessment.id)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETED, assessment.error
    codes = list(assessment.signals.values_list("code", flat=True))
    return [q["sql"][:120] for q in ctx.captured_queries], codes


def test_an_assessment_run_costs_the_same_queries_for_a_small_and_a_big_candidate():
    client = ApiClientFactory()
    for i in range(3):  # a ring sharing the mailbox and the first session's IP
        post(client, payload(f"Ring {i}", email="ring@example.com", sessions=[_session(0)]))
    small = _candidate(client, "Small One", sessions=1, documents=2, seed=1)
    big = _candidate(client, "Big One", sessions=12, documents=4, seed=2)
    assert (
        LinkKey.objects.filter(candidate=big).count()
        > LinkKey.objects.filter(candidate=small).count() + 10
    )

    small_sql, small_codes = _run_queries(small)
    big_sql, big_codes = _run_queries(big)

    assert len(small_sql) <= RUN_QUERIES, "\n".join(small_sql)
    assert len(big_sql) == len(small_sql), "\n".join(big_sql)
    for codes in (small_codes, big_codes):  # what those queries found
        assert {"link.email_shared", "link.ip_shared", "link.identity_cluster"} <= set(codes)
        assert "interview.camera_refused" in codes
