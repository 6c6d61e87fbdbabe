"""Synthetic TD3 passport data pages at ICAO 9303 Part 4 geometry, and a forger's re-photograph.

The page is 125 x 88 mm; the machine readable zone (MRZ) is two lines of 44 characters at the
OCR-B pitch of 2.54 mm (10 per inch), starting 6 mm from the left edge, in the bottom 23.2 mm
(zone VII); the portrait (zone V, 35 x 45 mm here) sits on the left under the header (zone I);
the printed fields to its right. Every page of a template shares the background, guilloche,
header, labels and layout; a person brings their portrait, the fields and the MRZ (with valid
check digits). `rephotographed` is what a forger does to reuse one page under another identity:
re-type the text, then photograph it again — rotated, cropped, rescaled, brighter or darker,
recompressed.
"""

from __future__ import annotations

import io
import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont
from scipy import ndimage

from checks.mrz import check_digit
from tests.links.synthetic import portrait

PX_PER_MM = 8
PAGE_MM = (125.0, 88.0)
MRZ_LEFT_MM, MRZ_PITCH_MM = 6.0, 2.54
MRZ_LINES_MM = (75.0, 81.0)  # centre lines of the two MRZ lines, from the top edge
PORTRAIT_MM = (5.0, 17.0, 40.0, 62.0)  # left, top, right, bottom
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _px(mm: float) -> int:
    return round(mm * PX_PER_MM)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def template(country: str = "UTOPIA", seed: int = 0) -> Image.Image:
    """One issuing state's blank data page: the same for every holder."""
    rnd = random.Random(seed)
    w, h = _px(PAGE_MM[0]), _px(PAGE_MM[1])
    img = Image.new("RGB", (w, h), (220, 228, 214 + rnd.randint(0, 20)))
    draw = ImageDraw.Draw(img)
    for y in range(0, h, 7):  # guilloche: fine, light, fixed wave lines across the whole page
        points = [(x, y + 5 * math.sin(x / 29 + y / 37)) for x in range(0, w, 8)]
        draw.line(points, fill=(196, 210, 200), width=1)
    draw.ellipse((_px(55), _px(20), _px(110), _px(62)), outline=(180, 196, 186), width=3)
    draw.rectangle((0, 0, w, _px(11)), fill=(36, 60, 104))
    draw.text((_px(5), _px(2.5)), f"PASSPORT  {country}", fill=(250, 250, 250), font=_font(40))
    labels = ("Type / Code", "Surname", "Given names", "Nationality", "Date of birth", "Expiry")
    for i, label in enumerate(labels):
        draw.text((_px(45), _px(15 + i * 8)), label, fill=(96, 104, 120), font=_font(18))
    draw.rectangle((_px(4.5), _px(16.5), _px(40.5), _px(62.5)), outline=(110, 120, 140), width=2)
    draw.rectangle((0, _px(88 - 23.2), w, h), fill=(238, 240, 234))  # zone VII, the MRZ
    return img


def holder(seed: int) -> dict[str, str]:
    """Printed fields and a matching ICAO MRZ for a made-up holder."""
    rnd = random.Random(seed * 7919 + 1)
    surname = "".join(rnd.choice(LETTERS) for _ in range(rnd.randint(5, 10)))
    given = "".join(rnd.choice(LETTERS) for _ in range(rnd.randint(4, 9)))
    number = rnd.choice(LETTERS) + "".join(rnd.choice("0123456789") for _ in range(8))
    born = f"{rnd.randint(60, 99):02d}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
    expiry = f"{rnd.randint(27, 35):02d}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
    sex = rnd.choice("MF")
    line1 = f"P<UTO{surname}<<{given}".ljust(44, "<")
    body = f"{number}{check_digit(number)}UTO{born}{check_digit(born)}{sex}"
    body += f"{expiry}{check_digit(expiry)}" + "<" * 14 + "0"
    composite = body[0:10] + body[13:20] + body[21:43]
    line2 = body + check_digit(composite)
    return {
        "surname": surname,
        "given": given,
        "number": number,
        "born": born,
        "expiry": expiry,
        "mrz": f"{line1}\n{line2}",
    }


def photo(seed: int, size: tuple[int, int]) -> Image.Image:
    """A photo-like face for person `seed`: the drawing of tests.links.synthetic.portrait with
    what a camera adds and a flat drawing lacks: light falling from one side (shading across
    face and background), a lit skin and hair texture, sensor noise. All of it is the person's:
    the same seed gives the same photo."""
    rnd = random.Random(seed * 104729 + 7)
    w, h = size
    img = portrait(seed, size)
    light = rnd.uniform(-1, 1)
    yy, xx = np.mgrid[0:h, 0:w]
    shade = 1 + 0.22 * light * (xx / w - 0.5) * 2 - 0.12 * (yy / h - 0.5)
    rng = np.random.default_rng(seed)
    texture = ndimage.gaussian_filter(rng.normal(0, 1, (h, w)), rnd.uniform(2.0, 4.0))
    texture *= 10 / (texture.std() + 1e-9)
    blob = np.zeros((h, w))
    for _ in range(rnd.randint(2, 5)):  # moles, glasses glints, shadows: the person's own marks
        cx, cy, r = rnd.uniform(0.25, 0.75) * w, rnd.uniform(0.2, 0.8) * h, rnd.uniform(3, 12)
        blob -= 60 * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    pixels = np.asarray(img, dtype=np.float64) * shade[..., None] + (texture + blob)[..., None]
    pixels += rng.normal(0, 3, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(0.8)
    )


def page(face: int, text: int | None = None, *, tpl: Image.Image | None = None) -> Image.Image:
    """A data page with person `face`'s portrait and person `text`'s printed data (default: the
    same person): a forger re-types the text of a real page and keeps its portrait."""
    img = (tpl or template()).copy()
    left, top, right, bottom = (_px(v) for v in PORTRAIT_MM)
    img.paste(photo(face, (right - left, bottom - top)), (left, top))
    data = holder(face if text is None else text)
    draw = ImageDraw.Draw(img)
    values = ("P   UTO", data["surname"], data["given"], "UTOPIAN", data["born"], data["expiry"])
    for i, value in enumerate(values):
        draw.text((_px(45), _px(18.5 + i * 8)), value, fill=(20, 20, 34), font=_font(26))
    font = _font(_px(3.2))
    for line, centre in zip(data["mrz"].split("\n"), MRZ_LINES_MM, strict=True):
        for i, char in enumerate(line):  # fixed pitch, whatever the font's own advance
            x = _px(MRZ_LEFT_MM + (i + 0.5) * MRZ_PITCH_MM)
            draw.text((x, _px(centre)), char, fill=(12, 12, 12), font=font, anchor="mm")
    return img


def rephotographed(img: Image.Image, seed: int) -> Image.Image:
    """The page photographed again: on a table, rotated 2-6 degrees either way, a few per cent
    cropped, rescaled, brightness shifted, a little soft, saved as JPEG quality 60-80."""
    rnd = random.Random(seed)
    margin = int(img.width * 0.06)
    table = Image.new("RGB", (img.width + 2 * margin, img.height + 2 * margin), (70, 58, 50))
    table.paste(img, (margin, margin))
    angle = rnd.uniform(2, 6) * rnd.choice((-1, 1))
    shot = table.rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(70, 58, 50)
    )
    w, h = shot.size
    box = [rnd.uniform(0.02, 0.06) for _ in range(4)]  # of the photo, each side
    shot = shot.crop(
        (int(w * box[0]), int(h * box[1]), int(w * (1 - box[2])), int(h * (1 - box[3])))
    )
    scale = rnd.uniform(0.7, 1.2)
    shot = shot.resize(
        (int(shot.width * scale), int(shot.height * scale)), Image.Resampling.LANCZOS
    )
    shot = ImageEnhance.Brightness(shot).enhance(rnd.uniform(0.8, 1.25))
    shot = shot.filter(ImageFilter.GaussianBlur(rnd.uniform(0.3, 0.9)))
    return jpeg(shot, rnd.randint(60, 80))


def jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")
