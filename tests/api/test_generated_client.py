"""A typed client generated from the LIVE schema works against a real running server.

openapi-python-client (a maintained generator, what an integrator would use) builds a client
from /api/v1/schema/ into a temporary directory; the tests import it and use only its models
and functions: if the schema left out a field, a status or the error shape, the generated code
would lack it (a model with no fields, a response it cannot parse) and these tests fail.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from uuid import UUID

import pytest

from tests.api.conftest import contract_example

PACKAGE = "vetting_client"


@pytest.fixture(scope="module")
def vc(live_server, tmp_path_factory) -> SimpleNamespace:
    """The generated package, imported: `vc.models`, `vc.api` (one module per operation)."""
    out = tmp_path_factory.mktemp("generated")
    schema_path = out / "schema.json"
    with urllib.request.urlopen(f"{live_server.url}/api/v1/schema/?format=json") as response:
        schema_path.write_bytes(response.read())
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [
            bin_dir / "openapi-python-client",
            "generate",
            "--path",
            schema_path,
            "--meta",
            "none",
            "--output-path",
            out / PACKAGE,
        ],
        check=True,
        capture_output=True,
        # Its post-generation hooks run ruff from PATH.
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        timeout=120,
    )
    sys.path.insert(0, str(out))
    try:
        package = importlib.import_module(PACKAGE)
        ops = importlib.import_module(f"{PACKAGE}.api.v1")
        names = [p.stem for p in Path(ops.__file__).parent.glob("*.py") if p.stem != "__init__"]
        yield SimpleNamespace(
            client=package,
            models=importlib.import_module(f"{PACKAGE}.models"),
            api=SimpleNamespace(
                **{n: importlib.import_module(f"{PACKAGE}.api.v1.{n}") for n in names}
            ),
        )
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture
def typed(vc, live_server, api_client_factory):
    _client, key = api_client_factory(name="generated-client")
    return vc.client.AuthenticatedClient(base_url=live_server.url, token=key)


def _candidate_in(vc, **changes):
    body = {**contract_example(), **changes}
    return vc.models.CandidateIn.from_dict(body)


def test_every_operation_has_typed_models(vc):
    """Every response model has fields (today's regression: bare `object`s gave none)."""
    candidate = vc.models.Candidate
    assert {"id", "external_id", "assessment", "review", "sessions", "documents"} <= set(
        candidate.__annotations__
    )
    assert {"code", "score", "contribution", "severity", "evidence", "related_candidates"} <= set(
        vc.models.Signal.__annotations__
    )
    assert {"error"} == set(vc.models.Error.__annotations__) - {"additional_properties"}
    assert {m.value for m in vc.models.Severity} == {"info", "low", "medium", "high", "critical"}
    assert {m.value for m in vc.models.ObservationCode} >= {"interview.camera_refused"}


def test_upsert_and_read_signals(vc, typed):
    """A candidate with a disposable mailbox, posted through the generated model and the real
    pipeline (inline tasks), reads back with typed signals."""
    created = vc.api.candidates_upsert.sync_detailed(
        client=typed, body=_candidate_in(vc, email="anna.eriksson@mailinator.com")
    )
    assert created.status_code == 201
    candidate = created.parsed
    assert isinstance(candidate, vc.models.Candidate)
    assert candidate.external_id == "ats-12345"
    assert candidate.photo.content_type == "image/png" and candidate.photo.width == 10
    assert candidate.documents[0].number_last4 == "0739"

    fetched = vc.api.candidates_get.sync(client=typed, candidate_id=UUID(str(candidate.id)))
    assessment = fetched.assessment
    assert assessment.status == vc.models.AssessmentStatus.COMPLETED
    assert isinstance(assessment.risk_level, vc.models.RiskLevel)
    by_code = {s.code: s for s in assessment.signals}
    signal = by_code["email.disposable"]
    assert signal.check == "email"
    assert isinstance(signal.severity, vc.models.Severity)
    assert signal.score > 0 and signal.contribution > 0 and "mailinator" in signal.message
    assert signal.related_candidates == [] and signal.related_count == 0


def test_contract_example_raises_no_signal(vc, typed):
    body = vc.models.CandidateIn.from_dict(
        json.loads(Path("docs/examples/candidate.json").read_text())
    )
    candidate = vc.api.candidates_upsert.sync(client=typed, body=body)
    assert candidate.assessment.status == vc.models.AssessmentStatus.COMPLETED
    assert candidate.assessment.signals == []
    assert candidate.assessment.risk_level == vc.models.RiskLevel.LOW


def test_page_the_list(vc, typed):
    ids = set()
    for n in range(5):
        body = vc.models.CandidateIn(external_id=f"page-{n}", full_name=f"Person {n}")
        ids.add(vc.api.candidates_upsert.sync(client=typed, body=body).id)
    seen, cursor, pages = [], None, 0
    while True:
        kwargs = {"cursor": cursor} if cursor else {}
        page = vc.api.candidates_list.sync(client=typed, limit=2, **kwargs)
        assert isinstance(page, vc.models.CandidatePage)
        assert all(isinstance(s, vc.models.CandidateSummary) for s in page.results)
        seen += [s.id for s in page.results]
        pages += 1
        if not page.has_more:
            assert page.next_cursor is None
            break
        cursor = page.next_cursor
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5 and set(seen) == ids


def test_errors_parse_into_the_error_model(vc, typed, live_server):
    candidate = vc.api.candidates_upsert.sync(
        client=typed, body=vc.models.CandidateIn(external_id="err-1", full_name="Err One")
    )
    # A naive timestamp: the generated model sends it as given, and the API refuses it.
    naive = vc.models.SessionIn(
        ip="73.54.120.18",
        seen_at=datetime(2026, 11, 20, 14, 3),
        kind=vc.models.SessionKind.APPLICATION,
    )
    response = vc.api.sessions_append.sync_detailed(
        client=typed, candidate_id=candidate.id, body=vc.models.SessionsIn(sessions=[naive])
    )
    assert response.status_code == 400
    error = response.parsed
    assert isinstance(error, vc.models.Error)
    assert error.error.code == "validation_error"
    assert "sessions.0.seen_at" in error.error.fields.additional_properties
    assert error.error.request_id == response.headers["X-Request-Id"]

    anonymous = vc.client.AuthenticatedClient(base_url=live_server.url, token="wrong")
    denied = vc.api.candidates_get.sync_detailed(client=anonymous, candidate_id=candidate.id)
    assert denied.status_code == 401
    assert denied.parsed.error.code == "not_authenticated"

    missing = vc.api.candidates_get.sync_detailed(
        client=typed, candidate_id=UUID("00000000-0000-4000-8000-000000000000")
    )
    assert missing.status_code == 404
    assert missing.parsed.error.code == "not_found"
