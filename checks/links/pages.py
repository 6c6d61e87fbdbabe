"""Find a TD3 passport data page in a photo or scan and cut out its portrait, deskewed.

A forger reuses one genuine page under several identities: the text is re-typed, the page is
photographed again (rotated, cropped, rescaled, recompressed). Its portrait is what stays. So the
page is registered to its layout, and only the portrait zone is hashed (checks.links.images).

The anchor is the machine readable zone (ICAO 9303 Part 3 and 4): on a TD3 page (125 x 88 mm)
it is two lines of exactly 44 OCR-B characters (fillers are printed too) at 10 per inch, 2.54 mm,
so 111.76 mm long, parallel to the bottom edge inside its 23.2 mm zone VII, starting about 6 mm
from the left edge. Its two lines give the page's rotation, its scale (their length) and its
position; the portrait zone V lies at a fixed place relative to it: on the left, between the
header (zone I) and the MRZ zone, at most 45 x 50 mm. A forger must keep the MRZ whole (it is
what border systems read), so cropping the photo's edges does not hide it.

Steps (scipy.ndimage and scikit-image, on a copy 640 pixels wide): black top-hat (small dark
strokes on a lighter ground, not large dark areas), Otsu threshold, a closing along rows that
joins a line's characters into one component, then the pair of long parallel components of equal
length that form a 2-line MRZ (a third such line means a TD1 card, which is not this layout). A
page upside down is turned by where the ink lies. The portrait zone is then resampled from the
full-size pixels, upright, at a fixed scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage
from skimage.filters import threshold_otsu
from skimage.transform import AffineTransform, warp

MRZ_LENGTH_MM = 44 * 2.54  # 44 characters at 10 per inch; ink spans slightly less (below)
MRZ_INK_MM = MRZ_LENGTH_MM - 1.0  # first glyph's left edge to last glyph's right edge
# The portrait zone relative to the MRZ: x from the centre of the MRZ lines along them, y from
# the midline between the two lines, towards the top of the page (negative). Nominal TD3
# geometry: MRZ from 6 mm to 117.8 mm, midline 78 mm from the top; portrait 5-40 mm across,
# 17-62 mm down. The cut stays 2 mm inside it: a frame or the template's edge around the photo
# would weigh on the hash as much as the face whenever registration is a pixel off.
PORTRAIT_BOX_MM = (7.0 - 61.9, 19.0 - 78.0, 38.0 - 61.9, 60.0 - 78.0)
OUT_PX_PER_MM = 4  # the cut-out: 124 x 164 pixels, more than the hash reads (64 x 64)
DETECT_WIDTH = 640  # pixels: an MRZ character is still 10+ pixels high on a page this wide
MIN_LINE_SHARE = 0.4  # an MRZ line spans at least this share of the image width
MAX_OUTSIDE = 0.1  # a portrait zone more than 10 % outside the image is not a TD3 page


@dataclass(frozen=True, slots=True)
class Line:
    centre: np.ndarray  # x, y in pixels
    direction: np.ndarray  # unit vector along the line, pointing right (x >= 0)
    length: float
    thickness: float


def portrait(grey: Image.Image) -> Image.Image | None:
    """The portrait zone of the TD3 page in `grey` (mode L), upright at a fixed scale; None when
    no two-line 44-character MRZ is found."""
    small = grey
    if grey.width > DETECT_WIDTH:  # finding the lines needs less detail than cutting the face
        small = grey.resize(
            (DETECT_WIDTH, round(grey.height * DETECT_WIDTH / grey.width)),
            Image.Resampling.BILINEAR,
        )
    ink = _ink(np.asarray(small, dtype=np.uint8))
    mrz = _mrz(_lines(ink, small.width))
    if mrz is None:
        return None
    centre, along, down, px_per_mm = mrz
    if _ink_below(ink, centre, down) > 0.5:  # the page is upside down
        along, down = -along, -down
    scale = grey.width / small.width
    pixels = np.asarray(grey, dtype=np.float32)
    centre = (centre + 0.5) * scale - 0.5  # pixel centres, as resize maps them
    return _cut(pixels, centre, along, down, px_per_mm * scale)


def _ink(pixels: np.ndarray) -> np.ndarray:
    """Thin dark strokes: black top-hat with a window wider than a stroke, then Otsu."""
    size = max(5, round(pixels.shape[1] / 110))  # about 1 mm on a page filling the image
    hat = ndimage.grey_closing(pixels, size=(size, size)) - pixels  # uint8: closing >= pixels
    level = max(float(threshold_otsu(hat)), 40.0)  # faint guilloche stays below 40 grey levels
    return (hat > level).astype(np.uint8)  # uint8: the 1-D filters below are faster on it


def _lines(ink: np.ndarray, width: int) -> list[Line]:
    """Long thin components after joining characters along rows (a line's glyphs touch)."""
    gap = max(3, round(width * 0.02))
    # A closing along rows, as two separable 1-D filters (much faster than a binary closing).
    joined = ndimage.minimum_filter1d(ndimage.maximum_filter1d(ink, gap, axis=1), gap, axis=1)
    labels, _count = ndimage.label(joined, structure=np.ones((3, 3), dtype=bool))
    lines = []
    for number, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None or box[1].stop - box[1].start < MIN_LINE_SHARE * width:
            continue  # too short across: not worth its moments
        ys, xs = np.nonzero(labels[box] == number)
        xy = np.stack([xs + box[1].start, ys + box[0].start], axis=1).astype(np.float64)
        centre = xy.mean(axis=0)
        _vals, vecs = np.linalg.eigh(np.cov((xy - centre).T))
        direction = vecs[:, 1] if vecs[0, 1] >= 0 else -vecs[:, 1]
        along = (xy - centre) @ direction
        across = (xy - centre) @ np.array([-direction[1], direction[0]])
        length = float(along.max() - along.min())
        low, high = np.percentile(across, (5, 95))
        thickness = float(high - low)
        if length > 12 * max(thickness, 1.0):
            # The middle of the line's extent both ways: unlike the mean of its ink, it does not
            # move with which characters were typed.
            normal = np.array([-direction[1], direction[0]])
            mid = centre + direction * (along.max() + along.min()) / 2 + normal * (low + high) / 2
            lines.append(Line(mid, direction, length, thickness))
    return lines


def _mrz(lines: list[Line]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float] | None:
    """(centre, along, down, pixels per mm) of the best two-line MRZ among `lines`."""
    best = None
    for i, a in enumerate(lines):
        for b in lines[i + 1 :]:
            if not _pair(a, b):
                continue
            length = (a.length + b.length) / 2
            if best is None or length > best[0]:
                best = (length, a, b)
    if best is None:
        return None
    length, a, b = best
    if sum(1 for c in lines if c is not a and c is not b and (_pair(a, c) or _pair(b, c))):
        return None  # three MRZ-like lines: a TD1 card, not this layout
    along = (a.direction + b.direction) / np.linalg.norm(a.direction + b.direction)
    down = np.array([-along[1], along[0]])  # x right, y down: +90 degrees is down the page
    return (a.centre + b.centre) / 2, along, down, length / MRZ_INK_MM


def _pair(a: Line, b: Line) -> bool:
    """Two lines of one MRZ: parallel, equally long, side by side, a line spacing apart."""
    if abs(float(a.direction @ b.direction)) < math.cos(math.radians(2)):
        return False
    length = max(a.length, b.length)
    if abs(a.length - b.length) > 0.06 * length:
        return False
    offset = b.centre - a.centre
    across = abs(float(offset @ np.array([-a.direction[1], a.direction[0]])))
    along = abs(float(offset @ a.direction))
    return 0.025 * length < across < 0.09 * length and along < 0.04 * length


def _ink_below(ink: np.ndarray, centre: np.ndarray, down: np.ndarray) -> float:
    """Share of the page's ink on the far side of the MRZ from the page's top, as it lies."""
    ys, xs = np.nonzero(ink[::4, ::4])
    side = (np.stack([xs, ys], axis=1) * 4 - centre) @ down
    return float((side > 0).mean()) if side.size else 0.0


def _cut(
    pixels: np.ndarray, centre: np.ndarray, along: np.ndarray, down: np.ndarray, px_per_mm: float
) -> Image.Image | None:
    x0, y0, x1, y1 = PORTRAIT_BOX_MM
    out = (round((y1 - y0) * OUT_PX_PER_MM), round((x1 - x0) * OUT_PX_PER_MM))
    step = px_per_mm / OUT_PX_PER_MM
    origin = centre + px_per_mm * (x0 * along + y0 * down)
    # Output (col, row) -> input (x, y): the affine map warp() wants as its inverse map.
    matrix = np.array(
        [
            [step * along[0], step * down[0], origin[0]],
            [step * along[1], step * down[1], origin[1]],
            [0.0, 0.0, 1.0],
        ]
    )
    cut = warp(pixels, AffineTransform(matrix=matrix), output_shape=out, order=1, cval=-1.0)
    if (cut < 0).mean() > MAX_OUTSIDE:
        return None
    cut[cut < 0] = float(np.median(cut[cut >= 0]))
    return Image.fromarray(np.clip(cut, 0, 255).astype(np.uint8), mode="L")
