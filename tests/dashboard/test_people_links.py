"""The detail page shows a v1.1 link signal the real pipeline raised from HTTP posts, with what
is shared, the other candidate and the guidance it follows."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.posting import payload


def test_a_reference_who_is_another_candidate_shows_on_the_detail_page(
    api_client_factory, client, recruiter, django_capture_on_commit_callbacks
):
    _client, key = api_client_factory(name="ats-references")
    api = Api(key)
    ring = payload("Victor Hale", phone="+1 202 555 0143")
    referred = payload(
        "Nina Ortiz",
        references=[{"name": "V. Hale", "phone": "(202) 555-0143", "relationship": "manager"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        ring_id = api.post("/api/v1/candidates/", ring).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/candidates/", referred)
    assert response.status_code == 201, response.json()
    client.force_login(recruiter)
    page = client.get(f"/candidates/{response.json()['id']}/").content.decode()
    signals = page.split('id="sig-h"')[1].split("</section>")[0]
    article = next(a for a in signals.split("<article")[1:] if "link.reference_shared" in a)
    assert "reference phone +1 202 ***-0143" in article
    assert f'href="/candidates/{ring_id}/">Victor Hale</a>' in article
    assert "leads back to 1 other candidate" in article
    assert "Guidance:" in article and "FBI PSA I-012325-PSA" in article


def test_the_referral_chain_is_drawn_both_ways(client, api_client_factory):
    """The referrer's page lists whom it referred; each referral's page names its referrer."""
    from django.contrib.auth.models import Group, User

    from tests.posting import payload, post

    ats, _key = api_client_factory()
    referrer = post(ats, payload("Ray Fox"))
    first = post(ats, payload("Uma Hill", referred_by={"external_id": referrer.external_id}))
    second = post(ats, payload("Ned Cole", referred_by={"external_id": referrer.external_id}))
    elsewhere, _ = api_client_factory("other-ats")
    post(elsewhere, payload("Zed Moon", referred_by={"external_id": referrer.external_id}))

    user = User.objects.create_user("chain", password="pw-long-enough-1")
    user.groups.add(Group.objects.get(name="Recruiters"))
    client.force_login(user)
    page = client.get(f"/candidates/{referrer.pk}/").content.decode()
    assert "Referral chain" in page
    assert f"/candidates/{first.pk}/" in page and f"/candidates/{second.pk}/" in page
    assert "Zed Moon" not in page  # another client's external ids are another namespace
    page = client.get(f"/candidates/{first.pk}/").content.decode()
    assert "Referred by" in page and f"/candidates/{referrer.pk}/" in page
