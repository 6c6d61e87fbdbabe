"""Auth, request ids, the error shape and the codes that come from outside the views."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseServerError
from django.test import RequestFactory

from candidates.api.middleware import RequestIdMiddleware
from tests.api.conftest import Api, assert_error, contract_example

URL = "/api/v1/candidates/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer vk_nope"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer " + "x" * 5000},
    ],
)
def test_missing_or_bad_key_is_401_with_bearer_challenge(headers):
    response = Api(None).http.get(URL, headers=headers)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


def test_inactive_client_is_refused(api):
    api.client.is_active = False
    api.client.save()
    assert_error(api.get(URL), 401, "not_authenticated")


def test_request_id_is_reused_when_sane_and_replaced_otherwise(api):
    response = api.get(URL, headers={"X-Request-Id": "abc-123"})
    assert response["X-Request-Id"] == "abc-123"
    response = api.get(URL, headers={"X-Request-Id": "bad id\twith <html>"})
    assert response["X-Request-Id"] != "bad id\twith <html>"
    assert len(response["X-Request-Id"]) == 32


def test_unknown_api_path_is_json_404(api):
    for path in ("/api/", "/api/v2/candidates/", "/api/v1/nope", "/api/v1/candidates/x/y/z/"):
        assert_error(api.get(path), 404, "not_found")
    # No slash: a JSON 404, not Django's APPEND_SLASH redirect (or its DEBUG error on POST).
    assert_error(api.post("/api/v1/candidates", contract_example()), 404, "not_found")


def test_method_not_allowed_is_json(api):
    response = api.http.put(URL, data="{}", content_type="application/json", headers=api.headers())
    assert_error(response, 405, "method_not_allowed")


def test_malformed_json_is_400(api):
    for raw in ("{", "nope", '{"a": NaN}', '{"external_id": "x",}', "\ufeff{}", "[" * 5000):
        assert_error(api.post(URL, raw=raw), 400, "malformed_json")


def test_invalid_utf8_and_lone_surrogates_are_malformed(api):
    assert_error(api.post(URL, raw=b'{"external_id": "\xff"}'), 400, "malformed_json")
    body = '{"external_id": "a", "full_name": "\\ud800"}'
    assert_error(api.post(URL, raw=body), 400, "malformed_json")


def test_non_json_content_type_is_415(api):
    for content_type in (
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xx",
        "application/xml",
    ):
        response = api.post(URL, raw="external_id=1", content_type=content_type)
        assert_error(response, 415, "unsupported_media_type")


def test_body_over_the_limit_is_413(api, settings):
    settings.VETTING_MAX_REQUEST_BYTES = 1000
    body = {**contract_example(), "resume_text": "x" * 2000}
    assert_error(api.post(URL, body), 413, "payload_too_large")


def test_throttled_is_429_with_retry_after(api, other_api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/min"},
    }
    for _ in range(3):
        assert api.get(URL).status_code == 200
    response = api.get(URL)
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1
    # The limit is per client: another integration is not slowed by this one.
    assert other_api.get(URL).status_code == 200


def test_schema_and_docs_need_no_key():
    http = Api(None).http
    schema = http.get("/api/v1/schema/", headers={"Accept": "application/json"})
    assert schema.status_code == 200
    paths = (
        json.loads(schema.content)["paths"]
        if schema["Content-Type"].startswith("application/json")
        else None
    )
    if paths is None:
        import yaml  # drf-spectacular serves YAML by default

        paths = yaml.safe_load(schema.content)["paths"]
    assert "/api/v1/candidates/" in paths
    assert "/api/v1/candidates/batch/" in paths
    assert http.get("/api/docs/").status_code == 200


def _middleware_response(inner: HttpResponse, path: str = "/api/v1/x/") -> HttpResponse:
    request = RequestFactory().get(path)
    return RequestIdMiddleware(lambda _request: inner)(request)


def test_html_error_pages_under_api_become_json():
    response = _middleware_response(HttpResponseServerError("<h1>Server Error</h1>"))
    assert response.status_code == 500
    body = json.loads(response.content)
    assert body["error"]["code"] == "server_error"
    assert body["error"]["request_id"] == response["X-Request-Id"]
    csrf = _middleware_response(HttpResponse("<h1>CSRF</h1>", status=403))
    assert json.loads(csrf.content)["error"]["code"] == "permission_denied"
    too_big = _middleware_response(HttpResponse("<h1>413</h1>", status=413))
    assert json.loads(too_big.content)["error"]["code"] == "payload_too_large"


def test_html_outside_api_is_left_alone():
    response = _middleware_response(HttpResponse("<h1>nope</h1>", status=404), path="/nope")
    assert response.content == b"<h1>nope</h1>"
    assert response["X-Request-Id"]


def test_django_body_limit_under_api_is_413():
    request = RequestFactory().post(
        "/api/v1/candidates/", data="{}", content_type="application/json"
    )
    middleware = RequestIdMiddleware(lambda _request: HttpResponse())
    middleware(request)  # sets the request id
    response = middleware.process_exception(request, RequestDataTooBig("too big"))
    assert response.status_code == 413
    assert json.loads(response.content)["error"]["code"] == "payload_too_large"


def test_real_csrf_failure_under_api_is_json(db, client):
    # The dashboard's forms are CSRF-protected; a POST under /api/ to a non-API path still
    # answers JSON, never Django's HTML 403 or 404 page.
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/nope/", data={"a": "b"})
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] in ("not_found", "permission_denied")


def test_docs_load_swagger_ui_from_our_own_static_files(client, db):
    page = client.get("/api/docs/").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    # No script, style or font from another host (the CSRF token in the page is random text, so
    # look at URLs, not at substrings like "cdn").
    assert not re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", page)
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
