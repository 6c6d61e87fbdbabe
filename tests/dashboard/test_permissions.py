"""Who may open what: every view enforces its permission itself."""

import uuid

import pytest

pytestmark = pytest.mark.django_db

DASHBOARD_URLS = ["/", "/queue.csv", "/audit/", "/rules/", f"/candidates/{uuid.uuid4()}/"]


@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_login_page_signs_in_and_lands_on_queue(client, recruiter):
    from tests.dashboard.conftest import PASSWORD

    page = client.get("/accounts/login/")
    assert page.status_code == 200 and b'name="password"' in page.content
    response = client.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code in (200, 302)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/candidates/candidate/", "/admin/candidates/auditevent/"]
)
def test_recruiter_and_auditor_refused_on_admin(client, recruiter, auditor, url):
    for user in (recruiter, auditor):
        client.force_login(user)
        response = client.get(url)
        # The admin answers a signed-in user without admin access with its login page.
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_superuser_and_rules_admin_enter_admin(client, superuser, rules_admin):
    for user in (superuser, rules_admin):
        client.force_login(user)
        assert client.get("/admin/").status_code == 200


def test_audit_log_is_read_only_in_admin(client, superuser, recruiter):
    from candidates.services import audit_record

    event = audit_record(action="candidate.viewed", user=recruiter)
    client.force_login(superuser)
    assert client.get(f"/admin/candidates/auditevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/candidates/auditevent/add/").status_code == 403
    assert client.get(f"/admin/candidates/auditevent/{event.pk}/delete/").status_code == 403


def test_recruiter_refused_on_audit_log(client, recruiter):
    client.force_login(recruiter)
    assert client.get("/audit/").status_code == 403


def test_auditor_cannot_decide_or_observe(client, auditor, flagged):
    client.force_login(auditor)
    url = f"/candidates/{flagged.id}/"
    assert client.get(url).status_code == 200
    assert client.post(url + "decision/", {"decision-status": "cleared"}).status_code == 403
    assert (
        client.post(url + "observations/", {"obs-code": "interview.camera_refused"}).status_code
        == 403
    )
    flagged.refresh_from_db()
    assert flagged.review_status == "unreviewed"
    assert not flagged.observations.exists()


def test_auditor_cannot_see_images(client, auditor, flagged):
    client.force_login(auditor)
    response = client.get(f"/candidates/{flagged.id}/images/{uuid.uuid4()}/")
    assert response.status_code == 403


def test_admin_pages_render_read_only_for_superuser(client, superuser, flagged):
    client.force_login(superuser)
    for url in (
        "/admin/candidates/candidate/?q=Alex",
        f"/admin/candidates/candidate/{flagged.id}/change/",
        f"/admin/candidates/assessment/{flagged.completed_assessment_id}/change/",
        "/admin/candidates/auditevent/",
        "/admin/candidates/reviewdecision/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    listing = client.get("/admin/candidates/candidate/?q=Alex").content.decode()
    assert "Alex Flagged" in listing and "Boris Twin" not in listing
    assert client.get("/admin/candidates/candidate/add/").status_code == 403


def test_poll_after_sign_out_redirects_the_whole_page(client):
    response = client.get("/", {"fragment": "rows"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/"
