"""The cost of one batch/ call in-process: milliseconds per item and where the CPU goes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/bench_batch.py [--db vetting_bench_batch] [--calls 12] [--profile]

Posts the ring-heavy import of `make bench` (bench.phases.ring_payloads: demo's honest
candidates with a photo and a passport scan each, plus copies of its fraud rings) through
`POST /api/v1/candidates/batch/`, 50 items per call, with Django's test client in this process:
the production settings (bench.settings, DEBUG off), middleware, views and services, against a
fresh database `--db` (created and migrated here, dropped at the end) and the Redis of
REDIS_URL (assessments are queued, as a web process queues them, to a queue of this run's own
that nothing consumes; it is deleted at the end). Every call stores new candidates (each call's
external ids are new). Reports wall and CPU milliseconds per item, median and spread over the
calls; `--profile` runs cProfile over them and prints the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench.stack import database_create, database_drop  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="vetting_bench_batch")
    parser.add_argument("--calls", type=int, default=12)
    parser.add_argument("--per-call", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="pstats order (or 'tottime')")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--callers", default="", help="print the callers of functions matching")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL") or sys.exit("DATABASE_URL must name a PostgreSQL server")
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL must name a Redis database (else assessments would run inline)")
    queue = f"bench-batch-{uuid.uuid4().hex[:8]}"
    media = tempfile.mkdtemp(prefix="bench-batch-media-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        VETTING_HASH_KEY="bench-only-hash-key-not-for-production-0123456789",
        DATABASE_URL=database_create(base, args.db),
        VETTING_QUEUE=queue,
        VETTING_API_RATE="100000000/min",
        MEDIA_ROOT=media,
        LOG_LEVEL="WARNING",
        VETTING_BEHIND_PROXY="1",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0, interactive=False)
    try:
        return _run(args, queue)
    finally:
        connections.close_all()
        database_drop(base, args.db)
        import shutil

        shutil.rmtree(media, ignore_errors=True)


def _run(args: argparse.Namespace, queue: str) -> int:
    import redis
    from django.conf import settings
    from django.test import Client

    from bench.phases import ring_payloads
    from candidates.api_clients import api_client_create

    _client, key, _secret = api_client_create(name="batch-bench", webhook_url="")
    http = Client(
        headers={"authorization": f"Bearer {key}", "x-forwarded-proto": "https"},
        SERVER_NAME="localhost",
    )
    # bench.phases' quick ring import: 76 candidates; cycled with new external ids per call.
    people = ring_payloads(40, 3)

    def call(n: int) -> tuple[float, float, int]:
        chunk = [
            {**people[(n * args.per_call + k) % len(people)], "external_id": f"b{n}-{k}"}
            for k in range(args.per_call)
        ]
        body = json.dumps({"candidates": chunk})  # as a client sends it, not timed
        t0, c0 = time.perf_counter(), time.process_time()
        response = http.post("/api/v1/candidates/batch/", body, content_type="application/json")
        took = (time.perf_counter() - t0, time.process_time() - c0)
        assert response.status_code == 200, response.content[:500]
        results = response.json()["results"]
        assert all("id" in r for r in results), [r for r in results if "error" in r][:3]
        return took[0] * 1000 / len(chunk), took[1] * 1000 / len(chunk), len(chunk)

    call(-1)  # warm: imports, caches, the first connection
    profiler = cProfile.Profile() if args.profile else None
    wall, cpu = [], []
    if profiler:
        profiler.enable()
    for n in range(args.calls):
        w, c, _ = call(n)
        wall.append(w)
        cpu.append(c)
    if profiler:
        profiler.disable()
    redis.Redis.from_url(settings.REDIS_URL).delete(queue)

    def line(name: str, xs: list[float]) -> str:
        q = statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
        return f"{name}: {statistics.median(xs):.2f} ms per item (IQR/2 {(q[2] - q[0]) / 2:.2f})"

    print(f"{args.calls} calls of {args.per_call} ring-import items (photo + passport scan each)")
    print(line("wall", wall))
    print(line("CPU of this process", cpu))
    print(f"load average {os.getloadavg()[0]:.1f}")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats(args.sort).print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
