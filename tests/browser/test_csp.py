"""The Content-Security-Policy (default-src 'self', no inline script or style) breaks nothing a
user opens: the browser reports no violation on the dashboard, the admin or the API docs, and
htmx still refreshes the queue."""

import pytest
from django.contrib.auth.models import User

from tests.browser.conftest import sign_in
from tests.browser.test_dashboard import _flagged
from tests.dashboard.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_no_page_violates_the_content_security_policy(new_page):
    User.objects.create_superuser(username="root", password=PASSWORD)
    flagged, _twin = _flagged()
    page = new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    sign_in(page, "root", PASSWORD)
    response = page.goto("/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    with page.expect_response(lambda r: "fragment=rows" in r.url, timeout=15_000):
        pass  # htmx's 10-second refresh of the queue still runs
    seen: list[tuple[str, list[str]]] = []
    for path in (
        f"/candidates/{flagged.id}/",
        "/rules/",
        "/audit/",
        "/admin/",
        "/admin/candidates/candidate/",
        "/api/docs/",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        seen.append((path, list(violations)))
    assert page.locator(".swagger-ui").count() == 1
    page.wait_for_selector(".swagger-ui .info .title")  # Swagger UI started from a file
    assert violations == [], seen
