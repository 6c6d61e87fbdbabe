"""The lean write path (issue 13): what a single upsert and a batch cost in SQL statements, and
that a response rendered from the objects the write holds is the candidate as GET shows it.

Counting: every statement Django sends is counted, the API-key lookup included, except the
SAVEPOINT / RELEASE pair around the write. That pair exists only because pytest-django runs each
test inside a transaction, which turns the write's outermost `atomic` block into a savepoint; in
production that block is the transaction itself (the driver's BEGIN and COMMIT, which are not
statements Django runs). Where a write opens a savepoint of its own, it is counted.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.models import (
    ApiClient,
    Assessment,
    AuditEvent,
    Candidate,
    ContactChange,
    Document,
    Image,
    Session,
)
from tests.api.conftest import contract_example, image_b64

# The statements counted are PostgreSQL's (SQLite, the embedded mode, has no lock timeout).
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="counts PostgreSQL's statements"
)

URL = "/api/v1/candidates/"
BATCH = "/api/v1/candidates/batch/"
SINGLE_POST_BUDGET = 8  # issue 13


def _person(i: int, **extra) -> dict:
    return {
        "external_id": f"lean-{i}",
        "full_name": f"Lean Person {i}",
        "email": f"lean.{i}@example.com",
        "sessions": [
            {"ip": f"73.{i // 250}.{i % 250}.7", "seen_at": "2026-11-20T14:03:00Z", "kind": "login"}
        ],
        **extra,
    }


def _statements(ctx: CaptureQueriesContext) -> list[str]:
    """The statements the request ran, the test transaction's savepoint pair left out."""
    sql = [q["sql"] for q in ctx.captured_queries]
    outer = [s for s in sql if re.match(r"(RELEASE )?SAVEPOINT ", s)]
    assert len(outer) == 2, outer  # the write's own atomic block only: no savepoint per item
    return [s for s in sql if s not in outer]


def _verbs(statements: list[str]) -> list[str]:
    """'INSERT candidates_session', 'SELECT candidates_candidate', ... for readable asserts."""
    out = []
    for s in statements:
        verb = s.split(None, 1)[0]
        if verb == "SET":
            out.append("SET LOCAL lock_timeout")
            continue
        table = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', s)
        out.append(f"{verb} {table.group(1) if table else '?'}")
    return out


@needs_postgresql
def test_a_single_post_of_a_new_candidate_is_within_budget(api):
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(URL, _person(1))
    assert response.status_code == 201, response.json()
    verbs = _verbs(_statements(ctx))
    assert verbs == [
        "SELECT candidates_apiclient",  # the API key
        "SET LOCAL lock_timeout",
        "SELECT candidates_candidate",  # its id FOR UPDATE: does it exist (no)
        "INSERT candidates_candidate",  # every value, the pending assessment's id included
        "INSERT candidates_session",
        "INSERT candidates_auditevent",
        "INSERT candidates_assessment",
    ], verbs
    assert len(verbs) <= SINGLE_POST_BUDGET
    candidate = Candidate.objects.get(external_id="lean-1")
    assessment = Assessment.objects.get(candidate=candidate)
    assert candidate.latest_assessment_id == assessment.id and assessment.seq == 1
    assert candidate.assessment_seq == 1 and candidate.assessment_status == "pending"
    assert response.json()["assessment"]["id"] == str(assessment.id)


@needs_postgresql
def test_a_single_post_with_a_document_adds_one_insert(api):
    body = _person(2, documents=[contract_example()["documents"][0] | {"image": None}])
    with CaptureQueriesContext(connection) as ctx:
        assert api.post(URL, body).status_code == 201
    verbs = _verbs(_statements(ctx))
    assert verbs.count("INSERT candidates_document") == 1
    assert len(verbs) == 8, verbs


@needs_postgresql
def test_an_update_writes_only_the_changed_columns(api):
    api.post(URL, _person(3))
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(URL, {"external_id": "lean-3", "email": "changed@example.com"})
    assert response.status_code == 200
    statements = _statements(ctx)
    updates = [s for s in statements if s.startswith('UPDATE "candidates_candidate" SET "email"')]
    assert len(updates) == 1, statements
    assigned = re.findall(r'"(\w+)" = ', updates[0].split(" WHERE ")[0])
    assert assigned == ["email", "updated_at"]
    assert not any(s.startswith("INSERT INTO") and "candidate_candidate" in s for s in statements)
    assert ContactChange.objects.filter(candidate__external_id="lean-3", field="email").exists()
    assert response.json()["email"] == "changed@example.com"


@needs_postgresql
def test_an_unchanged_update_writes_nothing(api):
    api.post(URL, _person(4))
    with CaptureQueriesContext(connection) as ctx:
        assert api.post(URL, _person(4)).status_code == 200
    writes = [s for s in _statements(ctx) if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert Assessment.objects.filter(candidate__external_id="lean-4").count() == 1


@needs_postgresql
@pytest.mark.parametrize("size", [10, 50])
def test_a_batch_of_new_candidates_costs_the_same_whatever_its_size(api, size):
    """Statements per batch, not per item: one lock query, then one INSERT per table."""
    items = [_person(100 + i, documents=[]) for i in range(size)]
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(BATCH, {"candidates": items})
    assert response.status_code == 200
    assert all(r["created"] for r in response.json()["results"])
    verbs = _verbs(_statements(ctx))
    assert verbs == [
        "SELECT candidates_apiclient",
        "SET LOCAL lock_timeout",
        "SELECT candidates_candidate",
        "INSERT candidates_candidate",
        "INSERT candidates_session",
        "INSERT candidates_auditevent",
        "INSERT candidates_assessment",
    ], verbs
    assert Session.objects.filter(candidate__external_id__startswith="lean-1").count() == size
    assert AuditEvent.objects.filter(action="candidate.created").count() == size


@needs_postgresql
@pytest.mark.parametrize("size", [10, 50])
def test_a_batch_with_images_stores_them_in_two_statements_whatever_its_size(api, size):
    """Every item's photo and document scan: their rows in one INSERT and their bytes against
    the client's quota in one UPDATE, not two statements per image."""
    items = [
        _person(
            400 + i,
            photo=image_b64("JPEG", (8, 6), (i, 40, 90)),
            documents=[
                {
                    "kind": "passport",
                    "number": f"P{i:07d}",
                    "issuing_country": "USA",
                    "image": image_b64("PNG", (9, 7), (i, 90, 40)),
                }
            ],
        )
        for i in range(size)
    ]
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(BATCH, {"candidates": items})
    assert all(r["created"] for r in response.json()["results"])
    assert _verbs(_statements(ctx)) == [
        "SELECT candidates_apiclient",
        "SET LOCAL lock_timeout",
        "SELECT candidates_candidate",
        "UPDATE candidates_apiclient",
        "INSERT candidates_image",
        "INSERT candidates_candidate",
        "INSERT candidates_session",
        "INSERT candidates_document",
        "INSERT candidates_auditevent",
        "INSERT candidates_assessment",
    ]
    images = Image.objects.all()
    assert len(images) == 2 * size
    assert ApiClient.objects.get(pk=api.client.pk).storage_bytes == sum(i.size for i in images)
    assert Candidate.objects.filter(photo__isnull=False).count() == size
    assert Document.objects.filter(image__isnull=False).count() == size


@needs_postgresql
def test_a_batch_of_updates_is_a_fixed_number_of_statements(api):
    items = [_person(200 + i) for i in range(20)]
    api.post(BATCH, {"candidates": items})
    changed = [{"external_id": i["external_id"], "phone": "+12015550123"} for i in items]
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(BATCH, {"candidates": changed})
    assert all(r["created"] is False for r in response.json()["results"])
    small = len(_statements(ctx))
    changed = [{**c, "phone": "+12015550124"} for c in changed[:5]]
    with CaptureQueriesContext(connection) as ctx:
        api.post(BATCH, {"candidates": changed})
    assert len(_statements(ctx)) == small
    assert Candidate.objects.filter(phone="+12015550124").count() == 5


def test_a_refused_item_blocks_none_and_writes_nothing_of_its_own(api, monkeypatch):
    """The caps are checked before anything is written: no savepoint per item is needed."""
    from candidates.services import writes

    monkeypatch.setattr(writes, "MAX_SESSIONS_PER_CANDIDATE", 2)
    too_many = [
        {"ip": "73.1.1.1", "seen_at": f"2026-11-20T14:{m:02d}:00Z", "kind": "login"}
        for m in range(3)
    ]
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(
            BATCH,
            {"candidates": [_person(300), _person(301, sessions=too_many), _person(302)]},
        )
    _statements(ctx)  # one savepoint pair: the write's, none per item
    results = response.json()["results"]
    assert results[0]["created"] and results[2]["created"]
    assert "sessions" in results[1]["error"]["fields"]
    assert not Candidate.objects.filter(external_id="lean-301").exists()
    assert AuditEvent.objects.filter(action="candidate.created").count() == 2
    assert Session.objects.count() == 2


def test_the_response_of_a_create_is_the_candidate_as_get_shows_it(api):
    """Rendered from memory, not read back: the same body GET reads from the database."""
    body = contract_example()
    body["sessions"].append(
        {"ip": "73.54.120.20", "seen_at": "2026-11-19T09:00:00+01:00", "kind": "interview"}
    )
    created = api.post(URL, body)
    assert created.status_code == 201
    fetched = api.get(f"{URL}{created.json()['id']}/")
    assert created.json() == fetched.json()
    assert [s["seen_at"] for s in created.json()["sessions"]] == [
        "2026-11-19T08:00:00Z",
        "2026-11-20T14:03:00Z",
    ]


def test_the_response_of_an_update_is_the_candidate_as_get_shows_it(
    api, django_capture_on_commit_callbacks
):
    body = contract_example()
    body["email"] = "anna.eriksson@mailinator.com"  # a signal for the completed assessment
    with django_capture_on_commit_callbacks(execute=True):
        cid = api.post(URL, body).json()["id"]
    assert api.get(f"{URL}{cid}/").json()["assessment"]["signals"]
    update = {
        "external_id": body["external_id"],
        "phone": "+13142000199",
        "sessions": [{"ip": "73.54.120.21", "seen_at": "2026-11-21T10:00:00Z", "kind": "login"}],
        "documents": [
            {"kind": "id_card", "number": "X1234567", "issuing_country": "US"},
        ],
    }
    updated = api.post(URL, update)
    assert updated.status_code == 200
    assert updated.json() == api.get(f"{URL}{cid}/").json()
    assert updated.json()["assessment"]["status"] == "pending"
    assert updated.json()["assessment"]["signals"]  # still the last completed one's
    assert len(updated.json()["sessions"]) == 2 and len(updated.json()["documents"]) == 2
