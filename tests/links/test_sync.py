from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from candidates.linking import candidate_keys_sync
from candidates.models import Session
from links.models import LinkKey, LinkReassessBacklog
from links.services import SWEEP_IDLE_SECONDS, link_sweep
from links.sync import link_keys_erase, link_keys_holders
from tests.links.helpers import add_document, candidate, stored_image, synced
from tests.links.synthetic import jpeg, passport, portrait

pytestmark = pytest.mark.django_db


def _holders(candidate) -> list:
    """The worker's key step, then the other holders it reassesses (of old and new values)."""
    changed = candidate_keys_sync(candidate_id=candidate.pk).changed
    return link_keys_holders(candidate_id=candidate.pk, keys=changed)


def _keys(candidate) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for kind, value in LinkKey.objects.filter(candidate=candidate).values_list("kind", "value"):
        out.setdefault(kind, set()).add(value)
    return out


def test_sync_stores_normalised_keys_for_every_linkable_value():
    c = candidate(
        email="Anna.Eriksson+x@gmail.com",
        phone="(314) 200-0100",
        home_address={
            "line1": "1 Main Street",
            "city": "Saint Louis",
            "postal_code": "63101",
            "country": "US",
        },
        shipping_address={
            "line1": "9 Elm Street",
            "city": "Dallas",
            "postal_code": "75201",
            "country": "USA",
        },
        payout_account_key="k" * 64,
        payout_account_last4="6789",
        photo=stored_image(portrait(1)),
        resume_text="\n".join(
            [
                f"Built payment systems in Python and Go for fintech company number {i}"
                for i in range(5)
            ]
        ),
    )
    Session.objects.create(
        candidate=c, ip="73.54.120.18", seen_at=datetime.now(UTC), kind="application"
    )
    add_document(c, number_key="d" * 64, image=stored_image(passport(1)))
    synced(c)
    keys = _keys(c)
    assert keys["phone"] == {"+13142000100"}
    assert keys["email"] == {"annaeriksson@gmail.com"}
    assert keys["address"] == {"us|63101|st louis|1 main st", "us|75201|dallas|9 elm st"}
    assert keys["payout"] == {"k" * 64} and keys["document"] == {"d" * 64}
    assert keys["ip"] == {"73.54.120.18"} and keys["ip_net"] == {"73.54.120.0/24"}
    assert len(keys["photo_band"]) == 16 and len(keys["photo_sha"]) == 1
    assert len(keys["document_image_band"]) == 16 and len(keys["document_image_quads"]) == 1
    assert len(keys["resume_band"]) == 32
    displays = dict(
        LinkKey.objects.filter(candidate=c, kind__in=["phone", "payout", "document"]).values_list(
            "kind", "display"
        )
    )
    assert displays == {
        "phone": "phone +1 314 ***-0100",
        "payout": "account ****6789",
        "document": "passport ****0739",
    }


def test_sync_returns_holders_of_old_and_new_values_and_drops_stale_keys():
    old_peer = synced(candidate(phone="+1 314 200 0100"))
    new_peer = synced(candidate(phone="+1 314 200 0199"))
    bystander = synced(candidate(phone="+1 314 200 0142"))
    c = candidate(phone="+1 314 200 0100")
    assert set(_holders(c)) == {old_peer.pk}
    c.phone = "+1 314 200 0199"
    c.save()
    others = set(_holders(c))
    assert others == {old_peer.pk, new_peer.pk}  # both hops of the change, nobody else
    assert bystander.pk not in others
    assert _keys(c)["phone"] == {"+13142000199"}
    assert candidate_keys_sync(candidate_id=c.pk).changed == []  # no change, nobody to reassess


def test_image_keys_are_reused_while_the_image_stays():
    c = synced(candidate(photo=stored_image(portrait(2))))
    before = set(LinkKey.objects.filter(candidate=c).values_list("id", flat=True))
    c.phone = "+1 314 200 0111"
    c.save()
    c.photo.file.delete(save=False)  # decoding again would now fail: the keys must be reused
    changed = candidate_keys_sync(candidate_id=c.pk).changed
    assert {kind for kind, _v, _d in changed} == {"phone"}  # the photo's keys stay as they were
    assert candidate_keys_sync(candidate_id=c.pk).changed == []  # nothing to fingerprint
    after = set(
        LinkKey.objects.filter(candidate=c, kind__startswith="photo").values_list("id", flat=True)
    )
    assert after and after <= before


def test_near_duplicate_photo_holder_is_returned_a_different_face_is_not():
    face = portrait(5, (300, 380))
    twin = synced(candidate(photo=stored_image(face)))
    stranger = synced(candidate(photo=stored_image(portrait(6, (300, 380)))))
    copy = candidate(photo=stored_image(jpeg(face), "JPEG", 95))
    # (The write decodes nothing: tests/links/test_image_keys_in_worker.py; the worker does.)
    others = set(_holders(copy))
    assert twin.pk in others and stranger.pk not in others


def test_erase_drops_keys_and_returns_the_linked(settings):
    a = synced(candidate(phone="+1 314 200 0100"))
    b = synced(candidate(phone="+1 314 200 0100"))
    assert link_keys_erase(candidate_id=a.pk) == [b.pk]
    assert not LinkKey.objects.filter(candidate=a).exists()


def test_reassessment_is_capped_and_the_rest_is_paged_by_a_task(
    settings, django_capture_on_commit_callbacks
):
    settings.VETTING_LINK_REASSESS_CAP = 3
    peers = [synced(candidate(phone="+1 314 200 0100")) for _ in range(8)]
    c = candidate(phone="+1 314 200 0100")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _holders(c)
    assert len(first) == 3
    assert callbacks, "the overflow is queued after commit"
    reassessed = {p.pk for p in peers if p.assessments.filter(trigger="link").exists()}
    # The eager task pages through the rest: every other holder is reassessed exactly once.
    assert reassessed == {p.pk for p in peers} - set(first)
    assert all(p.assessments.count() <= 1 for p in peers)


def test_the_cap_spans_all_changed_values_and_the_backlog_covers_the_rest(
    settings, django_capture_on_commit_callbacks
):
    settings.VETTING_LINK_REASSESS_CAP = 4
    phone_peers = [synced(candidate(phone="+1 314 200 0100")) for _ in range(3)]
    mail_peers = [synced(candidate(email="shared@example.com")) for _ in range(3)]
    c = candidate(phone="+1 314 200 0100", email="shared@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        first = _holders(c)
    assert len(first) == 4
    requested = {
        p.pk for p in phone_peers + mail_peers if p.assessments.filter(trigger="link").exists()
    }
    assert requested | set(first) == {p.pk for p in phone_peers + mail_peers}
    assert not LinkReassessBacklog.objects.exists()  # worked off


def test_the_link_sweep_requeues_a_backlog_whose_task_was_lost():
    peers = [synced(candidate(phone="+1 314 200 0100")) for _ in range(3)]
    c = synced(candidate(phone="+1 314 200 0100"))
    row = LinkReassessBacklog.objects.create(
        kind="phone", value="+13142000100", after=None, exclude=c.pk
    )
    assert link_sweep() == 0  # fresh: its own task may still be on the way
    LinkReassessBacklog.objects.filter(pk=row.pk).update(
        updated_at=timezone.now() - timedelta(seconds=SWEEP_IDLE_SECONDS + 1)
    )
    assert link_sweep() == 1
    assert all(p.assessments.filter(trigger="link").count() == 1 for p in peers)
    assert not c.assessments.filter(trigger="link").exists()
    assert not LinkReassessBacklog.objects.exists()
