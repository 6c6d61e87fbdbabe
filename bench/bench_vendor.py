"""vendor.flagged_share and the queue's vendor filter at 1M candidates.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_vendor_bench \
        .venv/bin/python bench/bench_vendor.py [--candidates 1000000] [--runs 30]

Loads candidates with bench_dashboard's COPY loader (once; a rerun reuses them), gives a
quarter of them a vendor (one large vendor of ~100,000 candidates with one client, 2,000 small
ones), then times the vendor record an assessment reads (`candidates.subject.vendor_record`)
and the queue filtered by vendor, and prints their EXPLAIN plans.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_dashboard as dash
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from candidates.dashboard.queue import QueueFilters, queue_page
from candidates.models import ApiClient, Candidate
from candidates.subject import vendor_record

BIG = "NORTHWIND STAFFING LLC"


def tag_vendors() -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM candidates_candidate WHERE vendor_key <> ''")
        if cur.fetchone()[0]:
            return
        # Candidates of the first client with external ids ending 0: one large vendor; every
        # 4th other candidate: one of 2,000 small vendors.
        cur.execute(
            "UPDATE candidates_candidate c SET vendor = v.k, vendor_key = v.k FROM ("
            " SELECT id, CASE WHEN client_id = %s AND external_id LIKE '%%0' THEN %s"
            " ELSE 'VENDOR ' || (abs(hashtext(id::text)) %% 2000) END AS k"
            " FROM candidates_candidate WHERE abs(hashtext(id::text)) %% 4 = 0"
            " OR (client_id = %s AND external_id LIKE '%%0')) v WHERE c.id = v.id",
            [str(dash_clients()[0].id), BIG, str(dash_clients()[0].id)],
        )
        cur.execute("VACUUM ANALYZE candidates_candidate")


def dash_clients() -> list[ApiClient]:
    return list(ApiClient.objects.filter(name__startswith="bench-").order_by("name"))


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def explain(sql: str, params: list) -> str:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cur.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    clients = [
        ApiClient.objects.get_or_create(
            name=f"bench-{i}", defaults={"key_prefix": "vk_bench", "key_hash": f"{i:064d}"}
        )[0]
        for i in range(5)
    ]
    dash.load(args.candidates, clients)
    tag_vendors()
    big = Candidate.objects.filter(vendor_key=BIG).first()
    small = Candidate.objects.filter(vendor_key__startswith="VENDOR ").first()
    print(
        f"{Candidate.objects.count():,} candidates; large vendor "
        f"{Candidate.objects.filter(vendor_key=BIG).count():,}\n"
    )
    print("| query | p50 ms | p95 ms |\n|---|---:|---:|")
    for label, candidate in (("large vendor", big), ("small vendor", small)):
        p50, p95 = timed(lambda c=candidate: vendor_record(c), args.runs)
        print(f"| vendor record, {label} | {p50:.1f} | {p95:.1f} |")
        filters = QueueFilters(status="", vendor=candidate.vendor)
        p50, p95 = timed(lambda f=filters: queue_page(filters=f), args.runs)
        print(f"| queue filtered by vendor, {label} | {p50:.1f} | {p95:.1f} |", flush=True)
    qs = (
        Candidate.objects.filter(client_id=big.client_id, vendor_key=BIG)
        .exclude(risk_level="")
        .values_list("risk_level")
        .annotate(n=Count("*"))
        .order_by()
    )
    sql, params = qs.query.sql_with_params()
    print("\n```\n" + explain(sql, list(params)) + "\n```")


if __name__ == "__main__":
    main()
