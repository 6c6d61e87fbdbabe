"""candidates/images.py: only real JPEG/PNG within limits get in; bombs never decode."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import pytest
from PIL import Image as PILImage

from candidates.images import MAX_BYTES, ImageInvalid, image_decode
from tests.api.conftest import assert_error, contract_example, image_b64, image_bytes


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size: a decompression bomb's calling card."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    body = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = zlib.compress(b"\x00" * 64)
    idat_chunk = b"IDAT" + idat
    body += struct.pack(">I", len(idat)) + idat_chunk + struct.pack(">I", zlib.crc32(idat_chunk))
    return b"\x89PNG\r\n\x1a\n" + body


def test_png_jpeg_and_data_uris_decode():
    png = image_decode(image_b64("PNG", (7, 5)))
    assert (png.content_type, png.width, png.height) == ("image/png", 7, 5)
    jpeg = image_decode("data:image/jpeg;base64," + image_b64("JPEG", (9, 4)))
    assert (jpeg.content_type, jpeg.width, jpeg.height) == ("image/jpeg", 9, 4)
    wrapped = base64.encodebytes(image_bytes("PNG")).decode()  # with line breaks
    assert image_decode(wrapped).content_type == "image/png"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "!!!not base64!!!",
        base64.b64encode(b"GIF89a....").decode(),
        base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40).decode(),  # magic bytes only
        base64.b64encode(image_bytes("PNG")[:-20]).decode(),  # truncated
        # A JPEG cut short: decoding it (there is no other check for a JPEG) refuses it.
        base64.b64encode(image_bytes("JPEG", (64, 48))[:-200]).decode(),
        "data:image/png,notbase64",
        "data:;base64,@@@",
    ],
)
def test_not_a_decodable_jpeg_or_png(value):
    with pytest.raises(ImageInvalid):
        image_decode(value)


def test_other_formats_are_refused():
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4)).save(buffer, format="GIF")
    with pytest.raises(ImageInvalid):
        image_decode(base64.b64encode(buffer.getvalue()).decode())


def test_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(ImageInvalid, match="megapixels"):
        image_decode(base64.b64encode(_png_header_only(10_000, 5_000)).decode())
    with pytest.raises(ImageInvalid):
        image_decode(base64.b64encode(_png_header_only(200_000, 200_000)).decode())


def test_over_8_mib_is_refused():
    with pytest.raises(ImageInvalid, match="MiB"):
        image_decode(base64.b64encode(b"\xff" * (MAX_BYTES + 1)).decode())


def test_bad_image_is_a_400_at_its_path(api):
    body = contract_example()
    body["documents"][0]["image"] = base64.b64encode(b"not an image").decode()
    body["photo"] = 42
    fields = assert_error(api.post("/api/v1/candidates/", body), 400, "validation_error")["fields"]
    assert set(fields) == {"documents.0.image", "photo"}


@pytest.mark.django_db
def test_a_failed_write_leaves_no_image_file_behind(settings, tmp_path):
    from django.core.files.storage import default_storage
    from django.db import transaction

    from candidates.images import image_store, images_removed_on_error
    from candidates.models import Image

    settings.MEDIA_ROOT = str(tmp_path)
    decoded = image_decode(image_b64("PNG", (6, 6)))
    names = []
    with pytest.raises(RuntimeError), images_removed_on_error(), transaction.atomic():
        names.append(image_store(decoded=decoded).file.name)
        assert default_storage.exists(names[0])
        raise RuntimeError("the database refused the rest of the write")
    assert not default_storage.exists(names[0])
    assert not Image.objects.exists()

    with images_removed_on_error(), transaction.atomic():  # a write that succeeds keeps it
        kept = image_store(decoded=decoded).file.name
    assert default_storage.exists(kept)
