"""A passport page photographed again under another identity: found by its portrait zone.

Pages are synthetic TD3 data pages at ICAO 9303 geometry (tests.links.synthetic_td3): one
template, a photo-like portrait per person, printed fields and an MRZ with valid check digits.
A forger's copy keeps the portrait, re-types every text line and the MRZ, and is photographed
again: rotated 2-6 degrees, cropped, rescaled, brightness shifted, JPEG quality 60-80.
"""

from __future__ import annotations

import base64
import io
import itertools

import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps

from checks.links import pages
from checks.links.check import LinkCheck
from checks.links.images import fingerprint, hamming, portrait_bands, quads_distance
from tests.api.conftest import api  # noqa: F401  (the API client fixture)
from tests.links.synthetic import portrait as drawn_face
from tests.links.synthetic_td3 import page, rephotographed
from tests.links.synthetic_td3 import photo as face_photo

P = LinkCheck.Params()
URL = "/api/v1/candidates/"


def _print(img: Image.Image):
    return fingerprint(img, with_quads=True, with_portrait=True)


@pytest.fixture(scope="module")
def scans():
    return {p: _print(page(p)) for p in range(8)}


@pytest.mark.parametrize("person", range(8))
def test_a_retyped_rephotographed_page_keeps_its_portrait_hash(scans, person):
    for k in range(2):
        copy = _print(rephotographed(page(person, 500 + 2 * person + k), 40 + 2 * person + k))
        assert copy.portrait, "the MRZ of a re-photographed page must be found"
        assert hamming(scans[person].portrait, copy.portrait) <= P.document_portrait_max_distance
        shared = set(portrait_bands(scans[person].portrait)) & set(portrait_bands(copy.portrait))
        assert shared, "the index must find it"
        # The existing whole-page and quarter hashes cannot see it: the text moved them.
        assert quads_distance(scans[person].quads, copy.quads) > P.document_quad_max_distance


def test_honest_holders_of_one_template_stay_apart(scans):
    """Scans and photos of different people's pages: never within the threshold."""
    photos = {p: _print(rephotographed(page(p), 900 + p)) for p in scans}
    pages_ = [(p, fp) for p, fp in scans.items()] + [(p, fp) for p, fp in photos.items()]
    for (p, a), (q, b) in itertools.combinations(pages_, 2):
        if p != q:
            assert hamming(a.portrait, b.portrait) > P.document_portrait_max_distance, (p, q)
        else:  # the same holder's scan and photo: one page, one portrait
            assert hamming(a.portrait, b.portrait) <= P.document_portrait_max_distance


def test_an_upside_down_scan_is_turned_before_the_cut():
    upright = _print(page(3))
    turned = _print(page(3, 77).rotate(180))
    assert hamming(upright.portrait, turned.portrait) <= P.document_portrait_max_distance


def test_images_without_a_td3_page_get_no_portrait():
    assert _print(drawn_face(5, (300, 380))).portrait == ""
    assert _print(face_photo(5, (300, 380))).portrait == ""
    assert _print(Image.new("RGB", (600, 420), (240, 240, 240))).portrait == ""


def test_three_machine_readable_lines_are_not_a_passport_page():
    """A TD1 card's MRZ has three lines: its layout is not TD3's, so no portrait is cut."""
    img = page(4)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=26)
    for i, char in enumerate("I<UTOD231458907<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"):
        draw.text(
            (round((6 + (i + 0.5) * 2.54) * 8), 69 * 8),
            char,
            fill=(12, 12, 12),
            font=font,
            anchor="mm",
        )
    assert _print(page(4)).portrait and _print(img).portrait == ""


def test_the_cut_is_the_portrait_zone_upright():
    scan = page(2)
    cut = pages.portrait(ImageOps.autocontrast(scan.convert("L"), cutoff=1))
    assert cut is not None and cut.size == (124, 164)
    # The cut (7-38 mm across, 19-60 mm down the page at 8 px/mm) matches the pasted portrait.
    truth = scan.convert("L").crop((56, 152, 304, 480)).resize(cut.size)
    raw = pages.portrait(scan.convert("L"))
    assert raw is not None
    diff = sum(abs(a - b) for a, b in zip(raw.tobytes(), truth.tobytes(), strict=True))
    assert diff / (cut.width * cut.height) < 12  # grey levels, mean absolute


# Through the API and the real pipeline.


def _jpeg_b64(img: Image.Image, quality: int = 90) -> str:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return base64.b64encode(buf.getvalue()).decode()


def _post(client, capture, external_id: str, name: str, number: str, img: Image.Image) -> str:
    body = {
        "external_id": external_id,
        "full_name": name,
        "documents": [
            {
                "kind": "passport",
                "number": number,
                "issuing_country": "USA",
                "image": _jpeg_b64(img),
            }
        ],
    }
    with capture(execute=True):
        response = client.post(URL, body)
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def _signal(client, cid: str, code: str):
    body = client.get(f"{URL}{cid}/").json()
    assert body["assessment"]["status"] == "completed"
    return next((s for s in body["assessment"]["signals"] if s["code"] == code), None)


@pytest.mark.django_db
def test_a_rephotographed_page_under_another_name_fires_and_honest_holders_do_not(
    api,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    genuine = _post(api, capture, "p-1", "Anna Holder", "X12345671", page(11))
    forged = _post(
        api, capture, "p-2", "Boris Alias", "Y76543219", rephotographed(page(11, 4242), 17)
    )
    honest_a = _post(api, capture, "p-3", "Carla Doe", "Z11111118", rephotographed(page(12), 3))
    honest_b = _post(api, capture, "p-4", "Dan Roe", "Z22222226", rephotographed(page(13), 5))

    signal = _signal(api, forged, "link.document_image_duplicate")
    assert signal is not None
    assert [r["id"] for r in signal["related_candidates"]] == [genuine]
    assert "same portrait" in signal["related_candidates"][0]["shared"]
    assert signal["severity"] == "critical"
    # The genuine holder was reassessed when the copy arrived, and now names it.
    back = _signal(api, genuine, "link.document_image_duplicate")
    assert back is not None and [r["id"] for r in back["related_candidates"]] == [forged]
    for cid in (honest_a, honest_b):
        assert _signal(api, cid, "link.document_image_duplicate") is None


# Keys: written once per image, and added to images keyed before this step existed.


@pytest.mark.django_db
def test_portrait_keys_are_written_once_and_backfilled_on_the_next_sync(monkeypatch):
    from candidates import linking
    from links.keys import candidate_keys
    from links.models import LinkKey
    from tests.links.helpers import add_document, candidate, stored_image, synced

    person = candidate()
    image = stored_image(page(6), "JPEG", 90)
    add_document(person, number_key="k-6", image=image)
    synced(person)
    rows = LinkKey.objects.filter(candidate=person, kind__startswith="document_image_portrait")
    kinds = sorted(rows.values_list("kind", flat=True))
    assert kinds.count("document_image_portrait_band") == 32
    assert kinds.count("document_image_portrait") == 1
    marker = rows.get(kind="document_image_portrait")
    assert marker.value == str(image.pk) and len(marker.display) == 64

    opened = []
    image_open = linking.image_open

    def counting_open(image_id):
        opened.append(image_id)
        return image_open(image_id)

    existing = list(
        LinkKey.objects.filter(candidate=person).values_list("kind", "value", "display")
    )
    facts = linking.link_facts(linking.subject_row(candidate_id=person.pk))
    candidate_keys(facts, existing, open_image=counting_open)
    assert opened == [], "a keyed image is not decoded again"
    # Keys written before the portrait step: the worker's next pass decodes the image once and
    # adds them, keeping the image's other keys as they were.
    rows.delete()
    quads = set(
        LinkKey.objects.filter(candidate=person, kind="document_image_quads").values_list(
            "id", flat=True
        )
    )
    monkeypatch.setattr(linking, "image_open", counting_open)
    linking.candidate_keys_sync(candidate_id=person.pk)
    assert opened == [image.pk]
    assert rows.filter(kind="document_image_portrait_band").count() == 32
    assert (
        quads
        and set(
            LinkKey.objects.filter(candidate=person, kind="document_image_quads").values_list(
                "id", flat=True
            )
        )
        == quads
    )


@pytest.mark.django_db
def test_a_document_image_without_a_page_is_marked_and_gets_no_portrait_bands():
    from links.models import LinkKey
    from tests.links.helpers import add_document, candidate, stored_image, synced

    person = candidate()
    add_document(person, number_key="k-7", image=stored_image(face_photo(7, (300, 380))))
    synced(person)
    kinds = list(
        LinkKey.objects.filter(
            candidate=person, kind__startswith="document_image_portrait"
        ).values_list("kind", "display")
    )
    assert kinds == [("document_image_portrait", "")]
