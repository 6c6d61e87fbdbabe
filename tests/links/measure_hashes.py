"""Measure the image fingerprints on synthetic same-template passports and photos (docs/links.md).

Run: DEBUG=1 .venv/bin/python -m tests.links.measure_hashes
For each hash: the largest distance between an image and its transformed copy (JPEG q60, 80 %
resize, +30 % brightness, all three) and the smallest distance between two different people's
images. A usable threshold sits between the two.
"""

from __future__ import annotations

import itertools
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
django.setup()

import imagehash  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from checks.links.images import fingerprint, quads_distance  # noqa: E402
from tests.links.synthetic import TRANSFORMS, passport, portrait  # noqa: E402


def _grey(img: Image.Image) -> Image.Image:
    return ImageOps.autocontrast(img.convert("L"), cutoff=1)


CANDIDATES = {
    "phash 64 (raw)": lambda i: imagehash.phash(i, hash_size=8),
    "dhash 64 (raw)": lambda i: imagehash.dhash(i, hash_size=8),
    "whash 64 (raw)": lambda i: imagehash.whash(i, hash_size=8),
    "phash 256 (raw)": lambda i: imagehash.phash(i, hash_size=16),
    "phash 256 (autocontrast)": lambda i: imagehash.phash(_grey(i), hash_size=16),
}


def _row(name: str, same: int, diff: list[int]) -> None:
    diff.sort()
    print(f"| {name} | {same} | {diff[0]} | {diff[len(diff) // 100]} | {diff[len(diff) // 2]} |")


def measure(label: str, images: list[Image.Image]) -> None:
    print(
        f"\n{label} ({len(images)} people)\n\n| hash | copies: max | others: min | "
        "others: 1st pct | others: median |\n|---|---:|---:|---:|---:|"
    )
    for name, fn in CANDIDATES.items():
        base = [fn(i) for i in images]
        same = max(
            fn(t(i)) - h for i, h in zip(images, base, strict=True) for t in TRANSFORMS.values()
        )
        _row(name, same, [a - b for a, b in itertools.combinations(base, 2)])
    prints = [fingerprint(i, with_quads=True) for i in images]
    copies = [
        (fp, fingerprint(t(i), with_quads=True))
        for i, fp in zip(images, prints, strict=True)
        for t in TRANSFORMS.values()
    ]
    _row(
        "quarters: max of 4 x phash 256",
        max(quads_distance(a.quads, b.quads) for a, b in copies),
        [quads_distance(a.quads, b.quads) for a, b in itertools.combinations(prints, 2)],
    )


if __name__ == "__main__":
    measure("Same-template passports", [passport(s) for s in range(60)])
    measure("Face-like photos", [portrait(s, (300, 380)) for s in range(60)])
