"""Fingerprint cost per document image, on write: without and with the portrait step.

Run: DEBUG=1 .venv/bin/python bench/bench_fingerprint.py [repeats]
Times `checks.links.images.fingerprint` (decoded image in memory, as keys.py hands it over after
opening the file) on synthetic TD3 pages: a flat scan (1000 x 704), a re-photographed copy
(about 1000 x 750, JPEG), and a 12-megapixel phone photo of the page (thumbnailed to 1024 first,
as every image is). Prints the median and 90th percentile in milliseconds.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")

import django

django.setup()

from PIL import Image  # noqa: E402

from checks.links.images import fingerprint  # noqa: E402
from tests.links.synthetic_td3 import page, rephotographed  # noqa: E402


def _time(img: Image.Image, repeats: int, **kwargs) -> tuple[float, float]:
    fingerprint(img, **kwargs)  # imports and first-call set-up are not per-image costs
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        fingerprint(img, **kwargs)
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    return statistics.median(runs), runs[int(len(runs) * 0.9) - 1]


def main(repeats: int) -> None:
    images = {
        "scan 1000x704": page(1),
        "re-photographed copy": rephotographed(page(1, 2), 3),
        "phone photo 4000x3000": rephotographed(page(1), 4).resize((4000, 3000)),
    }
    print("| image | whole + quarters (before) | + portrait step | added |")
    print("|---|---:|---:|---:|")
    for name, img in images.items():
        before = _time(img, repeats, with_quads=True)
        after = _time(img, repeats, with_quads=True, with_portrait=True)
        print(
            f"| {name} | {before[0]:.0f} ms (p90 {before[1]:.0f}) | {after[0]:.0f} ms "
            f"(p90 {after[1]:.0f}) | {after[0] - before[0]:.0f} ms |"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
