"""A single POST with a photo and a document image: the request's time, and the assessment's.

    createdb -h 127.0.0.1 -U postgres vetting_bench_post
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_bench_post \
        REDIS_URL=redis://127.0.0.1:6379/12 VETTING_QUEUE=bench-post \
        .venv/bin/python bench/bench_post_images.py [--runs 30]

Each POST creates a new candidate with its own face photo (600x800 PNG) and its own passport
data page (a TD3 page with an MRZ, JPEG), through the whole stack with Django's test Client, the
assessment queued on Redis as in production. Then each queued assessment is run in this process
(what the worker does) and timed. Image bodies are built before timing. The queued task
messages are purged at the end (nothing consumes them).
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
os.environ.setdefault("VETTING_API_RATE", "100000000/min")  # time the API, not the throttle

import django
from PIL import Image

URL = "/api/v1/candidates/"
KEY = "vk_postbench_0"


def _b64(img: Image.Image, fmt: str) -> str:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return base64.b64encode(buf.getvalue()).decode()


def _body(run: str, n: int) -> dict:
    from tests.links.synthetic import portrait
    from tests.links.synthetic_td3 import page

    return {
        "external_id": f"post-bench-{run}-{n}",
        "full_name": f"Bench Person {n}",
        "email": f"bench.{run}.{n}@example.com",
        "photo": _b64(portrait(1000 + n, (600, 800)), "PNG"),
        "documents": [
            {
                "kind": "passport",
                "number": f"B{n:08d}",
                "issuing_country": "USA",
                "image": _b64(page(100 + n), "JPEG"),
            }
        ],
    }


def _stats(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return f"{statistics.median(samples):.0f} ms (p95 {p95:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from candidates import pipeline
    from candidates.api_clients import key_hash
    from candidates.models import ApiClient, Candidate
    from vetting.celery import app as celery_app

    call_command("migrate", verbosity=0)
    ApiClient.objects.get_or_create(
        name="post-bench", defaults={"key_prefix": "vk_postbench", "key_hash": key_hash(KEY)}
    )
    run = str(int(time.time()))
    bodies = [_body(run, n) for n in range(args.runs + 2)]
    http, headers = Client(HTTP_HOST="localhost"), {"Authorization": f"Bearer {KEY}"}
    requests, ids = [], []
    for n, body in enumerate(bodies):
        t0 = time.perf_counter()
        response = http.post(URL, body, content_type="application/json", headers=headers)
        elapsed = (time.perf_counter() - t0) * 1000
        assert response.status_code == 201, response.content[:300]
        if n >= 2:  # the first two warm the caches
            requests.append(elapsed)
            ids.append(response.json()["id"])
    assessments = []
    for cid in ids:
        assessment_id = Candidate.objects.get(pk=cid).latest_assessment_id
        t0 = time.perf_counter()
        pipeline.assessment_run(assessment_id=assessment_id)
        assessments.append((time.perf_counter() - t0) * 1000)
    celery_app.control.purge()
    print(f"| POST with a photo and a document image | {_stats(requests)} |")
    print(f"| its assessment (in the worker) | {_stats(assessments)} |")
    print(f"runs: {args.runs}")


if __name__ == "__main__":
    main()
