"""The OpenAPI schema and the API's behaviour agree, both ways.

- What the schema allows, the API accepts: schemathesis (a schema-driven fuzzer) generates
  bodies valid against /api/v1/schema/ and posts them to a real running server; none may be
  refused, none may get a 500, and every response must match the schema. Bodies that break
  the schema get a 4xx in the contract's error shape.
- What the API answers, the schema declares: real responses, carrying every optional block
  (payout, documents, photo, signals with related candidates), are validated against the
  schema with every object closed, so an undocumented field fails.
"""

from __future__ import annotations

import base64
import copy
import json
import urllib.request
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import contract_example, data_uri, image_bytes
from tests.resume_files import b64, docx_bytes, pdf_bytes

# The schema marks images `format: image`; teach the fuzzer to make real ones.
schemathesis.openapi.format(
    "image",
    st.sampled_from(
        [
            base64.b64encode(image_bytes("PNG", (4, 3))).decode(),
            data_uri("JPEG", (5, 5)),
            base64.encodebytes(image_bytes("JPEG", (6, 2))).decode(),  # with line breaks
        ]
    ),
)

# The schema marks resume files `format: resume-file`: real PDFs and DOCX files.
schemathesis.openapi.format(
    "resume-file",
    st.sampled_from(
        [
            b64(pdf_bytes("Anna Eriksson\nEngineer", author="Anna Eriksson")),
            "data:application/pdf;base64," + b64(pdf_bytes("Kim Lee")),
            b64(docx_bytes("Anna Eriksson\nEngineer", author="Anna Eriksson")),
        ]
    ),
)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples every run: CI fails or passes for a reason
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: minutes, for a report as clear
    suppress_health_check=list(HealthCheck),
)


def _live_schema(live_server) -> dict[str, Any]:
    with urllib.request.urlopen(f"{live_server.url}/api/v1/schema/?format=json") as response:
        return json.load(response)


@pytest.fixture
def fuzz_schema(live_server):
    return schemathesis.openapi.from_dict(_live_schema(live_server))


def _call(case, live_server, api) -> Any:
    if case.headers:
        case.headers.pop("Authorization", None)  # negative mode may mangle it: use the key
    if case.headers and "Idempotency-Key" in case.headers:
        # Reusing a key with another body is a 409 by design; a client's keys are unique.
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    response = case.call(
        base_url=live_server.url, headers={"Authorization": f"Bearer {api.key}"}, timeout=30
    )
    assert response.status_code < 500, (case.body, response.text[:500])
    return response


def _accepted(case, response, *statuses: int) -> None:
    """`statuses` are the answers a schema-valid request may get; a cursor is the one value a
    schema cannot state (only the API issues them), so a made-up one may be a 400 on `cursor`."""
    cursor = bool((case.query or {}).get("cursor"))
    if cursor and response.status_code == 400:
        assert set(response.json()["error"]["fields"]) == {"cursor"}, response.text
    else:
        assert response.status_code in statuses, (
            f"schema-valid {case.method} {case.formatted_path} refused: {response.text[:600]}\n"
            f"body: {json.dumps(case.body)[:1500]}"
        )
    # Status, content type, headers and body as the schema declares them.
    case.validate_response(response, excluded_checks=[positive_data_acceptance] if cursor else [])


def test_schema_valid_upserts_are_accepted(fuzz_schema, live_server, api):
    operation = fuzz_schema["/api/v1/candidates/"]["POST"]

    @given(case=operation.as_strategy())
    @settings(FUZZ, max_examples=40)
    def upsert(case):
        _accepted(case, _call(case, live_server, api), 200, 201)

    upsert()


def test_schema_invalid_upserts_get_a_4xx_in_the_error_shape(fuzz_schema, live_server, api):
    """schemathesis's negative mode: requests that break the schema are refused in the error
    shape, never with a 500."""
    operation = fuzz_schema["/api/v1/candidates/"]["POST"]
    codes: set[str] = set()

    @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    @settings(FUZZ, max_examples=30)
    def upsert(case):
        response = _call(case, live_server, api)  # never a 500 (asserted there)
        if response.status_code < 400:
            return  # the mutation was in a header _call sets itself (key, Idempotency-Key)
        error = response.json()["error"]
        headers = {name.lower(): value for name, value in response.headers.items()}
        assert [error["request_id"]] == headers["x-request-id"]
        codes.add(error["code"])

    upsert()
    # Most cases break the body; some the security scheme (no key). Nothing else answers.
    assert "validation_error" in codes
    assert codes <= {"validation_error", "malformed_json", "not_authenticated"}, codes


def test_schema_valid_calls_on_a_candidate_are_accepted(fuzz_schema, live_server, api):
    candidate_id = api.post("/api/v1/candidates/", contract_example()).json()["id"]
    path = {"candidate_id": candidate_id}
    expected = {
        ("/api/v1/candidates/{candidate_id}/sessions/", "POST"): (202,),
        ("/api/v1/candidates/{candidate_id}/observations/", "POST"): (201,),
        ("/api/v1/candidates/{candidate_id}/assessments/", "GET"): (200,),
        ("/api/v1/candidates/{candidate_id}/", "GET"): (200,),
    }
    for (route, method), statuses in expected.items():
        strategy = fuzz_schema[route][method].as_strategy(path_parameters=path)

        @given(case=strategy)
        @settings(FUZZ, max_examples=10)
        def call(case):
            _accepted(case, _call(case, live_server, api), *expected[(route, method)])

        call()


def test_schema_valid_list_queries_are_accepted(fuzz_schema, live_server, api):
    api.post("/api/v1/candidates/", contract_example())
    operation = fuzz_schema["/api/v1/candidates/"]["GET"]

    @given(case=operation.as_strategy())
    @settings(FUZZ, max_examples=15)
    def listing(case):
        _accepted(case, _call(case, live_server, api), 200)

    listing()


def _closed(schema: Any) -> Any:
    """Every object schema with declared properties refuses undeclared ones."""
    if isinstance(schema, dict):
        schema = {k: _closed(v) for k, v in schema.items()}
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)
        return schema
    if isinstance(schema, list):
        return [_closed(v) for v in schema]
    return schema


def _validator(schema: dict[str, Any], component: str) -> Draft202012Validator:
    root = {"components": _closed(copy.deepcopy(schema["components"]))}
    return Draft202012Validator({**root, "$ref": f"#/components/schemas/{component}"})


def _assert_documented(schema, component: str, body: Any) -> None:
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(schema, component).iter_errors(body)
    ]
    assert not errors, f"{component} does not describe the response: {errors}"


def test_every_response_field_is_in_the_schema(live_server, api):
    schema = _live_schema(live_server)
    first = contract_example()
    first["payout"]["iban"] = "DE89370400440532013000"
    first_id = api.post("/api/v1/candidates/", first).json()["id"]
    # The same passport under another name: a link signal with a related candidate.
    second = {**contract_example(), "external_id": "ats-2", "full_name": "Someone Else"}
    second_id = api.post("/api/v1/candidates/", second).json()["id"]

    detail = api.get(f"/api/v1/candidates/{second_id}/").json()
    signals = detail["assessment"]["signals"]
    assert any(s["related_candidates"] for s in signals), signals
    assert detail["photo"] and detail["documents"][0]["image"] and detail["payout"]
    _assert_documented(schema, "Candidate", detail)

    api.post(f"/api/v1/candidates/{first_id}/reassess/")
    url = f"/api/v1/candidates/{first_id}"
    responses = {
        "CandidatePage": api.get("/api/v1/candidates/", {"limit": 1}),
        "AssessmentPage": api.get(f"{url}/assessments/"),
        "SignalCatalogue": api.get("/api/v1/signals/"),
        "Reassess": api.post(f"{url}/reassess/"),
        "SessionsAdded": api.post(f"{url}/sessions/", {"sessions": first["sessions"]}),
        "Observation": api.post(
            f"{url}/observations/", {"code": "interview.camera_refused", "note": "off"}
        ),
        "Batch": api.post("/api/v1/candidates/batch/", {"candidates": [second, {"x": 1}]}),
        "Error": api.post("/api/v1/candidates/", {"external_id": 5}),
    }
    for component, response in responses.items():
        _assert_documented(schema, component, response.json())
