"""No request, however malformed, gets a 500 or an HTML page.

Every field of the contract's example (at every nesting level) is replaced in turn by values of
the wrong type, nulls, huge strings, NUL bytes and out-of-range numbers; each answer must be a
JSON 200/201/400 in the contract's shape. The Django test client re-raises any exception a view
lets escape, so a would-be 500 fails the test loudly.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.api.conftest import assert_error, contract_example

URL = "/api/v1/candidates/"
GARBAGE: list[Any] = [
    None,
    0,
    -1,
    1.5,
    10**30,
    True,
    "",
    "x" * 250_001,
    "\x00",
    "2026-11-20T14:03:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "9999-99-99",
    [],
    [None],
    {},
    {"a": None},
    [[[]]],
    "\ud7ff",
    "data:image/png;base64,!!!",
    "🙂" * 10,
]


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out += _paths(child, (*prefix, index))
    return out


def _replace(body: Any, path: tuple, value: Any) -> Any:
    body = copy.deepcopy(body)
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return body


def _example_without_images() -> dict[str, Any]:
    body = contract_example()
    body.pop("photo")
    body["documents"][0].pop("image")
    return body


def _check(response, path: tuple) -> None:
    """A JSON 200/201, or a 400 `validation_error` (every body here is valid JSON) whose
    `fields` point at the replaced value: the path itself, a parent, or a child inside it."""
    assert response.status_code in (200, 201, 400), response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    if response.status_code == 400:
        fields = assert_error(response, 400, "validation_error")["fields"]
        dotted = ".".join(map(str, path))
        assert any(
            key == dotted or dotted.startswith(f"{key}.") or key.startswith(f"{dotted}.")
            for key in fields
        ), (dotted, fields)


@pytest.mark.parametrize(
    "path", _paths(_example_without_images()), ids=lambda p: ".".join(map(str, p))
)
def test_garbage_at_every_path_never_500(api, path):
    base = _example_without_images()
    for value in GARBAGE:
        _check(api.post(URL, _replace(base, path, value)), path)


def test_wrong_types_name_the_dotted_path(api):
    body = _example_without_images()
    body["sessions"][0]["seen_at"] = "2026-11-20T14:03:00"  # naive
    body["documents"][0]["kind"] = "visa"  # unknown enum value
    body["claimed_location"]["country"] = 1
    body["home_address"]["unknown"] = "x"
    body["profiles"]["github"] = ["not", "a", "string"]
    fields = assert_error(api.post(URL, body), 400, "validation_error")["fields"]
    assert {
        "sessions.0.seen_at",
        "documents.0.kind",
        "claimed_location.country",
        "home_address.unknown",
        "profiles.github",
    } <= set(fields)


def test_unknown_top_level_field_is_named(api):
    fields = assert_error(
        api.post(URL, {**_example_without_images(), "salary": 1}), 400, "validation_error"
    )["fields"]
    assert fields == {"salary": ["Unknown field."]}


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("null", "external_id"),
        ("[]", "_"),
        ("1", "_"),
        ('"text"', "_"),
        ("true", "_"),
        ("[{}]", "_"),
        ('{"external_id": null}', "external_id"),
        ('{"external_id": {"$gt": ""}}', "external_id"),
        ('{"external_id": "a", "full_name": "b", "documents": [null]}', "documents.0"),
        ('{"external_id": "a", "full_name": "b", "sessions": [{"ip": null}]}', "sessions.0.ip"),
        ('{"external_id": "a", "full_name": "b", "payout": {"iban": 5}}', "payout.iban"),
        ('{"external_id": "a", "full_name": "b", "profiles": {"\\u0000": "x"}}', "profiles.\x00"),
        ('{"external_id": "a", "full_name": "b", "date_of_birth": "1974-02-30"}', "date_of_birth"),
        (
            '{"external_id": "a", "full_name": "b", "resume_text": "' + "r" * 200_001 + '"}',
            "resume_text",
        ),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else v,
)
def test_odd_bodies_are_json_400(api, raw, field):
    """Valid JSON of the wrong shape: a `validation_error` naming what was refused."""
    fields = assert_error(api.post(URL, raw=raw), 400, "validation_error")["fields"]
    assert field in fields, fields


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/candidates/batch/",
        "/api/v1/candidates/{id}/sessions/",
        "/api/v1/candidates/{id}/observations/",
        "/api/v1/candidates/{id}/reassess/",
    ],
)
def test_other_posts_never_500(api, path):
    cid = api.post(URL, _example_without_images()).json()["id"]
    url = path.format(id=cid)
    for value in [
        *GARBAGE,
        {"sessions": [{"ip": "1.1.1.1"}]},
        {"code": None},
        {"candidates": [None, 1, "x", {}]},
        {"sessions": [None]},
    ]:
        response = api.post(url, value)
        # 413: endpoints without images take small bodies (the 250,001-character string).
        assert response.status_code in (200, 201, 202, 400, 413), response.content[:300]
        assert response["Content-Type"].startswith("application/json")
    assert api.post(url, raw="{oops").json()["error"]["code"] == "malformed_json"


def test_bad_filters_and_cursors_never_500(api):
    for params in (
        {"cursor": "\x00"},
        {"cursor": "a" * 1000},
        {"limit": "9" * 50},
        {"min_score": "-0"},
        {"updated_since": "2026-13-45T99:99:99Z"},
        {"external_id": "x" * 10_000},
    ):
        response = api.get(URL, params)
        assert response.status_code in (200, 400)
        json.loads(response.content)
