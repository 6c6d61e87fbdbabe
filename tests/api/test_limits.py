"""Limits an authenticated client cannot push past: body caps per endpoint, JSON container
counts, the pixel cap, documents per candidate, the per-client storage quota; and image
metadata (EXIF with GPS) never stored."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

from django.core.files.storage import default_storage
from PIL import Image as PILImage

from candidates.models import ApiClient, Image
from tests.api.conftest import assert_error, contract_example, image_b64

URL = "/api/v1/candidates/"


def _create(api, **extra) -> str:
    response = api.post(URL, {**contract_example(), **extra})
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_endpoints_without_images_take_small_bodies(api):
    cid = _create(api)
    note = {"code": "interview.camera_refused", "note": "x" * (70 * 1024)}
    error = assert_error(api.post(f"{URL}{cid}/observations/", note), 413, "payload_too_large")
    assert str(64 * 1024) in error["message"]
    assert_error(api.post(f"{URL}{cid}/reassess/", {"pad": "x" * 70_000}), 413, "payload_too_large")
    big = {"sessions": [{"pad": "x" * (5 * 1024 * 1024)}]}
    assert_error(api.post(f"{URL}{cid}/sessions/", big), 413, "payload_too_large")
    # The same 70 KiB is fine where images travel.
    assert api.post(URL, {**contract_example(), "resume_text": "y" * 70_000}).status_code == 200


def test_a_body_of_many_tiny_objects_is_refused_before_parsing(api):
    raw = json.dumps({"candidates": [{}] * 100_001})
    error = assert_error(api.post(f"{URL}batch/", raw=raw), 413, "payload_too_large")
    assert "100000 JSON objects" in error["message"]
    single = json.dumps({**contract_example(), "profiles": [[]] * 20_001})
    assert_error(api.post(URL, raw=single), 413, "payload_too_large")


def test_the_pixel_cap_is_a_setting(api, settings):
    settings.VETTING_MAX_IMAGE_PIXELS = 100
    body = {**contract_example(), "photo": image_b64("PNG", (11, 10))}
    error = assert_error(api.post(URL, body), 400, "validation_error")
    assert "megapixels" in error["fields"]["photo"][0]
    assert api.post(URL, {**body, "photo": image_b64("PNG", (10, 10))}).status_code == 201


def test_the_default_pixel_cap_is_16_megapixels(api):
    from tests.api.test_images import _png_header_only

    over = base64.b64encode(_png_header_only(4001, 4000)).decode()
    error = assert_error(
        api.post(URL, {**contract_example(), "photo": over}), 400, "validation_error"
    )
    assert error["fields"]["photo"] == ["Image is over 16 megapixels."]


def _document(n: int) -> dict:
    return {"kind": "passport", "issuing_country": "US", "number": f"X{n:07d}"}


def test_a_candidate_holds_at_most_20_documents(api):
    cid = _create(api, documents=[_document(n) for n in range(20)])
    error = assert_error(
        api.post(URL, {"external_id": "ats-12345", "documents": [_document(99)]}),
        400,
        "validation_error",
    )
    assert "at most 20 documents" in error["fields"]["documents"][0]
    same = api.post(URL, {"external_id": "ats-12345", "documents": [_document(3)]})
    assert same.status_code == 200  # an update of a stored document is not a new one
    assert len(api.get(f"{URL}{cid}/").json()["documents"]) == 20


def test_the_storage_quota_is_a_clear_413_and_erasure_gives_it_back(api, settings):
    first = _create(api)
    used = ApiClient.objects.get(pk=api.client.pk).storage_bytes
    stored = sum(i.size for i in Image.objects.all())
    assert used == stored > 0
    settings.VETTING_CLIENT_STORAGE_QUOTA_BYTES = used + 10
    files_before = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    response = api.post(URL, {**contract_example(), "external_id": "ats-2"})
    error = assert_error(response, 413, "storage_quota_exceeded")
    assert "quota" in error["message"]
    assert sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()) == files_before
    assert ApiClient.objects.get(pk=api.client.pk).storage_bytes == used  # rolled back
    assert api.delete(f"{URL}{first}/").status_code == 204
    assert ApiClient.objects.get(pk=api.client.pk).storage_bytes == 0
    assert api.post(URL, {**contract_example(), "external_id": "ats-2"}).status_code == 201


def test_a_batch_takes_the_quota_for_all_its_images_at_once_exactly(api, settings):
    """A batch's images take their bytes in one statement: refused when they pass the quota
    together (as when the last of them had been taken in turn), accepted at exactly the quota."""
    from candidates.image_metadata import metadata_strip

    photos = [image_b64("JPEG", (10, 8), (k * 40, 20, 200)) for k in range(3)]
    sizes = [len(metadata_strip(base64.b64decode(p), "image/jpeg")) for p in photos]
    items = [
        {"external_id": f"q-{k}", "full_name": f"Quota Person {k}", "photo": p}
        for k, p in enumerate(photos)
    ]
    settings.VETTING_CLIENT_STORAGE_QUOTA_BYTES = sum(sizes) - 1
    response = api.post(f"{URL}batch/", {"candidates": items})
    assert_error(response, 413, "storage_quota_exceeded")
    assert not Image.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert ApiClient.objects.get(pk=api.client.pk).storage_bytes == 0
    settings.VETTING_CLIENT_STORAGE_QUOTA_BYTES = sum(sizes)
    response = api.post(f"{URL}batch/", {"candidates": items})
    assert [r["created"] for r in response.json()["results"]] == [True] * 3
    assert ApiClient.objects.get(pk=api.client.pk).storage_bytes == sum(sizes)
    assert sorted(i.size for i in Image.objects.all()) == sorted(sizes)


def _jpeg_with_gps() -> bytes:
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (38.0, 37.0, 30.0), 3: "W", 4: (90.0, 11.0, 52.0)}  # GPS
    buffer = io.BytesIO()
    PILImage.new("RGB", (16, 12), (30, 90, 200)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_exif_is_stripped_on_store_and_the_pixels_are_unchanged(api):
    raw = _jpeg_with_gps()
    with PILImage.open(io.BytesIO(raw)) as original:
        assert original.getexif().get_ifd(0x8825)  # the upload carries a GPS position
        pixels = original.tobytes()
    body = {**contract_example(), "photo": base64.b64encode(raw).decode()}
    cid = _create(api, photo=body["photo"])
    assert api.get(f"{URL}{cid}/").json()["photo"]["width"] == 16
    image = Image.objects.get(content_type="image/jpeg", width=16)
    with default_storage.open(image.file.name) as stored:
        data = stored.read()
    assert b"PhoneMaker" not in data and b"Exif" not in data
    with PILImage.open(io.BytesIO(data)) as kept:
        assert not kept.getexif()
        assert kept.tobytes() == pixels
    assert image.size == len(data) < len(raw)
