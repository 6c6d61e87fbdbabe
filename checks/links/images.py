"""Image fingerprints for duplicate detection: exact (decoded pixels) and perceptual.

Measured on synthetic same-template passports and face-like photos (docs/links.md, figures from
`python -m tests.links.measure_hashes`):
- `whole`: pHash with hash_size=16 (256 bits) of the grey image after a 1 % autocontrast, which
  undoes most of a brightness change. A photo and its re-encoded/resized/brightened copies stay
  within 18 bits; two different faces are 24+ apart.
- `quads`: the same 256-bit pHash of each quarter of a document. Same-template documents of
  different people share most of the page, so their whole-image hashes can be as close as 16
  bits; but the quarter holding the portrait or the printed fields always differs (46+ bits)
  while a transformed copy stays within 28 bits in every quarter.
- `portrait`: a TD3 page's portrait zone, found and deskewed by its MRZ (checks.links.pages),
  as a dHash-256 after a 1 mm blur: a re-typed, re-photographed page stays within 35 bits,
  another holder of the same template is 52+ apart.
- Index: the whole hash split into 16 bands of 16 bits, stored as LinkKey rows. A copy within 20
  bits keeps a given band intact with p ~ 0.27, so it shares at least one band with p ~ 0.994;
  candidates found by a band are verified against the full hashes, never all stored images.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

import imagehash
import numpy as np
from PIL import Image, ImageFilter, ImageOps

from checks.links import pages
from checks.links.kinds import LinkKind

HASH_SIZE = 16  # 16x16 = 256-bit pHash
BANDS = 16
BAND_BITS = HASH_SIZE * HASH_SIZE // BANDS
MAX_SIDE = 1024
PORTRAIT_BLUR = 4  # pixels of the 4 px/mm portrait cut: 1 mm

# Bits apart, of 256. The defaults of the link check's parameters (admins tune them per rule set)
# and, a little wider so that a raised threshold still finds them, how close a band holder's
# whole hash must be for a change to reassess it.
PHOTO_MAX_DISTANCE = 20  # measured: copies <= 18, other faces >= 24
DOCUMENT_MAX_DISTANCE = 48  # whole-page prefilter; the quarters decide
DOCUMENT_QUAD_MAX_DISTANCE = 36  # copies <= 28, same-template others >= 46
DOCUMENT_PORTRAIT_MAX_DISTANCE = 44  # re-photographed portraits <= 35, others >= 52
REASSESS_PREFILTER_BITS = {
    LinkKind.PHOTO_BAND: 24,
    LinkKind.DOCUMENT_IMAGE_BAND: DOCUMENT_MAX_DISTANCE,
    LinkKind.DOCUMENT_IMAGE_PORTRAIT_BAND: DOCUMENT_PORTRAIT_MAX_DISTANCE + 8,
}


@dataclass(frozen=True, slots=True)
class Fingerprint:
    pixels_sha256: str
    whole: str  # 64 hex characters
    quads: str  # four 256-bit hashes, base64 (171 characters); "" when not computed
    portrait: str = ""  # 64 hex characters: a TD3 page's portrait zone; "" when not found


def fingerprint(img: Image.Image, *, with_quads: bool, with_portrait: bool = False) -> Fingerprint:
    rgb = img.convert("RGB")
    digest = hashlib.sha256(f"{rgb.width}x{rgb.height}:".encode() + rgb.tobytes()).hexdigest()
    if max(rgb.size) > MAX_SIDE:  # bounds the cost; the hashes look at 64x64 anyway
        rgb = rgb.copy()
        rgb.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    grey = ImageOps.autocontrast(rgb.convert("L"), cutoff=1)
    whole = str(imagehash.phash(grey, hash_size=HASH_SIZE))
    quads = ""
    if with_quads:
        w, h = grey.size
        boxes = [
            (0, 0, w // 2, h // 2),
            (w // 2, 0, w, h // 2),
            (0, h // 2, w // 2, h),
            (w // 2, h // 2, w, h),
        ]
        raw = b"".join(
            bytes.fromhex(str(imagehash.phash(grey.crop(b), hash_size=HASH_SIZE))) for b in boxes
        )
        quads = base64.b64encode(raw).decode().rstrip("=")
    cut = pages.portrait(grey) if with_portrait else None
    portrait = "" if cut is None else portrait_hash(cut)
    return Fingerprint(pixels_sha256=digest, whole=whole, quads=quads, portrait=portrait)


def portrait_hash(cut: Image.Image) -> str:
    """dHash-256 of a registered portrait zone, contrast stretched and blurred first.

    Registration is good to a pixel or two, and pHash-256 moves 20-30 bits per pixel of shift;
    the blurred gradient hash moves far less (docs/links.md, measured)."""
    soft = ImageOps.autocontrast(cut, cutoff=1).filter(ImageFilter.GaussianBlur(PORTRAIT_BLUR))
    return str(imagehash.dhash(soft, hash_size=HASH_SIZE))


def fingerprint_file(
    fileobj, *, with_quads: bool, with_portrait: bool = False
) -> Fingerprint | None:
    """From an open file; None when it is not an image Pillow can decode."""
    try:
        with Image.open(fileobj) as img:
            img.load()
            return fingerprint(img, with_quads=with_quads, with_portrait=with_portrait)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def bands(whole: str) -> list[str]:
    """ "b{i}:{hex}" for each 16-bit band of the whole hash (multi-index hashing)."""
    step = BAND_BITS // 4
    return [f"b{i}:{whole[i * step : (i + 1) * step]}" for i in range(BANDS)]


def portrait_bands(portrait: str) -> list[str]:
    """The 16 row bands of a portrait hash ("b{i}:...") and its 16 columns ("c{i}:...").

    Copies of a portrait are further apart than copies of a photo (median 10, up to 35 bits,
    measured), where one set of 16-bit bands misses some (1 in 200 shared no row band);
    the columns are a second, independent chance, for 16 more rows per document image."""
    bits = np.unpackbits(np.frombuffer(bytes.fromhex(portrait), dtype=np.uint8))
    columns = bits.reshape(HASH_SIZE, HASH_SIZE).T
    return bands(portrait) + [
        f"c{i}:{np.packbits(column).tobytes().hex()}" for i, column in enumerate(columns)
    ]


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def quads_distance(a: str, b: str) -> int:
    """The largest Hamming distance between corresponding quarters."""
    qa, qb = (
        np.frombuffer(base64.b64decode(q + "=" * (-len(q) % 4)), dtype=np.uint8) for q in (a, b)
    )
    if qa.size != qb.size or qa.size == 0:
        return 1 << 16
    bits = np.unpackbits(np.bitwise_xor(qa, qb)).reshape(4, -1).sum(axis=1)
    return int(bits.max())
