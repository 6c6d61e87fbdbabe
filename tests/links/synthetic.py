"""Synthetic test images: same-template "passports" for different people, and face-like photos.

Every document shares one background, guilloche pattern, header and layout; only the portrait
and the printed fields differ, which is the hard case for a whole-image perceptual hash.
"""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw, ImageEnhance, ImageFont

SIZE = (640, 440)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _template() -> Image.Image:
    img = Image.new("RGB", SIZE, (214, 226, 236))
    draw = ImageDraw.Draw(img)
    for y in range(0, SIZE[1], 6):  # a fixed guilloche-like wave pattern, the same for everyone
        points = [(x, y + 4 * math.sin(x / 23 + y / 40)) for x in range(0, SIZE[0], 8)]
        draw.line(points, fill=(190, 208, 224), width=1)
    draw.rectangle((0, 0, SIZE[0], 48), fill=(40, 70, 120))
    draw.text((20, 10), "PASSPORT  PASSEPORT  UNITED STATES", fill=(255, 255, 255), font=_font(24))
    labels = ("Surname", "Given names", "Nationality", "Date of birth", "Passport No.", "Expiry")
    for i, label in enumerate(labels):
        draw.text((240, 64 + i * 44), label, fill=(90, 100, 120), font=_font(12))
    draw.rectangle((30, 70, 210, 300), outline=(120, 130, 150), width=2)
    draw.rectangle((0, 340, SIZE[0], SIZE[1]), fill=(240, 240, 235))
    return img


def portrait(seed: int, size: tuple[int, int] = (176, 226)) -> Image.Image:
    """A face-like drawing whose shape, colours and features depend on `seed`."""
    rnd = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size, tuple(rnd.randint(150, 250) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    skin = (rnd.randint(90, 240), rnd.randint(60, 200), rnd.randint(40, 170))
    fw, fh = rnd.randint(w // 2, int(w * 0.8)), rnd.randint(h // 2, int(h * 0.75))
    fx, fy = (w - fw) // 2 + rnd.randint(-12, 12), h // 5 + rnd.randint(-10, 20)
    draw.rectangle(
        (fx - 20, fy + fh - 10, fx + fw + 20, h), fill=tuple(rnd.randint(0, 255) for _ in range(3))
    )  # shoulders / clothing
    hair = tuple(rnd.randint(0, 120) for _ in range(3))
    draw.ellipse((fx - 8, fy - rnd.randint(10, 40), fx + fw + 8, fy + fh // 2), fill=hair)
    draw.ellipse((fx, fy, fx + fw, fy + fh), fill=skin)
    ey = fy + fh // 3 + rnd.randint(-8, 8)
    for ex in (fx + fw // 3, fx + 2 * fw // 3):
        r = rnd.randint(4, 10)
        draw.ellipse((ex - r, ey - r // 2, ex + r, ey + r // 2), fill=(255, 255, 255))
        draw.ellipse((ex - 3, ey - 3, ex + 3, ey + 3), fill=(30, 30, 30))
    my = fy + 3 * fh // 4 + rnd.randint(-6, 6)
    mw = rnd.randint(fw // 6, fw // 3)
    draw.arc(
        (fx + fw // 2 - mw, my - 10, fx + fw // 2 + mw, my + 10),
        10,
        170,
        fill=(120, 30, 40),
        width=3,
    )
    draw.line(
        (fx + fw // 2, ey + 10, fx + fw // 2 + rnd.randint(-6, 6), my - 14),
        fill=tuple(max(0, c - 50) for c in skin),
        width=3,
    )
    return img


def passport(seed: int) -> Image.Image:
    """A data page for person `seed`: shared template, own portrait and printed fields."""
    rnd = random.Random(seed * 7919 + 1)
    img = _template()
    img.paste(portrait(seed), (32, 72))
    draw = ImageDraw.Draw(img)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    surname = "".join(rnd.choice(letters) for _ in range(rnd.randint(5, 10)))
    given = "".join(rnd.choice(letters) for _ in range(rnd.randint(4, 9)))
    number = "".join(rnd.choice("0123456789") for _ in range(9))
    values = (
        surname,
        given,
        "USA",
        f"{rnd.randint(1, 28):02d} JAN {rnd.randint(1960, 2004)}",
        number,
        f"{rnd.randint(1, 28):02d} MAR {rnd.randint(2027, 2035)}",
    )
    for i, value in enumerate(values):
        draw.text((240, 80 + i * 44), value, fill=(20, 20, 30), font=_font(18))
    mrz1 = f"P<USA{surname}<<{given}".ljust(44, "<")[:44]
    mrz2 = f"{number}<USA{rnd.randint(10**9, 10**10)}".ljust(44, "<")[:44]
    draw.text((20, 355), mrz1, fill=(10, 10, 10), font=_font(20))
    draw.text((20, 390), mrz2, fill=(10, 10, 10), font=_font(20))
    return img


def jpeg(img: Image.Image, quality: int = 60) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def resized(img: Image.Image, factor: float = 0.8) -> Image.Image:
    return img.resize((int(img.width * factor), int(img.height * factor)), Image.LANCZOS)


def brightened(img: Image.Image, factor: float = 1.3) -> Image.Image:
    return ImageEnhance.Brightness(img).enhance(factor)


TRANSFORMS = {
    "jpeg60": jpeg,
    "resize80": resized,
    "bright130": brightened,
    "jpeg60+resize80+bright120": lambda i: jpeg(brightened(resized(i), 1.2)),
}


def encode(img: Image.Image, fmt: str = "PNG", quality: int = 90) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return buf.getvalue()
