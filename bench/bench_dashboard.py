"""Dashboard benchmark: p95 server-side time of the queue and detail pages at 1M candidates.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_dash_bench \
        .venv/bin/python bench/bench_dashboard.py [--candidates 1000000] [--runs 30]

Bulk-loads candidates, completed assessments and their signals with COPY (once: a rerun reuses
what is there), signs a recruiter in with Django's test Client and times each page. Prints a
Markdown table for docs/performance.md and the EXPLAIN plan of each queue query.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import seed  # noqa: E402
from candidates.dashboard.queue import QueueFilters, queue_page  # noqa: E402
from candidates.models import ApiClient, Candidate  # noqa: E402
from candidates.roles import RECRUITERS  # noqa: E402

_FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Wei Li Anna Priya Kwame Yuki Sofia Tomas "
    "Ahmed Fatima Ivan Olga Chen Maria Lukas Emma Noah Mia Arjun Aisha Diego Lucia"
)
_LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Kim Chen Wang "
    "Eriksson Rossi Mensah Tanaka Natarajan Weber Novak Silva Khan Ali Nguyen Park"
)
FIRST, LAST = _FIRST.split(), _LAST.split()
CODES = (
    "phone.voip",
    "phone.country_mismatch",
    "email.disposable",
    "ip.hosting_provider",
    "ip.country_mismatch",
    "timezone.mismatch",
    "timezone.off_hours_activity",
    "address.shipping_mismatch",
    "payout.name_mismatch",
    "document.expired",
    "link.phone_shared",
    "link.ip_shared",
    "link.photo_duplicate",
    "link.resume_duplicate",
)
LEVELS = ((0, "low"), (25, "medium"), (50, "high"), (75, "critical"))
START = datetime(2025, 11, 1, tzinfo=UTC)


def level_for(score: int) -> str:
    return [name for floor, name in LEVELS if score >= floor][-1]


TABLES = ("candidates_candidate", "candidates_assessment", "candidates_signal")
ASSESS_COLS = (
    "id,candidate_id,seq,status,trigger,risk_score,"
    "risk_level,ruleset_version,requested_at,assessed_at,attempts,error"
)
SIGNAL_COLS = (
    "assessment_id,code,check_name,score,contribution,"
    "severity,message,evidence,related_candidates,related_count"
)


def load(n: int, clients: list[ApiClient], chunk: int = 100_000) -> float:
    """Grow the database to `n` candidates (secondary indexes dropped for a big load and built
    once after it, like bench_links); returns the seconds it took. run_all.py's reuse marker
    is removed first and written only after the load, the rebuild and VACUUM finished."""
    from candidates.models import Assessment, Signal

    t0 = time.perf_counter()
    rng = random.Random(7)
    have = Candidate.objects.count()
    if have >= n:
        return 0.0
    with connection.cursor() as cur:
        seed.unmark(cur, "dashboard")
        restore = seed.drop_secondary_indexes(cur, TABLES) if n - have > 50_000 else []
    ids: list[str] = []
    try:
        for start in range(have, n, chunk):
            bufs = io.StringIO(), io.StringIO(), io.StringIO()
            # QUOTE_ALL: in PostgreSQL's CSV an unquoted empty field is NULL, a quoted one "".
            writers = [csv.writer(b, quoting=csv.QUOTE_ALL) for b in bufs]
            for i in range(start, min(start + chunk, n)):
                _row(i, rng, clients, ids, *writers)
            cands, assess, sigs = bufs
            # One transaction: candidate and assessment reference each other (deferred FKs).
            with transaction.atomic(), connection.cursor() as cur:
                raw = cur.cursor  # psycopg2's cursor, for COPY
                raw.execute("SET LOCAL synchronous_commit = off")
                # Generated ids are consistent by construction: skip the per-row FK triggers.
                raw.execute("SET LOCAL session_replication_role = replica")
                undo = seed.fill_unknown_columns(raw, Assessment, ASSESS_COLS)
                undo += seed.fill_unknown_columns(raw, Candidate, _CAND_COLS)
                undo += seed.fill_unknown_columns(raw, Signal, SIGNAL_COLS)
                for table, cols, buf in (
                    ("candidates_assessment", ASSESS_COLS, assess),
                    ("candidates_candidate", _CAND_COLS, cands),
                    ("candidates_signal", SIGNAL_COLS, sigs),
                ):
                    buf.seek(0)
                    raw.copy_expert(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)", buf)
                for sql in undo:
                    raw.execute(sql)
            print(f"  loaded {min(start + chunk, n):,}", flush=True)
    finally:
        if restore:
            with connection.cursor() as cur:
                seed.restore_indexes(cur, restore)
    with connection.cursor() as cur:  # VACUUM: the visibility map index-only scans need
        for table in TABLES:
            cur.execute(f"VACUUM (ANALYZE) {table}")
        took = time.perf_counter() - t0
        seed.mark(cur, "dashboard", n, took)
    return took


_CAND_COLS = (
    "id,client_id,external_id,full_name,email,phone,nationality,claimed_country,"
    "payout_account_holder,payout_bank_country,payout_routing_number,"
    "payout_account_key,payout_account_last4,payout_iban_last4,has_payout,"
    "resume_text,created_at,updated_at,assessment_seq,assessment_status,risk_score,"
    "risk_level,assessed_at,review_status,review_note,completed_assessment_id,"
    "latest_assessment_id,claimed_location"
)


def _row(i: int, rng: random.Random, clients: list[ApiClient], ids: list[str], cw, aw, sw) -> None:
    cid, aid = str(uuid.uuid4()), str(uuid.uuid4())
    first, last = rng.choice(FIRST), rng.choice(LAST)
    created = START + timedelta(seconds=rng.randrange(365 * 86400))
    codes = rng.sample(CODES, k=rng.choice((0, 0, 0, 1, 1, 2, 3)))
    points = [rng.choice((10, 20, 25, 30, 40, 60)) for _ in codes]
    remaining = 1.0
    for p in points:
        remaining *= 1 - p / 100
    score = round(100 * (1 - remaining))
    level = level_for(score)
    review = rng.choices(("unreviewed", "cleared", "rejected", "escalated"), (80, 15, 3, 2))[0]
    ts = created.isoformat()
    location = {"country": "US", "timezone": "America/Chicago", "city": "St. Louis"}
    cw.writerow(
        [
            cid,
            rng.choice(clients).id,
            f"ext-{i:07d}",
            f"{first} {last}",
            f"{first.lower()}.{last.lower()}{i}@example.com",
            f"+1 314 200 {i % 10000:04d}",
            "USA",
            "US",
            "",
            "",
            "",
            "",
            "",
            "",
            "false",
            "",
            ts,
            ts,
            1,
            "completed",
            score,
            level,
            ts,
            review,
            "",
            aid,
            aid,
            json.dumps(location),
        ]
    )
    aw.writerow([aid, cid, 1, "completed", "upsert", score, level, 1, ts, ts, 1, ""])
    total = max(sum(points), 1)
    for code, p in zip(codes, points, strict=True):
        recent = len(ids) - max(0, len(ids) - 5000)  # two of the last 5000 loaded
        others = (
            [ids[-1 - k] for k in rng.sample(range(recent), k=min(2, recent))]
            if code.startswith("link.")
            else []
        )
        related = [{"id": o, "shared": code[5:]} for o in others]
        sw.writerow(
            [
                aid,
                code,
                code.split(".")[0],
                p,
                round(score * p / total),
                "medium",
                f"Benchmark finding {code}",
                "{}",
                json.dumps(related),
                len(related),
            ]
        )
    ids.append(cid)


def timed(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    client.get(url)  # warm caches
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))], len(samples)


def explain_queue(client: Client, url: str) -> str:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    sql = next(
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "candidates_candidate"' in q["sql"] and "LIMIT" in q["sql"]
    )
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(r[0] for r in cur.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--json", help="also write each page's p50/p95 here")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (set DATABASE_URL)")
    call_command("migrate", verbosity=0)
    rows: list[dict] = []
    clients = [
        ApiClient.objects.get_or_create(
            name=f"bench-{i}", defaults={"key_prefix": "vk_bench", "key_hash": f"{i:064d}"}
        )[0]
        for i in range(5)
    ]
    load(args.candidates, clients)
    user, _ = User.objects.get_or_create(username="bench-recruiter", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=RECRUITERS))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    top = list(
        Candidate.objects.filter(review_status="unreviewed")
        .order_by("-risk_score", "-created_at", "-id")
        .values_list("id", flat=True)[:5]
    )
    cursor_page = queue_page(filters=QueueFilters()).next_cursor
    pages = {
        "queue, default (unreviewed)": "/",
        "queue, next page (keyset)": f"/?after={cursor_page}",
        "queue, all statuses": "/?status=",
        "queue, level=critical": "/?level=critical",
        "queue, level=low": "/?level=low",
        "queue, level=medium, all statuses": "/?level=medium&status=",
        "queue, signal code link.photo_duplicate": "/?code=link.photo_duplicate",
        "queue, signal code nobody has": "/?code=document.mrz_invalid",
        "queue, source client": f"/?client={clients[2].id}",
        "queue, created in one week": "/?created_from=2026-03-01&created_to=2026-03-07",
        "queue, search name prefix 'Anna Ros'": "/?q=Anna+Ros",
        "queue, search email prefix": "/?q=james.smith1",
        "queue, search external id": "/?q=ext-0424242",
        "queue, level=high + code + client": (
            f"/?level=high&code=link.ip_shared&client={clients[1].id}"
        ),
    }
    print(f"\n{Candidate.objects.count():,} candidates\n")
    print("| page | p50 ms | p95 ms | runs |\n|---|---:|---:|---:|")
    for label, url in pages.items():
        p50, p95, n = timed(client, url, args.runs)
        rows.append({"page": label, "p50_ms": p50, "p95_ms": p95, "runs": n})
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {n} |", flush=True)
    detail = [timed(client, f"/candidates/{cid}/", max(args.runs // 5, 3)) for cid in top]
    p95 = sorted(d[1] for d in detail)[-1]
    print(
        f"| candidate detail (5 top candidates, worst p95) | "
        f"{statistics.median(d[0] for d in detail):.1f} | {p95:.1f} | "
        f"{sum(d[2] for d in detail)} |"
    )
    rows.append(
        {
            "page": "candidate detail",
            "p50_ms": statistics.median(d[0] for d in detail),
            "p95_ms": p95,
            "runs": sum(d[2] for d in detail),
        }
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"candidates": Candidate.objects.count(), "pages": rows})
        )
    if args.explain:
        for label, url in pages.items():
            if "next page" in label:
                continue
            print(f"\n### {label}\n```\n{explain_queue(client, url)}\n```")


if __name__ == "__main__":
    main()
