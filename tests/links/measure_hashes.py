"""Measure perceptual hashes on synthetic same-template passports and photos (docs/links.md).

Run: DEBUG=1 .venv/bin/python -m tests.links.measure_hashes
Prints, per hash, the largest distance between an image and its transformed copies and the
smallest distance between two different people's images (the margin the threshold sits in).
"""

from __future__ import annotations

import itertools

import imagehash
from PIL import Image

from tests.links.synthetic import TRANSFORMS, passport, portrait

HASHES = {
    "phash8": lambda i: imagehash.phash(i, hash_size=8),
    "phash16": lambda i: imagehash.phash(i, hash_size=16),
    "dhash8": lambda i: imagehash.dhash(i, hash_size=8),
    "dhash16": lambda i: imagehash.dhash(i, hash_size=16),
    "whash8": lambda i: imagehash.whash(i, hash_size=8),
    "ahash8": lambda i: imagehash.average_hash(i, hash_size=8),
}


def measure(images: list[Image.Image], label: str) -> None:
    for name, fn in HASHES.items():
        base = [fn(i) for i in images]
        same = max(fn(t(img)) - h for img, h in zip(images, base, strict=True)
                   for t in TRANSFORMS.values())
        diff = sorted(a - b for a, b in itertools.combinations(base, 2))
        bits = base[0].hash.size
        print(f"{label:9} {name:8} bits={bits:3} same_max={same:3} diff_min={diff[0]:3} "
              f"diff_p1={diff[len(diff) // 100]:3} diff_median={diff[len(diff) // 2]:3}")


if __name__ == "__main__":
    measure([passport(s) for s in range(80)], "passport")
    measure([portrait(s, (300, 380)) for s in range(80)], "photo")
