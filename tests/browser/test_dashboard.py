"""A recruiter's day in a real browser: sign in, filter, open, decide; then the auditor."""

import pytest
from django.contrib.auth.models import Group, User

from candidates.roles import AUDITORS, RECRUITERS
from tests.browser.conftest import sign_in
from tests.dashboard.conftest import PASSWORD, VOIP_PHONE
from tests.factories import ApiClientFactory
from tests.posting import payload, post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _user(name: str, group: str) -> User:
    user = User.objects.create_user(username=name, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def _flagged():
    """Posted through the API's service and assessed by the pipeline: Alex and Boris share a
    UK VoIP phone; Calm is honest."""
    ats = ApiClientFactory(name="Workday")
    twin = post(ats, payload("Boris Twin", phone=VOIP_PHONE))
    post(ats, payload("Calm Candidate"))
    c = post(ats, payload("Alex Flagged", phone=VOIP_PHONE))
    return c, twin


def test_recruiter_reviews_and_auditor_finds_the_decision(new_page):
    _user("rita", RECRUITERS)
    _user("audrey", AUDITORS)
    flagged, twin = _flagged()

    page = new_page()
    sign_in(page, "rita", PASSWORD)
    assert page.get_by_role("heading", name="Review queue").is_visible()
    page.get_by_label("Signal code").select_option("link.phone_shared")
    page.get_by_role("button", name="Apply").click()
    rows = page.locator("#queue-rows tr")
    assert rows.count() == 2
    shown = page.locator("#queue-rows").inner_text()
    assert "Alex Flagged" in shown and "Boris Twin" in shown and "Calm Candidate" not in shown

    page.get_by_role("link", name="Alex Flagged").click()
    page.wait_for_url(f"**/candidates/{flagged.id}/")
    assert page.locator("#sig-link\\.phone_shared").is_visible()
    graph = page.locator("svg.graph")
    assert graph.is_visible() and graph.locator("a.node").count() == 1
    assert "phone +44 56 **** 5678" in graph.inner_html()

    page.get_by_label("Escalate", exact=True).check()
    note = page.get_by_role("textbox", name="Note (required to reject or escalate)")
    note.fill("Shares a VoIP phone with Boris Twin")
    page.get_by_role("button", name="Record decision").click()
    assert page.get_by_role("status").get_by_text("Decision recorded").is_visible()

    # The graph's node leads to the related candidate.
    page.locator("svg.graph a.node").first.click()
    page.wait_for_url(f"**/candidates/{twin.id}/")

    auditor = new_page()
    sign_in(auditor, "audrey", PASSWORD, "/audit/")
    auditor.get_by_label("Action").fill("review.decided")
    auditor.get_by_role("button", name="Apply").click()
    table = auditor.locator("table.audit tbody").inner_text()
    assert "rita" in table and "escalated" in table and "Shares a VoIP phone" in table
    assert auditor.get_by_role("button", name="Record decision").count() == 0


def test_recruiter_refused_on_admin_and_rules(new_page):
    _user("rita", RECRUITERS)
    page = new_page()
    sign_in(page, "rita", PASSWORD)
    page.goto("/admin/")
    assert "/admin/login/" in page.url
    assert "not authorized" in page.content()
    response = page.goto("/rules/")
    assert response.status == 403
    assert page.get_by_role("heading", name="Not allowed").is_visible()


def test_markup_in_a_name_renders_as_text(new_page):
    _user("rita", RECRUITERS)
    name = "<script>alert(1)</script><b>x</b>"
    ats = ApiClientFactory()
    post(ats, payload(name, phone=VOIP_PHONE))
    other = post(ats, payload("Plain Person", phone=VOIP_PHONE))
    page = new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, "rita", PASSWORD)
    assert page.get_by_role("link", name=name).is_visible()
    page.get_by_role("link", name=name).click()
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.locator("main b").count() == 0
    page.goto(f"/candidates/{other.id}/")
    assert name in page.locator("svg.graph").text_content()
    assert dialogs == []


def test_new_assessment_appears_without_reload(new_page, settings):
    settings.VETTING_QUEUE_POLL_SECONDS = 1
    _user("rita", RECRUITERS)
    ats = ApiClientFactory()
    post(ats, payload("Early Bird", phone="+44 56 1234 5601"))
    page = new_page()
    sign_in(page, "rita", PASSWORD)
    assert page.evaluate("typeof htmx") == "object"  # the vendored file, not a CDN
    page.evaluate("window.__sameDocument = true")
    assert "Refreshes every 1 second." in page.content()
    assert "Late Arrival" not in page.locator("#queue-rows").inner_text()
    post(ats, payload("Late Arrival", phone="+44 56 1234 5600"))
    # The rows poll every second; the same document (no navigation) must show the newcomer.
    page.locator("#queue-rows").get_by_text("Late Arrival").wait_for(timeout=10_000)
    assert page.evaluate("window.__sameDocument") is True
