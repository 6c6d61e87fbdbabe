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
