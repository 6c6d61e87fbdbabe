"""The v1.1 people links end to end: candidates posted through the API's service, assessed by the
real pipeline with the active rule set (tests/posting.py), each code against its honest
look-alike."""

from __future__ import annotations

import pytest

from candidates.models import Candidate
from checks.base import Context
from tests.factories import ApiClientFactory
from tests.posting import payload, post
from tests.resume_files import b64, docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

# BIP-173's first valid P2WPKH address and EIP-55's first checksummed address (their test vectors).
BECH32 = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
EIP55 = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
# ABA routing number of the Federal Reserve Bank (a published, valid number).
ROUTING = "011000015"
HOME = {
    "line1": "1840 Park Avenue",
    "city": "St. Louis",
    "region": "MO",
    "postal_code": "63104",
    "country": "US",
}
HOME_SESSION = [{"ip": "73.54.120.18", "seen_at": "2026-11-20T15:00:00Z", "kind": "login"}]
RESUME = (
    "Built and operated payment reconciliation services in Go and PostgreSQL for a regional bank\n"
    "Led the migration of nightly batch jobs to event-driven pipelines on Kafka and Kubernetes\n"
)


@pytest.fixture
def ats():
    return ApiClientFactory()


def signals(candidate: Candidate) -> dict:
    candidate.refresh_from_db()
    return {s.code: s for s in candidate.completed_assessment.signals.all()}


def related(signal) -> set[str]:
    return {r["id"] for r in signal.related_candidates}


# 1. Platform accounts and wallets join link.payout_shared


def test_a_platform_email_or_a_wallet_paid_for_two_candidates_is_a_shared_payout(ats):
    a = post(
        ats,
        payload("Paul Adams", payout={"method": "paypal", "account_email": "Pay.Me@example.net"}),
    )
    b = post(
        ats,
        payload("Rita Brown", payout={"method": "paypal", "account_email": "pay.me@EXAMPLE.net"}),
    )
    found = signals(b)["link.payout_shared"]
    assert related(found) == {str(a.pk)}
    assert "pay.me" not in str(found.evidence).lower()  # a keyed hash and the last 4 only
    assert found.evidence["values"][0]["shared"] == "platform account ****.net"
    assert "link.payout_shared" in signals(a)  # the first holder was reassessed

    c = post(ats, payload("Carl Chen", payout={"method": "crypto", "wallet_address": EIP55}))
    d = post(
        ats, payload("Dana Diaz", payout={"method": "crypto", "wallet_address": EIP55.lower()})
    )
    assert related(signals(d)["link.payout_shared"]) == {str(c.pk)}
    e = post(ats, payload("Eve Evans", payout={"method": "crypto", "wallet_address": BECH32}))
    assert "link.payout_shared" not in signals(e)  # another wallet: nobody else's


# 2. link.reference_shared


def test_a_reference_who_is_another_candidates_own_contact_fires(ats):
    ring = post(ats, payload("Victor Hale"))
    referenced = {"name": "V. Hale", "phone": ring.phone, "relationship": "former manager"}
    b = post(ats, payload("Nina Ortiz", references=[referenced]))
    found = signals(b)["link.reference_shared"]
    assert related(found) == {str(ring.pk)} and found.severity == "medium"
    assert "link.reference_shared" in signals(ring)  # named as a reference: reassessed too
    # A reference who is the candidate itself.
    self_ref = payload("Omar Quinn")
    self_ref["references"] = [{"name": "O. Quinn", "email": self_ref["email"].upper()}]
    assert signals(post(ats, self_ref))["link.reference_shared"].evidence["values"][0]["own"]


def test_two_strangers_sharing_a_well_known_former_manager_stay_quiet(ats):
    manager = {
        "name": "Grace Hopper",
        "email": "g.hopper@navy.example.mil",
        "phone": "+1 202 555 0143",
    }
    a = post(ats, payload("Alice Young", references=[manager]))
    b = post(
        ats, payload("Bob Zimmer", references=[{**manager, "email": "G.Hopper@navy.example.mil"}])
    )
    for person in (a, b):
        assert "link.reference_shared" not in signals(person)
        person.refresh_from_db()
        assert person.risk_level == "low"


def test_a_shared_reference_counts_between_candidates_linked_otherwise(ats):
    manager = {"name": "Sam Kim", "email": "sam.kim@example.org"}
    a = post(ats, payload("Ivy Lang", references=[manager], phone="+1 314 555 0177"))
    b = post(ats, payload("Jon Mare", references=[manager], phone="(314) 555-0177"))
    assert related(signals(b)["link.reference_shared"]) == {str(a.pk)}


# 3. link.payout_holder_shared


def test_one_third_party_holder_paid_for_several_candidates_fires(ats):
    def paid_to(name: str, account: str) -> dict:
        holder = {"account_holder": "SMITH, John R.", "bank_country": "US"}
        return payload(
            name, payout={**holder, "routing_number": ROUTING, "account_number": account}
        )

    a = post(ats, paid_to("Kevin Park", "000123450001"))
    b = post(ats, paid_to("Laura Reed", "000123450002"))
    found = signals(b)["link.payout_holder_shared"]
    assert related(found) == {str(a.pk)} and found.severity == "high"
    assert found.evidence["values"][0]["shared"] == "payout holder John Smith"
    assert "link.payout_shared" not in signals(b)  # different accounts, one holder


def test_a_holder_paid_only_under_their_own_name_is_no_shared_holder(ats):
    """Two honest people with one common name are each paid to themselves."""
    for account in ("000555000001", "000555000002"):
        body = payload(
            "John Smith",
            payout={
                "account_holder": "John Smith",
                "bank_country": "US",
                "routing_number": ROUTING,
                "account_number": account,
            },
        )
        last = post(ats, body)
    assert "link.payout_holder_shared" not in signals(last)


# 4. link.referral_ring


def test_referred_by_a_linked_candidate_fires_and_by_a_stranger_stays_quiet(ats):
    referrer = post(ats, payload("Ray Fox", phone="+1 314 555 0190"))
    linked = post(
        ats,
        payload(
            "Tia Gray",
            phone="+1 314 555 0190",
            referred_by={"external_id": referrer.external_id, "name": "Ray Fox"},
        ),
    )
    found = signals(linked)["link.referral_ring"]
    assert (
        related(found) == {str(referrer.pk)} and found.evidence["referrer"] == "linked to this one"
    )
    honest = post(ats, payload("Uma Hill", referred_by={"external_id": referrer.external_id}))
    assert "link.referral_ring" not in signals(honest)


def test_referred_by_a_candidate_assessed_high_fires(ats):
    shared = {"routing_number": ROUTING, "account_number": "000999000111", "bank_country": "US"}
    risky = post(
        ats, payload("Wes Ives", payout={**shared, "account_holder": "Wes Ives"}, documents=[])
    )
    post(ats, payload("Xia Jones", payout={**shared, "account_holder": "Wes Ives"}))
    risky.refresh_from_db()
    assert risky.risk_level in ("high", "critical")
    referred = post(ats, payload("Yan King", referred_by={"external_id": risky.external_id}))
    found = signals(referred)["link.referral_ring"]
    assert found.evidence["referrer"] == f"assessed {risky.risk_level}"
    # Referrals stay within one client: the same external id elsewhere is someone else.
    other = post(
        ApiClientFactory(), payload("Zoe Lamb", referred_by={"external_id": risky.external_id})
    )
    assert "link.referral_ring" not in signals(other)


def test_a_referrer_assessed_high_later_refreshes_its_referral(ats):
    """The referral was assessed while its referrer was low and unlinked: nothing to say. Then
    the referrer turns high (another candidate is paid on its account): the referral's link
    signals are refreshed, and say so, without a write to the referral."""
    shared = {"routing_number": ROUTING, "account_number": "000999000222", "bank_country": "US"}
    referrer = post(
        ats, payload("Wes Ives", payout={**shared, "account_holder": "Wes Ives"}, documents=[])
    )
    referred = post(ats, payload("Yan King", referred_by={"external_id": referrer.external_id}))
    assert referrer.risk_level not in ("high", "critical")
    assert "link.referral_ring" not in signals(referred)
    post(ats, payload("Xia Jones", payout={**shared, "account_holder": "Wes Ives"}))
    referrer.refresh_from_db()
    assert referrer.risk_level in ("high", "critical")
    found = signals(referred)["link.referral_ring"]
    assert found.evidence["referrer"] == f"assessed {referrer.risk_level}"
    latest = referred.completed_assessment
    assert (latest.trigger, latest.scope) == ("link", "links")


# 5. link.resume_metadata_shared


def _resume(raw: bytes, filename: str) -> dict:
    return {"content": b64(raw), "filename": filename}


def test_resumes_by_one_named_author_fire_and_a_generic_author_stays_quiet(ats):
    generic = dict(
        author="Microsoft Office User",
        creator="Microsoft Word",
        producer="macOS Version 14.4 (Build 23E214) Quartz PDFContext",
    )
    a = post(ats, payload("Ann Lee", resume_file=_resume(pdf_bytes(RESUME, **generic), "ann.pdf")))
    b = post(
        ats,
        payload("Ben Moe", resume_file=_resume(pdf_bytes(RESUME.upper(), **generic), "ben.pdf")),
    )
    assert "link.resume_metadata_shared" not in signals(b)
    assert "link.resume_metadata_shared" not in signals(a)

    c = post(
        ats,
        payload(
            "Cid Nash",
            resume_file=_resume(
                docx_bytes(
                    "Staff engineer\n" + RESUME, author="Dmitri Volkov", last_modified_by="User"
                ),
                "cid.docx",
            ),
        ),
    )
    d = post(
        ats,
        payload(
            "Dee Ott",
            resume_file=_resume(
                pdf_bytes(
                    "Platform engineer\nKotlin and Spring services",
                    author="dmitri  VOLKOV",
                    creator="Microsoft Word",
                ),
                "dee.pdf",
            ),
        ),
    )
    found = signals(d)["link.resume_metadata_shared"]
    assert related(found) == {str(c.pk)}
    assert found.evidence["values"][0]["shared"] == "resume author Dmitri Volkov"


# 6. Household context


def _spouse(name: str, holder="Maria Lopez", number="000246813579", **fields) -> dict:
    account = {"routing_number": ROUTING, "account_number": number, "bank_country": "US"}
    body = {
        "home_address": HOME,
        "sessions": HOME_SESSION,
        "payout": {**account, "account_holder": holder},
        **fields,
    }
    return payload(name, **body)


def test_spouses_sharing_one_payout_account_and_holder_are_a_household_not_a_mule(ats):
    maria = post(ats, _spouse("Maria Lopez"))
    juan = post(ats, _spouse("Juan Lopez"))
    for person in (maria, juan):
        fired = signals(person)
        assert "link.payout_shared" not in fired and "link.payout_holder_shared" not in fired
        assert "link.address_shared" not in fired and "link.identity_cluster" not in fired
        person.refresh_from_db()
        assert person.risk_level in ("low", "medium"), (person.full_name, set(fired))
    # Juan is paid to his wife's name: the payout check still says so, on its own.
    assert "payout.name_mismatch" in signals(juan)


def test_the_same_pair_sharing_a_passport_number_is_linked_as_before(ats):
    passport = [{"kind": "passport", "number": "584120739", "issuing_country": "USA"}]
    post(ats, _spouse("Maria Lopez", documents=passport))
    juan = post(ats, _spouse("Juan Lopez", documents=passport))
    fired = signals(juan)
    assert {"link.document_number_shared", "link.payout_shared", "link.address_shared"} <= set(
        fired
    )
    juan.refresh_from_db()
    assert juan.risk_level in ("high", "critical")


def test_a_third_member_or_a_facilitators_shipping_address_is_no_household(ats):
    post(ats, _spouse("Maria Lopez"))
    juan = post(ats, _spouse("Juan Lopez"))
    post(ats, _spouse("Luis Lopez"))
    juan.refresh_from_db()
    assert "link.payout_shared" in signals(juan) and juan.risk_level in ("high", "critical")

    farm = {
        "line1": "4410 Laptop Farm Road",
        "city": "Nashville",
        "postal_code": "37211",
        "country": "US",
    }
    other = ApiClientFactory()
    post(other, payload("Ring Member", shipping_address=farm))
    post(
        other,
        _spouse(
            "Ana Ruiz", "Ana Ruiz", "000135792468", home_address={**HOME, "line1": "9 Oak Street"}
        ),
    )
    shipped = post(
        other,
        _spouse(
            "Leo Ruiz",
            "Ana Ruiz",
            "000135792468",
            home_address={**HOME, "line1": "9 Oak Street"},
            shipping_address=farm,
        ),
    )
    assert "link.payout_shared" in signals(shipped)
    assert "link.payout_shared" not in signals(Candidate.objects.get(full_name="Ana Ruiz"))


def test_query_count_stays_fixed_with_people_links(ats):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from candidates.linking import CandidateLinkIndex
    from candidates.subject import subject_load
    from checks.links.check import LinkCheck

    def queries_for(n: int) -> int:
        referrer = post(ats, payload(f"Referrer {n}"))
        reference = {"name": "Ref", "email": f"ref{n}@example.org", "phone": "+1 202 555 0150"}
        resume = _resume(pdf_bytes(RESUME, author=f"Author Number{n}"), "cv.pdf")

        def body(name: str) -> dict:
            holder = {"account_holder": f"Holder Person{n}", "bank_country": "US"}
            return payload(
                name,
                references=[reference],
                payout=holder,
                referred_by={"external_id": referrer.external_id},
                resume_file=resume,
            )

        me = post(ats, body(f"Me {n}"))
        for i in range(n):
            post(ats, body(f"Other {n} {i}"))
        check, subject = LinkCheck(), subject_load(candidate_id=me.pk)
        with CaptureQueriesContext(connection) as ctx:
            fired = check.run(subject, check.params_from({}), Context(links=CandidateLinkIndex()))
        codes = {f.code for f in fired}
        # The copied resume links them, so their shared reference counts; the referrer is linked
        # to nobody and low: reading its level is the one extra query.
        assert {
            "link.payout_holder_shared",
            "link.resume_metadata_shared",
            "link.resume_duplicate",
            "link.reference_shared",
        } <= codes
        assert "link.referral_ring" not in codes
        return len(ctx.captured_queries)

    assert queries_for(2) == queries_for(8) <= 12


def test_a_referrer_posted_after_its_referral_reassesses_it(ats):
    referred = post(
        ats, payload("Abe Cole", phone="+1 314 555 0199", referred_by={"external_id": "late-1"})
    )
    assert "link.referral_ring" not in signals(referred)  # nobody of that id yet
    referrer = post(ats, payload("Bea Dunn", phone="+1 314 555 0199", external_id="late-1"))
    assert related(signals(referred)["link.referral_ring"]) == {str(referrer.pk)}
