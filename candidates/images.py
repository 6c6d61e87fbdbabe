"""Uploaded images: decode base64 or a data: URI, prove it is a JPEG/PNG within limits, store it.

Validation happens before anything is stored, so a bad image is a 400 at its field's path. Pillow
reads the header first; the pixel count is checked against our limit *before* decoding, so a
decompression bomb never allocates its pixels. Then the whole image is decoded once, which is
what proves it is a real JPEG/PNG rather than a file with the right magic bytes.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import contextvars
import hashlib
import io
import re
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from PIL import Image as PILImage

from candidates.image_metadata import metadata_strip
from candidates.models import ApiClient, Image

MAX_BYTES = 8 * 1024 * 1024
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
# Base64 of MAX_BYTES plus room for a data: prefix and line breaks.
MAX_ENCODED_CHARS = (MAX_BYTES + 2) // 3 * 4 + 4096
_DATA_URI = re.compile(
    r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(;[^,;]*)*?);base64,", re.IGNORECASE
)
_WHITESPACE = re.compile(r"\s+")


class ImageInvalid(ValueError):
    """The value is not a decodable JPEG/PNG within limits; the message says why."""


class StorageQuotaExceeded(Exception):
    """Storing the image would take the client past VETTING_CLIENT_STORAGE_QUOTA_BYTES."""

    def __init__(self, quota: int):
        super().__init__(f"storage quota of {quota} bytes reached")
        self.quota = quota


@dataclass(frozen=True, slots=True)
class DecodedImage:
    raw: bytes
    sha256: str
    content_type: str
    extension: str
    width: int
    height: int


def image_decode(value: str) -> DecodedImage:
    """Base64 text or a `data:image/...;base64,` URI -> a verified image, or ImageInvalid."""
    if len(value) > MAX_ENCODED_CHARS:
        raise ImageInvalid(f"Image is over {MAX_BYTES // (1024 * 1024)} MiB.")
    match = _DATA_URI.match(value)
    payload = value[match.end() :] if match else value
    if not match and value[:5].lower() == "data:":
        raise ImageInvalid("A data: URI must be base64-encoded (data:image/png;base64,...).")
    try:
        raw = _b64decode(payload)
    except (binascii.Error, ValueError) as exc:
        raise ImageInvalid("Image is not valid base64.") from exc
    if not raw:
        raise ImageInvalid("Image is empty.")
    if len(raw) > MAX_BYTES:
        raise ImageInvalid(f"Image is over {MAX_BYTES // (1024 * 1024)} MiB.")
    return image_verify(raw)


def _b64decode(payload: str) -> bytes:
    """Strict base64; line breaks and spaces (as some encoders wrap it) are removed first, only
    when the text has any: scanning 20 KB of text for them costs more than the decode."""
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return base64.b64decode(_WHITESPACE.sub("", payload), validate=True)


def image_verify(raw: bytes) -> DecodedImage:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(raw), formats=list(FORMATS)) as img:
                width, height = img.size
                cap = settings.VETTING_MAX_IMAGE_PIXELS
                if width * height > cap:
                    raise ImageInvalid(f"Image is over {cap / 1_000_000:g} megapixels.")
                fmt = img.format or ""
                if fmt == "PNG":
                    img.verify()  # every chunk's CRC through IEND (catches truncation)
                else:
                    # A JPEG's verify() checks nothing (Pillow's base one), so it is decoded
                    # from this opening, not a second one.
                    img.load()  # decoding the pixels is what proves the data is an image
            if fmt == "PNG":  # verify() leaves the image unusable: open it again to decode
                with PILImage.open(io.BytesIO(raw), formats=list(FORMATS)) as img:
                    img.load()
    except ImageInvalid:
        raise
    except (
        OSError,
        SyntaxError,
        ValueError,
        PILImage.DecompressionBombError,
        PILImage.DecompressionBombWarning,
        EOFError,
    ) as exc:
        raise ImageInvalid("Image is not a decodable JPEG or PNG.") from exc
    if fmt not in FORMATS:
        raise ImageInvalid("Image must be a JPEG or PNG.")
    content_type, extension = FORMATS[fmt]
    return DecodedImage(
        raw=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
    )


_written: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "images_written", default=None
)


@contextlib.contextmanager
def images_removed_on_error() -> Iterator[None]:
    """Files are written before the transaction that references them commits; if the block
    fails (and so rolls back), delete the files it wrote so none is left without a row."""
    token = _written.set([])
    try:
        yield
    except BaseException:
        for name in _written.get() or []:
            default_storage.delete(name)
        raise
    finally:
        _written.reset(token)


def stored_file_track(name: str) -> None:
    """Note a file written inside `images_removed_on_error`, so a failed write removes it."""
    written = _written.get()
    if written is not None:
        written.append(name)


def image_store(*, decoded: DecodedImage, client_id: UUID | None = None) -> Image:
    """Write the file (metadata stripped) through Django's default storage and describe it in
    an Image row, counted against `client_id`'s storage quota (in the caller's transaction, so a
    rollback gives the bytes back)."""
    images = ImageWrites(client_id=client_id)
    image = images.store(decoded)
    images.flush()
    return image


class ImageWrites:
    """The images of one write: each file is written when it is stored, and all their rows and
    their bytes against the client's quota go in one statement each when the write flushes, not
    two per image. Flush before giving bytes back (`image_delete`) or referencing a new image
    from a stored row: the quota is then checked as if each had been taken in turn, since the
    sizes only add up (used + a + b <= quota exactly when used + a <= quota as well)."""

    def __init__(self, *, client_id: UUID | None) -> None:
        self.client_id = client_id
        self.pending: list[Image] = []

    def store(self, decoded: DecodedImage) -> Image:
        content = metadata_strip(decoded.raw, decoded.content_type)
        image = Image(
            sha256=decoded.sha256,  # of the upload: what the client sent, and what links compare
            content_type=decoded.content_type,
            width=decoded.width,
            height=decoded.height,
            size=len(content),
        )
        name = f"{uuid.uuid4().hex}.{decoded.extension}"
        image.file.save(name, ContentFile(content), save=False)
        stored_file_track(image.file.name)
        self.pending.append(image)
        return image

    def flush(self) -> None:
        if not self.pending:
            return
        if self.client_id is not None:
            _quota_take(client_id=self.client_id, size=sum(i.size for i in self.pending))
        Image.objects.bulk_create(self.pending)
        self.pending = []


def _quota_take(*, client_id: UUID, size: int) -> None:
    quota = settings.VETTING_CLIENT_STORAGE_QUOTA_BYTES
    counted = ApiClient.objects.filter(pk=client_id)
    if quota > 0:
        counted = counted.filter(storage_bytes__lte=quota - size)
    if counted.update(storage_bytes=F("storage_bytes") + size) != 1:
        raise StorageQuotaExceeded(quota)


def image_delete(
    *, image: Image | None, client_id: UUID | None = None, keep_file: bool = False
) -> str:
    """Delete the row now and its file once the transaction commits (a rollback keeps both);
    the bytes go back to `client_id`'s quota. With `keep_file` the caller deletes the file (an
    erasure's durable job). Returns the file's name."""
    if image is None:
        return ""
    name = image.file.name
    image.delete()
    if client_id is not None and image.size:
        ApiClient.objects.filter(pk=client_id).update(
            storage_bytes=Greatest(F("storage_bytes") - image.size, 0)
        )
    if name and not keep_file:
        transaction.on_commit(lambda: default_storage.delete(name))
    return name
