"""End to end: the real engine and the active rule set rank a fraud ring above honest people."""

import pytest

from candidates.linking import CandidateLinkIndex, image_open, link_facts
from candidates.models import Candidate, Document
from candidates.services import candidate_upsert, review_decide
from candidates.subject import subject_load, subject_row
from checks import engine
from checks.base import Context
from checks.rulesets import ruleset_active_snapshot
from links.keys import candidate_keys
from links.models import LinkKey
from tests.factories import ApiClientFactory
from tests.links.helpers import stored_image, synced
from tests.links.synthetic import TRANSFORMS, jpeg, passport

pytestmark = pytest.mark.django_db
RING_SHIPPING = {
    "line1": "4410 Laptop Farm Road",
    "line2": "Unit 2",
    "city": "Nashville",
    "region": "TN",
    "postal_code": "37211",
    "country": "US",
}


def _honest(client, n: int) -> list[Candidate]:
    people = Candidate.objects.bulk_create(
        [
            Candidate(
                client=client,
                external_id=f"h-{i}",
                full_name=f"Honest Person {i}",
                email=f"person{i}@example.com",
                phone=f"+1 314 {200 + i // 1000} {i % 1000:04d}",
                claimed_country="US",
                claimed_location={
                    "country": "US",
                    "city": "St. Louis",
                    "timezone": "America/Chicago",
                },
                home_address={
                    "line1": f"{i + 1} Main St",
                    "city": "St. Louis",
                    "postal_code": "63101",
                    "country": "US",
                },
            )
            for i in range(n)
        ]
    )
    for i, person in enumerate(people[:15]):  # same-template passports, different people
        Document.objects.create(
            candidate=person,
            kind="passport",
            issuing_country="US",
            number_key=f"honest-{i}",
            number_last4=f"{i:04d}",
            image=stored_image(passport(1000 + i), "JPEG", 90),
        )
    return people


def _bulk_keys(people: list[Candidate]) -> None:
    LinkKey.objects.bulk_create(
        [
            LinkKey(candidate=p, kind=k, value=v, display=d)
            for p in people
            for k, v, d in candidate_keys(
                link_facts(subject_row(candidate_id=p.pk)), open_image=image_open
            )
        ],
        batch_size=2000,
    )


def _ring(client) -> list[Candidate]:
    members = []
    scan = passport(4242)
    for i, transform in enumerate([*TRANSFORMS.values(), lambda img: img]):
        member = Candidate.objects.create(
            client=client,
            external_id=f"ring-{i}",
            full_name=f"Ring Alias {i}",
            email=f"alias{i}@example.org",
            phone="+1 615 555 0142" if i % 2 else "(615) 555-0142",
            claimed_country="US",
            claimed_location={"country": "US", "city": "Nashville"},
            home_address={
                "line1": f"{i + 7} Elm Street",
                "city": "Nashville",
                "postal_code": "37203",
                "country": "US",
            },
            shipping_address=RING_SHIPPING
            if i % 2
            else {**RING_SHIPPING, "line1": "4410 laptop farm rd.", "line2": "#2"},
        )
        Document.objects.create(
            candidate=member,
            kind="passport",
            issuing_country="US",
            number_key=f"ring-{i}",
            number_last4=f"{i:04d}",
            image=stored_image(jpeg(transform(scan), 85), "JPEG", 90),
        )
        members.append(member)
    return members


def test_a_fraud_ring_ranks_above_a_thousand_honest_candidates():
    client = ApiClientFactory()
    honest, ring = _honest(client, 1000), _ring(client)
    _bulk_keys(honest)  # as a bulk import would; the ring arrives through the normal sync
    for person in ring:
        synced(person)
    rules, index = ruleset_active_snapshot(), CandidateLinkIndex()
    scores = {}
    for person in honest + ring:
        outcome = engine.evaluate(subject_load(candidate_id=person.pk), rules, Context(links=index))
        scores[person.pk] = (outcome.risk_score, {s.code for s in outcome.signals})
    lowest_ring = min(scores[m.pk][0] for m in ring)
    highest_honest = max(scores[h.pk][0] for h in honest)
    assert lowest_ring > highest_honest, (lowest_ring, highest_honest)
    for member in ring:
        assert {
            "link.document_image_duplicate",
            "link.phone_shared",
            "link.address_shared",
            "link.identity_cluster",
        } <= scores[member.pk][1]
    assert not any(code.startswith("link.") for h in honest for code in scores[h.pk][1])


def test_a_cleared_candidate_returns_to_the_queue_when_a_duplicate_appears(
    django_capture_on_commit_callbacks, django_user_model
):
    client = ApiClientFactory()
    reviewer = django_user_model.objects.create_user("reviewer")
    base = {
        "full_name": "Anna Maria Eriksson",
        "phone": "+1 314 200 0100",
        "claimed_location": {"country": "US", "city": "St. Louis"},
        "shipping_address": RING_SHIPPING,
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = candidate_upsert(client=client, data={**base, "external_id": "a-1"}).candidate
    first.refresh_from_db()
    assert first.assessment_status == "completed"
    review_decide(candidate=first, status="cleared", note="", user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        candidate_upsert(
            client=client, data={**base, "external_id": "b-2", "full_name": "Someone Else"}
        )
    first.refresh_from_db()
    assert first.review_status == "unreviewed"
    latest = first.completed_assessment
    assert latest.trigger == "link"
    assert {"link.phone_shared", "link.address_shared"} <= set(
        latest.signals.values_list("code", flat=True)
    )
    # link.address_shared is low: it does not reopen; the medium phone link does.
    reason = first.reviews.first().reason
    assert reason == "new signals of severity medium or above: link.phone_shared"


def test_erasing_a_duplicate_reassesses_its_peer_without_the_link(
    django_capture_on_commit_callbacks,
):
    from candidates.services import candidate_erase

    client = ApiClientFactory()
    base = {
        "full_name": "Anna Maria Eriksson",
        "phone": "+1 314 200 0100",
        "claimed_location": {"country": "US", "city": "St. Louis"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = candidate_upsert(client=client, data={**base, "external_id": "a-1"}).candidate
        second = candidate_upsert(client=client, data={**base, "external_id": "b-2"}).candidate
    first.refresh_from_db()
    assert "link.phone_shared" in set(
        first.completed_assessment.signals.values_list("code", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        candidate_erase(client=client, candidate_id=second.pk)
    first.refresh_from_db()
    assert first.completed_assessment.trigger == "link"
    assert "link.phone_shared" not in set(
        first.completed_assessment.signals.values_list("code", flat=True)
    )
