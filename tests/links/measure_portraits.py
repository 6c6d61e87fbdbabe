"""Measure the portrait-zone hash on re-photographed TD3 pages (docs/links.md, "Re-photographed").

Run: DEBUG=1 .venv/bin/python -m tests.links.measure_portraits [people]
Each person has a flat scan of their page; a forger's copies keep the portrait, re-type every
text line and the MRZ, and photograph the page again (2-6 degrees, 2-6 % cropped off each side,
70-120 % scale, brightness 80-125 %, JPEG quality 60-80). Honest holders of the same template
are photographed the same way. Prints, for each hash: the largest distance between a page and
its copies, and the distances between different people's pages (scans and photos).
"""

from __future__ import annotations

import itertools
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
django.setup()

import imagehash  # noqa: E402
from PIL import Image, ImageFilter, ImageOps  # noqa: E402

from checks.links import pages  # noqa: E402
from checks.links.images import fingerprint, hamming, portrait_bands, quads_distance  # noqa: E402
from tests.links.synthetic_td3 import page, rephotographed  # noqa: E402

COPIES = 5


def _grey(img: Image.Image) -> Image.Image:
    img = img.convert("RGB")
    img.thumbnail((1024, 1024), Image.Resampling.LANCZOS)
    return ImageOps.autocontrast(img.convert("L"), cutoff=1)


def _soft(c: Image.Image, radius: int) -> Image.Image:
    return ImageOps.autocontrast(c, cutoff=1).filter(ImageFilter.GaussianBlur(radius))


HASHES = {
    "portrait phash 64": lambda c: imagehash.phash(ImageOps.autocontrast(c, cutoff=1), 8),
    "portrait phash 256": lambda c: imagehash.phash(ImageOps.autocontrast(c, cutoff=1), 16),
    "portrait dhash 256": lambda c: imagehash.dhash(ImageOps.autocontrast(c, cutoff=1), 16),
    "portrait ahash 256, blurred 4 px": lambda c: imagehash.average_hash(_soft(c, 4), 16),
    "portrait dhash 256, blurred 3 px": lambda c: imagehash.dhash(_soft(c, 3), 16),
    "portrait dhash 256, blurred 4 px (chosen)": lambda c: imagehash.dhash(_soft(c, 4), 16),
    "portrait dhash 256, blurred 5 px": lambda c: imagehash.dhash(_soft(c, 5), 16),
}


def _row(name: str, same: list[int], diff: list[int]) -> None:
    same.sort()
    diff.sort()
    print(
        f"| {name} | {same[len(same) // 2]} | {same[-1]} | {diff[0]} | "
        f"{diff[len(diff) // 100]} | {diff[len(diff) // 2]} |"
    )


def main(people: int) -> None:
    scans = [page(p) for p in range(people)]
    photos = [rephotographed(page(p), 10_000 + p) for p in range(people)]
    copies = [
        [rephotographed(page(p, 1_000 + p * COPIES + k), p * COPIES + k) for k in range(COPIES)]
        for p in range(people)
    ]
    started = time.perf_counter()
    cuts = {}
    for key, img in itertools.chain(
        ((("scan", p), s) for p, s in enumerate(scans)),
        ((("photo", p), s) for p, s in enumerate(photos)),
        ((("copy", p, k), c) for p, cs in enumerate(copies) for k, c in enumerate(cs)),
    ):
        cuts[key] = pages.portrait(_grey(img))
    per = (time.perf_counter() - started) / len(cuts) * 1000
    found = sum(c is not None for c in cuts.values())
    print(f"\n{people} people: MRZ found in {found} of {len(cuts)} images, {per:.0f} ms each\n")
    print(
        "| hash | copies: median | copies: max | others: min | others: 1st pct | others: median |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, fn in HASHES.items():
        h = {k: fn(c) for k, c in cuts.items() if c is not None}
        same = [h[("scan", p)] - h[("copy", p, k)] for p in range(people) for k in range(COPIES)]
        same += [h[("photo", p)] - h[("copy", p, k)] for p in range(people) for k in range(COPIES)]
        diff = [
            h[(a, p)] - h[(b, q)]
            for p, q in itertools.permutations(range(people), 2)
            for a, b in (("scan", "scan"), ("photo", "scan"), ("photo", "photo"))
            if (a, b) != ("scan", "scan") or p < q
        ]
        _row(name, same, diff)
    _existing(scans, copies)


def _existing(scans, copies) -> None:
    """What the whole-page hash and the quarters make of the same copies."""
    base = [fingerprint(s, with_quads=True, with_portrait=True) for s in scans]
    prints = [[fingerprint(c, with_quads=True, with_portrait=True) for c in cs] for cs in copies]
    whole = [hamming(b.whole, c.whole) for b, cs in zip(base, prints) for c in cs]
    quads = [quads_distance(b.quads, c.quads) for b, cs in zip(base, prints) for c in cs]
    shared = [
        len(set(portrait_bands(b.portrait)) & set(portrait_bands(c.portrait)))
        for b, cs in zip(base, prints)
        for c in cs
    ]
    strangers = [
        len(set(portrait_bands(a.portrait)) & set(portrait_bands(b.portrait)))
        for a, b in itertools.combinations(base, 2)
    ]
    missed = sum(s == 0 for s in shared)
    print(
        f"\nCopies vs. their scan: whole page {min(whole)}-{max(whole)} bits (others' pages from"
        f" 16), quarters {min(quads)}-{max(quads)} (threshold 36): the existing path misses them."
        f"\nPortrait bands shared with the scan: min {min(shared)} of 32, median "
        f"{sorted(shared)[len(shared) // 2]}, none for {missed} of {len(shared)} copies"
        f"; between different people: "
        f"{sum(s > 0 for s in strangers)} of {len(strangers)} pairs share any band."
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
