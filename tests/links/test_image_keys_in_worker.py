"""Image fingerprinting runs in the worker, as the assessment's first step, not in the request.

Through the API and the real pipeline (inline tasks, run by executing the request's on-commit
callbacks): the POST stores the images and answers with the assessment pending, decoding
nothing; the assessment then fingerprints each image once, keys it, and reassesses the other
holders, so a photo posted again under another name is flagged on both candidates.
"""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from checks.links import images
from links.models import LinkKey
from tests.api.conftest import api  # noqa: F401  (the API client fixture)
from tests.links.synthetic import passport
from tests.links.synthetic import portrait as drawn_face

pytestmark = pytest.mark.django_db
URL = "/api/v1/candidates/"
_IMAGE_KINDS = ("photo_", "document_image_")


def _b64(img: Image.Image, fmt: str = "JPEG") -> str:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, fmt, quality=90)
    return base64.b64encode(buf.getvalue()).decode()


def _body(external_id: str, name: str, photo: Image.Image, page: Image.Image) -> dict:
    return {
        "external_id": external_id,
        "full_name": name,
        "photo": _b64(photo, "PNG"),
        "documents": [
            {
                "kind": "passport",
                "number": "X1234567" + external_id[-1],
                "issuing_country": "USA",
                "image": _b64(page),
            }
        ],
    }


@pytest.fixture
def fingerprints(monkeypatch) -> list[bool]:
    """Each call of the fingerprinting function (links.keys calls it through the module)."""
    calls: list[bool] = []
    real = images.fingerprint_file

    def spy(fh, **kwargs):
        calls.append(kwargs.get("with_quads", False))
        return real(fh, **kwargs)

    monkeypatch.setattr(images, "fingerprint_file", spy)
    return calls


def _image_keys(candidate_id: str) -> list[str]:
    kinds = LinkKey.objects.filter(candidate_id=candidate_id).values_list("kind", flat=True)
    return [k for k in kinds if k.startswith(_IMAGE_KINDS)]


def test_the_request_decodes_nothing_and_the_assessment_fingerprints_each_image_once(
    api,  # noqa: F811
    fingerprints,
    django_capture_on_commit_callbacks,
):
    body = _body("w-1", "Anna Holder", drawn_face(21, (300, 380)), passport(21))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = api.post(URL, body)
    assert response.status_code == 201, response.json()
    cid = response.json()["id"]
    assert response.json()["assessment"]["status"] == "pending"
    assert fingerprints == [], "the request must not decode an image"
    assert not LinkKey.objects.filter(candidate_id=cid).exists(), "the request derives no key"

    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:  # the worker's turn: the queued assessment runs (inline)
            callback()
    assert sorted(fingerprints) == [False, True]  # the photo, then the page with its quarters
    kinds = set(_image_keys(cid))
    assert {"photo_sha", "photo_band", "document_image_sha", "document_image_quads"} <= kinds
    assert api.get(f"{URL}{cid}/").json()["assessment"]["status"] == "completed"

    # An update that keeps the images decodes nothing, in the request or in the assessment.
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post(URL, {"external_id": "w-1", "phone": "+1 314 200 0177"})
    assert again.status_code == 200, again.json()
    assert len(fingerprints) == 2 and set(_image_keys(cid)) == kinds


def test_a_photo_posted_again_under_another_name_is_flagged_on_both(
    api,  # noqa: F811
    fingerprints,
    django_capture_on_commit_callbacks,
):
    face = drawn_face(22, (300, 380))
    ids = []
    for n, name in enumerate(["Anna Holder", "Boris Alias"]):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(URL, _body(f"d-{n}", name, face, passport(30 + n)))
        assert response.status_code == 201, response.json()
        ids.append(response.json()["id"])
    stranger_face = drawn_face(23, (300, 380))
    with django_capture_on_commit_callbacks(execute=True):
        stranger = api.post(URL, _body("d-9", "Carla Doe", stranger_face, passport(39))).json()
    for mine, theirs in (ids, ids[::-1]):
        detail = api.get(f"{URL}{mine}/").json()
        assert detail["assessment"]["status"] == "completed"
        signal = next(
            s for s in detail["assessment"]["signals"] if s["code"] == "link.photo_duplicate"
        )
        assert [r["id"] for r in signal["related_candidates"]] == [theirs]
    codes = {s["code"] for s in api.get(f"{URL}{stranger['id']}/").json()["assessment"]["signals"]}
    assert "link.photo_duplicate" not in codes
