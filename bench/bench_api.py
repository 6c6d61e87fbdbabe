"""API benchmark: p50/p95 server-side time of the v1 list (each filter) and GET at 1M candidates.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_api_bench \
        .venv/bin/python bench/bench_api.py [--candidates 1000000] [--runs 30] [--explain]

Loads candidates with the dashboard benchmark's COPY loader (once: a rerun reuses them), then
times each request through the whole stack (auth, throttle, selector, rendering) with Django's
test Client. Prints a Markdown table for docs/performance.md and, with --explain, each list
query's plan so the index it uses can be checked.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
os.environ.setdefault("VETTING_API_RATE", "100000000/min")  # time the API, not the throttle

from bench_dashboard import load
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from candidates.api_clients import key_hash
from candidates.models import ApiClient, Candidate

URL = "/api/v1/candidates/"


def clients_with_keys(n: int = 5) -> tuple[list[ApiClient], list[str]]:
    """bench_dashboard's five clients (so one loaded database serves both scripts), each given
    a key this script knows."""
    keys = [f"vk_apibench_{i}" for i in range(n)]
    clients = []
    for i, key in enumerate(keys):
        client = ApiClient.objects.get_or_create(
            name=f"bench-{i}", defaults={"key_prefix": "vk_apibench", "key_hash": key_hash(key)}
        )[0]
        ApiClient.objects.filter(pk=client.pk).update(key_hash=key_hash(key), is_active=True)
        clients.append(client)
    return clients, keys


def timed(http: Client, url: str, params: dict, key: str, runs: int) -> tuple[float, float, int]:
    headers = {"Authorization": f"Bearer {key}"}
    http.get(url, params, headers=headers)  # warm caches
    samples = []
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(runs):
            t0 = time.perf_counter()
            response = http.get(url, params, headers=headers)
            samples.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, params, response.content[:200])
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95, len(ctx.captured_queries) // runs


def explain(http: Client, params: dict, key: str) -> str:
    with CaptureQueriesContext(connection) as ctx:
        http.get(URL, params, headers={"Authorization": f"Bearer {key}"})
    sql = next(
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "candidates_candidate"' in q["sql"] and "LIMIT" in q["sql"]
    )
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql)
        return "\n".join(row[0] for row in cur.fetchall())


def cases(http: Client, client: ApiClient, key: str) -> dict[str, tuple[str, dict]]:
    sample = Candidate.objects.filter(client=client).order_by("-created_at").first()
    first = http.get(URL, {"limit": "50"}, headers={"Authorization": f"Bearer {key}"}).json()
    recent = Candidate.objects.filter(client=client).order_by("-updated_at")[10]
    return {
        "list, first page (50)": (URL, {}),
        "list, limit=200": (URL, {"limit": "200"}),
        "list, next page (cursor)": (URL, {"cursor": first["next_cursor"]}),
        "list, external_id": (URL, {"external_id": sample.external_id}),
        "list, risk_level=critical": (URL, {"risk_level": "critical"}),
        "list, review_status=escalated": (URL, {"review_status": "escalated"}),
        "list, assessment_status=completed": (URL, {"assessment_status": "completed"}),
        "list, min_score=70": (URL, {"min_score": "70"}),
        "list, updated_since (old: most rows)": (URL, {"updated_since": "2025-01-01T00:00:00Z"}),
        "list, min_score=95 (rare)": (URL, {"min_score": "95"}),
        "list, assessment_status=failed (none)": (URL, {"assessment_status": "failed"}),
        "list, updated_since (newest 10 rows)": (
            URL,
            {"updated_since": recent.updated_at.isoformat().replace("+00:00", "Z")},
        ),
        "GET candidate": (f"{URL}{sample.pk}/", {}),
        "GET assessments": (f"{URL}{sample.pk}/assessments/", {}),
    }


def batch_item(i: int, tag: str) -> dict:
    """An honest candidate as an ATS would post it: values unique to this run, so no link
    reassessments are triggered (no images: those would time Pillow, not the API)."""
    n = abs(hash(tag)) % 10**6
    return {
        "external_id": f"batch-{tag}-{i}",
        "full_name": "Anna Maria Eriksson",
        "email": f"anna.{tag}.{i}@example.com",
        "phone": f"+1 636 {n % 1000:03d} {i:04d}",
        "claimed_location": {"country": "US", "city": "St. Louis", "timezone": "America/Chicago"},
        "home_address": {
            "line1": f"{i} {tag} St",
            "city": "St. Louis",
            "postal_code": "63101",
            "country": "US",
        },
        # Each item its own /24: a shared subnet is itself a link between candidates.
        "sessions": [
            {
                "ip": f"{73 + i // 250}.{i % 250}.{n % 250}.7",
                "kind": "application",
                "seen_at": "2026-11-20T14:03:00Z",
            }
        ],
        "documents": [
            {
                "kind": "passport",
                "number": f"{n:06d}{i:04d}",
                "issuing_country": "USA",
                "expires_on": "2032-04-15",
            }
        ],
    }


def timed_batch(http: Client, key: str, size: int, runs: int) -> tuple[float, float]:
    """Seconds per batch of `size` new candidates (tasks queue on commit; not run here)."""
    from vetting.celery import app as celery_app

    # Queue to the in-memory broker, as a web process queues to Redis: no inline assessments.
    celery_app.conf.task_always_eager = False
    samples = []
    for run in range(runs):
        tag = f"{int(time.time())}-{run}"
        body = {"candidates": [batch_item(i, tag) for i in range(size)]}
        t0 = time.perf_counter()
        response = http.post(
            f"{URL}batch/",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )
        samples.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:200]
        assert all("id" in r for r in response.json()["results"]), response.json()["results"][0]
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (set DATABASE_URL)")
    call_command("migrate", verbosity=0)
    clients, keys = clients_with_keys()
    load(args.candidates, clients)
    with connection.cursor() as cur:
        cur.execute("ANALYZE candidates_candidate")
    http = Client(HTTP_HOST="localhost")
    total = Candidate.objects.count()
    mine = Candidate.objects.filter(client=clients[0]).count()
    print(f"\n{total:,} candidates; the calling client owns {mine:,}\n")
    print("| request | p50 ms | p95 ms | queries |\n|---|---:|---:|---:|")
    for name, (url, params) in cases(http, clients[0], keys[0]).items():
        p50, p95, queries = timed(http, url, params, keys[0], args.runs)
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {queries} |")
    median, worst = timed_batch(http, keys[0], 500, 3)
    # Leave a kept database as it was loaded, for the next run's dashboard figures.
    Candidate.objects.filter(client=clients[0], external_id__startswith="batch-").delete()
    print(
        f"| POST batch of 500 new candidates | {median * 1000:.0f} | {worst * 1000:.0f} "
        f"| {median / 500 * 1000:.1f} ms per item |"
    )
    if args.explain:
        for name, (url, params) in cases(http, clients[0], keys[0]).items():
            if url == URL:
                print(f"\n### {name}\n```\n{explain(http, params, keys[0])}\n```")


if __name__ == "__main__":
    main()
