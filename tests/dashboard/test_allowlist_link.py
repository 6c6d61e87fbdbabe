"""A shared address's allowlist key is internal: not an evidence line, but a rules admin gets a
link that opens the allowlist form with it filled in; a recruiter gets neither."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, User

from tests.posting import payload, post

pytestmark = pytest.mark.django_db
HOME = {
    "line1": "1 Agency Plaza",
    "city": "St. Louis",
    "region": "MO",
    "postal_code": "63101",
    "country": "US",
}


def _user(name: str, group: str) -> User:
    user = User.objects.create_user(name, password="pw-long-enough-1", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_rules_admin_gets_the_allowlist_link_recruiter_does_not(client, api_client_factory):
    ats, _key = api_client_factory()
    post(ats, payload("Anna Eriksson", home_address=HOME))
    second = post(ats, payload("Brian Moss", home_address=HOME))
    key = second.link_keys.get(kind="address").value
    url = f"/candidates/{second.pk}/"

    client.force_login(_user("rules", "Rules admins"))
    page = client.get(url).content.decode()
    assert "link.address_shared" in page
    assert f"/admin/links/linkallowlist/add/?kind=address&amp;value={quote(key)}" in page
    assert f"<dd>{key}</dd>" not in page  # not an evidence line

    client.force_login(_user("recruiter", "Recruiters"))
    page = client.get(url).content.decode()
    assert "link.address_shared" in page
    assert "linkallowlist" not in page
