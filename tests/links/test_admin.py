import pytest
from django.contrib.auth.models import Group, User

from links.models import LinkAllowlist

pytestmark = pytest.mark.django_db
URL = "/admin/links/linkallowlist/add/"


def _user(name: str, group: str) -> User:
    user = User.objects.create_user(name, password="pw-long-enough-1", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("ip", " 73.54.120.7 ", "73.54.120.7"),
        ("ip_net", "73.54.120.7/24", "73.54.120.0/24"),
        ("phone", "+1 (314) 200-0100", "+13142000100"),
        ("email", "Agency.Jobs+x@GMail.com", "agencyjobs@gmail.com"),
    ],
)
def test_rules_admin_adds_an_entry_stored_normalised(client, kind, typed, stored):
    admin_user = _user("rules", "Rules admins")
    client.force_login(admin_user)
    response = client.post(URL, {"kind": kind, "value": typed, "note": "corporate VPN"})
    assert response.status_code == 302, response.content[:2000]
    entry = LinkAllowlist.objects.get()
    assert (entry.kind, entry.value, entry.created_by) == (kind, stored, admin_user)


def test_an_unparseable_value_is_refused_with_a_message(client):
    client.force_login(_user("rules", "Rules admins"))
    response = client.post(URL, {"kind": "address", "value": "somewhere", "note": ""})
    assert response.status_code == 200
    assert b"address key shown in the signal evidence" in response.content
    assert not LinkAllowlist.objects.exists()


def test_a_recruiter_cannot_allowlist(client):
    client.force_login(_user("rec", "Recruiters"))
    response = client.post(URL, {"kind": "ip", "value": "73.54.120.7", "note": ""})
    assert response.status_code in (302, 403)  # sent to sign-in or refused, never saved
    assert not LinkAllowlist.objects.exists()
