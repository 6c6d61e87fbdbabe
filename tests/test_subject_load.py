"""`subject_load` reads a candidate and everything the checks see in one query (two when it
names a vendor) and gives the same subject the models do."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from candidates.models import Candidate, ContactChange, Observation, ResumeFile
from candidates.subject import subject_load, vendor_record
from checks.base import (
    ContactChangeFacts,
    DocumentFacts,
    ObservationFacts,
    SessionFacts,
    Subject,
)
from links.models import LinkKey
from tests.factories import ApiClientFactory
from tests.links.helpers import stored_image
from tests.links.synthetic import passport
from tests.posting import payload, post

pytestmark = pytest.mark.django_db

MRZ = "P<USAERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n5841207393USA7408122F3204153<<<<<<<<<<<<<<00"


# The oracle: the subject built from prefetched model instances, as assessments loaded it
# before the one-statement load.
def subject_from(c: Candidate, *, vendor_record: tuple[int, int] | None = None) -> Subject:
    return Subject(
        id=c.id,
        full_name=c.full_name,
        now=timezone.now(),
        email=c.email,
        phone=c.phone,
        date_of_birth=c.date_of_birth,
        nationality=c.nationality,
        claimed_location=c.claimed_location or {},
        home_address=c.home_address or {},
        shipping_address=c.shipping_address or {},
        payout_account_holder=c.payout_account_holder,
        payout_bank_country=c.payout_bank_country,
        payout_iban_country=c.payout_iban_country,
        payout_routing_number=c.payout_routing_number,
        payout_account_key=c.payout_account_key,
        payout_account_last4=c.payout_account_last4 or c.payout_iban_last4,
        has_payout=c.has_payout,
        sessions=tuple(
            SessionFacts(
                ip=s.ip,
                seen_at=s.seen_at,
                kind=s.kind,
                user_agent=s.user_agent,
                timezone=s.timezone,
                utc_offset_minutes=s.utc_offset_minutes,
            )
            for s in c.sessions.all()
        ),
        documents=tuple(
            DocumentFacts(
                kind=d.kind,
                issuing_country=d.issuing_country,
                number_key=d.number_key,
                number_last4=d.number_last4,
                expires_on=d.expires_on,
                mrz=d.mrz,
                mrz_facts=d.mrz_facts or {},
                image_id=d.image_id,
            )
            for d in c.documents.all()
        ),
        observations=tuple(
            ObservationFacts(code=o.code, note=o.note, created_at=o.created_at)
            for o in c.observations.all()
        ),
        resume_text=c.resume_text,
        photo_id=c.photo_id,
        stage=c.stage,
        vendor=c.vendor,
        payout_method=c.payout_method,
        referred_by=c.referred_by or {},
        references=tuple(c.references or ()),
        resume_metadata=c.resume_file.metadata if c.resume_file else {},
        vendor_record=vendor_record,
        contact_changes=tuple(
            ContactChangeFacts(
                field=h.field, changed_at=h.changed_at, stage=h.stage, replaced=h.old is not None
            )
            for h in c.contact_changes.all()
        ),
    )


def _from_models(candidate_id) -> object:
    c = (
        Candidate.objects.select_related("resume_file")
        .prefetch_related("sessions", "documents", "observations", "contact_changes")
        .get(pk=candidate_id)
    )
    return subject_from(c, vendor_record=vendor_record(c))


def _rich(**fields) -> Candidate:
    client = ApiClientFactory()
    body = payload(
        "Anna Maria Eriksson",
        date_of_birth="1974-08-12",
        nationality="USA",
        vendor="Northwind Staffing",
        stage="interviewing",
        referred_by={"external_id": "ref-1", "name": "Bo"},
        references=[{"name": "Pat Lee", "phone": "+1 636 777 0101"}],
        payout={
            "account_holder": "Anna Eriksson",
            "bank_country": "US",
            "routing_number": "081000210",
            "account_number": "000123456789",
        },
        sessions=[
            {
                "ip": "73.54.120.18",
                "seen_at": "2026-11-20T14:03:00.250Z",
                "kind": "application",
                "user_agent": "Mozilla/5.0 \u00e9",
                "timezone": "America/Chicago",
                "utc_offset_minutes": -360,
            },
            {"ip": "not an ip", "seen_at": "2026-11-19T09:00:00Z", "kind": "login"},
            {"ip": "2001:db8::1", "seen_at": "2026-11-19T09:00:00Z", "kind": "interview"},
        ],
        documents=[
            {
                "kind": "passport",
                "number": "584120739",
                "issuing_country": "USA",
                "expires_on": "2032-04-15",
                "mrz": MRZ,
            },
            {"kind": "drivers_license", "number": "D1234567", "issuing_country": "US"},
        ],
        resume_text="Ten years of Python, 'quoted' and \"double-quoted\".",
        **fields,
    )
    candidate = post(client, body)
    # A second write: a replaced phone and a first shipping address are contact changes.
    post(client, {**body, "phone": "+1 314 200 7777", "shipping_address": body["home_address"]})
    Observation.objects.create(candidate=candidate, code="interview.camera_refused", note="n")
    Observation.objects.create(candidate=candidate, code="interview.different_person")
    document = candidate.documents.get(kind="drivers_license")
    document.image = stored_image(passport(seed=3))
    document.save(update_fields=["image"])
    resume = ResumeFile.objects.create(
        file=ContentFile(b"%PDF-1.4", name="cv.pdf"),
        sha256="0" * 64,
        content_type="application/pdf",
        filename="cv.pdf",
        metadata={"author": "Kim Park", "created": "2026-01-02"},
    )
    Candidate.objects.filter(pk=candidate.pk).update(resume_file=resume)
    return candidate


def test_subject_load_gives_what_the_models_give_in_two_queries(django_assert_num_queries):
    candidate = _rich()
    assert ContactChange.objects.filter(candidate=candidate).count() >= 2
    with django_assert_num_queries(2):  # the candidate and its relations; the vendor record
        loaded = subject_load(candidate_id=candidate.pk)
    expected = _from_models(candidate.pk)

    assert loaded is not None
    assert len(loaded.sessions) == 3 and len(loaded.documents) == 2
    assert len(loaded.observations) == 2 and loaded.resume_metadata["author"] == "Kim Park"
    assert loaded.documents[0].mrz_facts and loaded.documents[1].image_id is not None
    assert [h.replaced for h in loaded.contact_changes] == [
        h.replaced for h in expected.contact_changes
    ]
    assert dataclasses.replace(loaded, now=expected.now, link_keys=None) == expected
    stored = LinkKey.objects.filter(candidate=candidate).values_list("kind", "value", "display")
    assert loaded.link_keys is not None and sorted(loaded.link_keys) == sorted(stored)


def test_a_bare_candidate_is_one_query(django_assert_num_queries):
    candidate = post(ApiClientFactory(), {"external_id": "bare", "full_name": "Bo Lind"})
    with django_assert_num_queries(1):
        loaded = subject_load(candidate_id=candidate.pk)
    assert loaded is not None
    assert (loaded.sessions, loaded.documents, loaded.observations) == ((), (), ())
    assert dataclasses.replace(loaded, link_keys=None, now=None) == dataclasses.replace(
        _from_models(candidate.pk), now=None
    )


def test_an_erased_candidate_loads_as_none():
    candidate = post(ApiClientFactory(), {"external_id": "gone", "full_name": "Bo Lind"})
    Candidate.objects.filter(pk=candidate.pk).delete()
    assert subject_load(candidate_id=candidate.pk) is None
