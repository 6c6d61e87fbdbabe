"""The cost of one assessment in-process: milliseconds, queries and where the CPU goes.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_bench_assess \
        .venv/bin/python bench/bench_assessment.py [--candidates 400] [--rounds 3] [--profile]

Stores candidates through the API's own service (`candidate_upsert`: link keys, sessions,
documents), no images, in two shapes: "small" (bench_api's honest batch item: one session, a
passport, email, phone, address) and "ring" (five sessions, two documents, a reference, a
payout, an interview observation, and a phone, mailbox, IP and payout account shared with the
four other members of its ring of five). Then, per round, requests a new assessment of every
candidate and runs each with `pipeline.assessment_run` as a worker does (same process, the
database connection kept), timing the runs only: wall time, and this process's CPU time (the
worker's share; PostgreSQL's is the rest), which other load on a shared machine disturbs less.
Queries are counted on one more round. `--profile` runs cProfile over one round and prints the
top functions.

No Celery, no broker: this is the worker's own cost per assessment (bench_worker.py measures a
real worker process, Redis included). DEBUG is switched off after start-up so queries are not
logged (a production worker's setting).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
os.environ["REDIS_URL"] = ""  # no broker: the population's assessments run inline

import django

django.setup()

from bench_api import batch_item  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from candidates import pipeline  # noqa: E402
from candidates.api.serializers import CandidateIn  # noqa: E402
from candidates.models import ApiClient, Assessment, Candidate, Observation  # noqa: E402
from candidates.services import candidate_upsert  # noqa: E402


def small_item(i: int) -> dict:
    body = batch_item(i, "small")
    body["full_name"] = f"Anna Maria{i} Eriksson"  # one name each: a payout holder is a name
    return body


def ring_item(i: int) -> dict:
    """A member of ring i // 5: shares its ring's phone, mailbox, IP and payout account."""
    ring = i // 5
    body = small_item(i)
    body["external_id"] = f"ring-{i}"
    body["email"] = f"ring.{ring}@example.com"
    body["phone"] = f"+1 636 555 {ring % 10000:04d}"
    body["sessions"] = [
        {
            "ip": f"{80 + k}.{ring % 250}.{ring // 250}.{9 if k == 0 else i % 250}",
            "kind": "login",
            "seen_at": f"2026-11-{10 + k}T1{k}:03:00Z",
            "timezone": "America/Chicago",
        }
        for k in range(5)
    ]
    body["documents"] = [
        {"kind": "passport", "number": f"R{i:08d}", "issuing_country": "USA"},
        {"kind": "drivers_license", "number": f"D{i:08d}", "issuing_country": "USA"},
    ]
    body["references"] = [{"name": "Pat Lee", "phone": f"+1 636 777 {ring % 10000:04d}"}]
    body["payout"] = {
        "account_holder": body["full_name"],
        "bank_country": "US",
        "routing_number": "081000210",
        "account_number": f"0009{ring:08d}",
    }
    return body


def populate(n: int) -> dict[str, list]:
    Candidate.objects.all().delete()
    ApiClient.objects.filter(name="assess-bench").delete()
    client = ApiClient.objects.create(name="assess-bench", key_prefix="vk_ab", key_hash="x")
    shapes: dict[str, list] = {"small": [], "ring": []}
    for i in range(n):
        shape = "small" if i % 2 else "ring"
        body = small_item(i) if shape == "small" else ring_item(i)
        serializer = CandidateIn(data=body)
        assert serializer.is_valid(), serializer.errors
        result = candidate_upsert(client=client, data=serializer.validated_data)
        if shape == "ring":
            Observation.objects.create(candidate=result.candidate, code="interview.camera_refused")
        shapes[shape].append(result.candidate.pk)
    return shapes


def request(ids: list) -> list:
    with transaction.atomic():
        pipeline.assessment_request_many(candidate_ids=ids, trigger="manual", enqueue=False)
    return list(
        Assessment.objects.filter(candidate_id__in=ids, status="pending").values_list(
            "id", flat=True
        )
    )


def timed_round(ids: list) -> list[tuple[float, float]]:
    """(wall ms, this process's CPU ms) per assessment."""
    samples = []
    for assessment_id in request(ids):
        t0, c0 = time.perf_counter(), time.process_time()
        pipeline.assessment_run(assessment_id=assessment_id)
        samples.append(((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000))
    return samples


def queries_per_run(ids: list) -> tuple[float, int]:
    counts = []
    reset_queries()
    for assessment_id in request(ids[:20]):
        with CaptureQueriesContext(connection) as ctx:
            pipeline.assessment_run(assessment_id=assessment_id)
        counts.append(len(ctx.captured_queries))
    return statistics.mean(counts), max(counts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    shapes = populate(args.candidates)
    settings.DEBUG = False
    failed = Assessment.objects.filter(status="failed").count()
    assert failed == 0, f"{failed} assessments failed while populating"
    timed_round(shapes["small"][:20] + shapes["ring"][:20])  # warm: rule set, gazetteer, IP data

    print(f"{args.candidates} candidates, {args.rounds} rounds, one process, connection kept")
    print("| shape | p50 ms | mean ms | assessments/s | worker CPU ms | queries (mean / max) |")
    print("|---|---:|---:|---:|---:|---:|")
    for shape, ids in shapes.items():
        samples = [s for _ in range(args.rounds) for s in timed_round(ids)]
        wall = [w for w, _c in samples]
        mean = statistics.mean(wall)
        cpu = statistics.mean(c for _w, c in samples)
        queries, most = queries_per_run(ids)
        print(
            f"| {shape} | {statistics.median(wall):.2f} | {mean:.2f} | {1000 / mean:.0f} "
            f"| {cpu:.2f} | {queries:.1f} / {most} |"
        )
    assert not Assessment.objects.filter(status="failed").exists(), "an assessment failed"

    if args.profile:
        profiler = cProfile.Profile()
        ids = shapes["small"] + shapes["ring"]
        assessments = request(ids)
        profiler.enable()
        for assessment_id in assessments:
            pipeline.assessment_run(assessment_id=assessment_id)
        profiler.disable()
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(35)
            print(out.getvalue())


if __name__ == "__main__":
    main()
