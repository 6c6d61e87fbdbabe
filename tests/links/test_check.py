from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.linking import CandidateLinkIndex
from candidates.models import Session
from candidates.subject import subject_load
from checks.base import COUNT_CAP, Context
from checks.links.check import LinkCheck
from links.models import LinkAllowlist
from tests.links.helpers import add_document, candidate, stored_image, synced
from tests.links.synthetic import brightened, jpeg, passport, portrait, resized

pytestmark = pytest.mark.django_db


def run(c, **params) -> dict:
    check = LinkCheck()
    findings = check.run(
        subject_load(candidate_id=c.pk),
        check.params_from(params),
        Context(links=CandidateLinkIndex()),
    )
    return {f.code: f for f in findings}


def with_ip(c, ip):
    Session.objects.create(candidate=c, ip=ip, seen_at=datetime.now(UTC), kind="login")
    return synced(c)


def test_shared_phone_names_the_other_candidate_with_a_masked_number():
    a = synced(candidate(phone="+1 314 200 0100"))
    b = synced(candidate(phone="(314) 200-0100"))
    synced(candidate())  # an honest bystander
    found = run(b)
    assert set(found) == {"link.phone_shared"}
    assert [(r.candidate_id, r.shared) for r in found["link.phone_shared"].related] == [
        (a.pk, "phone +1 314 ***-0100")
    ]
    assert found["link.phone_shared"].related_count == 1
    assert "2000100" not in str(found["link.phone_shared"].evidence)


def test_document_number_payout_and_mailbox_reuse():
    a = synced(
        candidate(
            email="anna.e@gmail.com", payout_account_key="p" * 64, payout_account_last4="6789"
        )
    )
    add_document(a, number_key="n" * 64, last4="0739")
    synced(a)
    b = synced(
        candidate(
            email="AnnaE+work@googlemail.com",
            payout_account_key="p" * 64,
            payout_account_last4="6789",
        )
    )
    add_document(b, number_key="n" * 64, last4="0739")
    synced(b)
    found = run(b)
    assert found["link.document_number_shared"].related[0].shared == "passport ****0739"
    assert found["link.payout_shared"].related[0].shared == "account ****6789"
    assert found["link.email_shared"].related[0].candidate_id == a.pk


def test_related_is_capped_at_50_and_related_count_is_the_full_number():
    for _ in range(60):
        with_ip(candidate(), "73.54.120.18")
    me = with_ip(candidate(), "73.54.120.18")
    f = run(me)["link.ip_shared"]
    assert len(f.related) == 50 and f.related_count == 60


def test_holders_past_the_count_cap_read_as_the_cap_or_more():
    """A VPN egress with more holders than COUNT_CAP: counted up to the cap, and the message
    says so, rather than counting every holder on every assessment."""
    from candidates.models import Candidate
    from links.models import LinkKey
    from tests.factories import ApiClientFactory

    client = ApiClientFactory()
    crowd = Candidate.objects.bulk_create(
        Candidate(client=client, external_id=f"vpn-{n}", full_name=f"Crowd {n}")
        for n in range(COUNT_CAP + 5)
    )
    LinkKey.objects.bulk_create(
        LinkKey(candidate=c, kind="ip", value="185.220.101.7", display="IP 185.220.101.7")
        for c in crowd
    )
    f = run(with_ip(candidate(), "185.220.101.7"))["link.ip_shared"]
    assert f.related_count == COUNT_CAP and len(f.related) == 50
    assert f.message == f"Shares a session IP with {COUNT_CAP} or more other candidates"


def test_same_network_is_a_separate_weaker_signal_and_can_be_turned_off():
    neighbour = with_ip(candidate(), "73.54.120.200")
    me = with_ip(candidate(), "73.54.120.18")
    found = run(me)
    assert "link.ip_shared" not in found
    assert found["link.ip_subnet_shared"].related[0].candidate_id == neighbour.pk
    assert "link.ip_subnet_shared" not in run(me, ip_subnet_enabled=False)


def test_allowlisted_values_never_produce_signals():
    for _ in range(3):
        with_ip(candidate(), "73.54.120.18")
    me = with_ip(candidate(), "73.54.120.18")
    assert set(run(me)) == {"link.ip_shared"}  # strangers behind one IP are not a cluster
    LinkAllowlist.objects.create(kind="ip", value="73.54.120.18", note="corporate VPN egress")
    LinkAllowlist.objects.create(kind="ip_net", value="73.54.120.0/24", note="same office")
    assert run(me) == {}


def test_reencoded_document_image_matches_a_same_template_passport_does_not():
    original = synced(candidate())
    add_document(original, number_key="a" * 64, image=stored_image(passport(7)))
    synced(original)
    other_person = synced(candidate())
    add_document(other_person, number_key="b" * 64, image=stored_image(passport(8)))
    synced(other_person)
    copy = synced(candidate())
    add_document(
        copy,
        number_key="c" * 64,
        image=stored_image(brightened(resized(passport(7)), 1.2), "JPEG", 60),
    )
    synced(copy)
    found = run(copy)
    assert [r.candidate_id for r in found["link.document_image_duplicate"].related] == [original.pk]
    assert "link.document_image_duplicate" not in run(other_person)


def test_identical_and_near_identical_photos():
    face = portrait(11, (300, 380))
    a = synced(candidate(photo=stored_image(face)))
    b = synced(candidate(photo=stored_image(face)))  # the same pixels, another upload
    c = synced(candidate(photo=stored_image(jpeg(face), "JPEG", 60)))
    synced(candidate(photo=stored_image(portrait(12, (300, 380)))))
    f = run(c)["link.photo_duplicate"]
    assert {r.candidate_id for r in f.related} == {a.pk, b.pk}
    assert (
        "identical pixels"
        in {
            r.shared for r in run(a)["link.photo_duplicate"].related if r.candidate_id == b.pk
        }.pop()
    )


def test_reworded_resume_is_a_duplicate():
    from tests.links.test_resume import ANNA, OTHER, TEMPLATE, _reworded

    a = synced(candidate(resume_text=TEMPLATE.format(**ANNA)))
    synced(candidate(resume_text=TEMPLATE.format(**OTHER)))
    b = synced(candidate(resume_text=TEMPLATE.format(**_reworded(ANNA))))
    f = run(b)["link.resume_duplicate"]
    assert [r.candidate_id for r in f.related] == [a.pk]


def test_identity_cluster_follows_links_beyond_the_first_hop_within_its_bound():
    a = synced(candidate(phone="+1 314 200 0100"))
    b = synced(candidate(phone="+1 314 200 0100", email="ring@example.com"))
    c = synced(candidate(email="ring@example.com", payout_account_key="r" * 64))
    d = synced(candidate(payout_account_key="r" * 64))
    f = run(a)["link.identity_cluster"]
    assert {r.candidate_id for r in f.related} == {b.pk, c.pk, d.pk}
    assert f.evidence["size"] == 4
    assert run(a, cluster_max_depth=2)["link.identity_cluster"].evidence["size"] == 3
    capped = run(a, cluster_node_cap=3)["link.identity_cluster"]
    assert capped.evidence["capped"] and "at least" in capped.message
    assert "link.identity_cluster" not in run(a, cluster_max_depth=1)  # a pair is not a group


def test_a_value_held_by_more_than_the_fanout_is_common_not_an_identity():
    a = synced(candidate(phone="+1 314 200 0100"))
    synced(candidate(phone="+1 314 200 0100", email="agency@example.com"))
    for _ in range(3):
        synced(candidate(email="agency@example.com"))
    assert run(a)["link.identity_cluster"].evidence["size"] == 5
    assert "link.identity_cluster" not in run(a, cluster_fanout=3)


def test_query_count_is_fixed_whatever_the_number_of_links():
    def queries_for(n: int) -> int:
        me = synced(candidate(phone=f"+1 415 555 {n:04d}", photo=stored_image(portrait(n))))
        for _ in range(n):
            synced(candidate(phone=f"+1 415 555 {n:04d}"))
        with CaptureQueriesContext(connection) as ctx:
            run(me)
        return len(ctx.captured_queries)

    assert queries_for(2) == queries_for(12) <= 12


def test_a_shared_address_can_be_allowlisted_by_the_key_its_evidence_shows(client):
    agency = {
        "line1": "500 Market Street",
        "line2": "Suite 12",
        "city": "Chicago",
        "postal_code": "60601",
        "country": "US",
    }
    synced(candidate(shipping_address=agency))
    me = synced(candidate(shipping_address={**agency, "line1": "500 Market St.", "line2": "#12"}))
    evidence = run(me)["link.address_shared"].evidence["values"][0]
    assert evidence["shared"] == "address in Chicago, US"
    client.force_login(User.objects.create_superuser("root"))
    client.post(
        "/admin/links/linkallowlist/add/",
        {"kind": "address", "value": evidence["allowlist_key"], "note": "agency"},
    )
    assert "link.address_shared" not in run(me)
