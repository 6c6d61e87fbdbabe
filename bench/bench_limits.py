"""Peak memory of the request-size cases an authenticated client controls (issue 9).

    DEBUG=1 .venv/bin/python bench/bench_limits.py

Each case runs in a fresh process and reports its peak resident memory above what the process
held once Django and Pillow were imported (ru_maxrss), so one case's garbage never inflates
another's. No database is needed: the cases call the parser and the image code directly, the
way the API view calls them. Prints a Markdown table for docs/performance.md.

Cases:
- a 4 MiB body of `[{},{},...]` parsed as the parser used to (plain `json.loads`), and through
  the batch endpoint's parser now (refused before parsing: over 100,000 objects and arrays);
- the most the batch endpoint now parses: 100,000 empty objects;
- a 40-megapixel PNG (solid colour, ~170 KiB): verified and fingerprinted as the old 40 MP cap
  allowed, and refused by the 16 MP default now;
- a 16-megapixel PNG, the largest image accepted now: verified and fingerprinted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
os.environ.setdefault("DEBUG", "1")

CASES = {
    "body_4mib_json_loads": "4 MiB `[{},...]`, plain json.loads (before)",
    "body_4mib_batch_parser": "4 MiB `[{},...]`, batch parser (now: 413)",
    "body_100k_objects_batch_parser": "99,998 `{}` (the batch maximum), batch parser",
    "image_40mp_old_cap": "40 MP PNG, verify + fingerprint (old 40 MP cap)",
    "image_40mp_new_cap": "40 MP PNG, verify (now: 400 at the 16 MP cap)",
    "image_16mp": "16 MP PNG, verify + fingerprint (largest accepted now)",
}


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (180, 40, 40)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _parse(raw: bytes, view) -> str:
    from candidates.api.errors import ApiError
    from candidates.api.parsers import StrictJSONParser

    try:
        StrictJSONParser().parse(io.BytesIO(raw), parser_context={"view": view})
    except ApiError as exc:
        return f"{exc.status_code} {exc.error_code}"
    return "parsed"


def _image(raw: bytes, cap: int) -> str:
    from django.conf import settings

    from candidates.images import ImageInvalid, image_verify
    from checks.links.images import fingerprint_file

    settings.VETTING_MAX_IMAGE_PIXELS = cap
    try:
        image_verify(raw)
    except ImageInvalid as exc:
        return f"400 {exc}"
    fingerprint_file(io.BytesIO(raw), with_quads=True)
    return "stored"


def run_case(name: str) -> dict:
    import django

    django.setup()
    from candidates.api.views import CandidateBatchView

    body_4mib = b"[" + b"{}," * (4 * 1024 * 1024 // 3) + b"{}]"
    batch_4mib = b'{"candidates":' + body_4mib + b"}"
    inputs = {
        "image_40mp_old_cap": lambda: _png(8000, 5000),
        "image_40mp_new_cap": lambda: _png(8000, 5000),
        "image_16mp": lambda: _png(4000, 4000),
    }
    payload = inputs[name]() if name in inputs else None
    baseline = _rss_mib()
    started = time.perf_counter()
    if name == "body_4mib_json_loads":
        json.loads(batch_4mib)
        outcome = "parsed"
    elif name == "body_4mib_batch_parser":
        outcome = _parse(batch_4mib, CandidateBatchView())
    elif name == "body_100k_objects_batch_parser":
        raw = b'{"candidates":[' + b"{}," * 99_997 + b"{}]}"  # 99,998 + 2 containers
        baseline = _rss_mib()
        outcome = _parse(raw, CandidateBatchView())
    elif name == "image_40mp_old_cap":
        outcome = _image(payload, 40_000_000)
    elif name == "image_40mp_new_cap":
        outcome = _image(payload, 16_000_000)
    else:
        outcome = _image(payload, 16_000_000)
    return {
        "case": name,
        "outcome": outcome,
        "peak_mib": round(_rss_mib() - baseline, 1),
        "seconds": round(time.perf_counter() - started, 2),
        "input_kib": round(len(payload) / 1024) if payload else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=sorted(CASES))
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return 0
    print("| case | outcome | peak memory above baseline (MiB) | seconds |")
    print("|---|---|---|---|")
    for name, label in CASES.items():
        out = subprocess.run(
            [sys.executable, __file__, "--case", name],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        size = f" ({row['input_kib']} KiB)" if row["input_kib"] else ""
        print(f"| {label}{size} | {row['outcome']} | {row['peak_mib']} | {row['seconds']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
