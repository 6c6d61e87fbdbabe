"""Rule-simulation benchmark: a draft simulated over every stored candidate (default 100k).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_bench_simulate \
        .venv/bin/python bench/bench_simulate.py [--candidates 100000]

Loads candidates with completed assessments and signals the way bench_dashboard does (COPY,
once; a rerun reuses them) plus three sessions each, a tenth of them with a browser clock in
Seoul, so the timezone check has real work when it is re-run. Then times two simulations, as
the workspace runs them (simulation_run, chunk by chunk, progress saved after each):
  1. points, severity and bands only: stored findings reused, no check runs;
  2. one check's parameter changed (timezone.tolerance_minutes): that check re-runs on every
     candidate's stored sessions, the other checks' findings are reused.
Prints a Markdown table for docs/performance.md; asserts no time.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_dashboard
from django.core.management import call_command
from django.db import connection, transaction

from candidates.models import ApiClient, Candidate, Session
from candidates.rules import services
from candidates.rules.models import RuleSimulation
from checks.drafts import rules_of, ruleset_draft_create, ruleset_draft_update


def load_sessions() -> None:
    """Three sessions per candidate that has none yet (one query per 50k candidates)."""
    rng = random.Random(11)
    todo = Candidate.objects.filter(sessions__isnull=True).values_list("pk", "created_at")
    rows = list(todo.iterator(chunk_size=50_000))
    for start in range(0, len(rows), 50_000):
        buf = io.StringIO()
        writer = csv.writer(buf, quoting=csv.QUOTE_ALL)
        for pk, created in rows[start : start + 50_000]:
            zone = "Asia/Seoul" if rng.random() < 0.1 else "America/Chicago"
            for k in range(3):
                seen = created + timedelta(hours=k * 7 + rng.randrange(6))
                ip = f"73.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                writer.writerow([pk, ip, seen.isoformat(), "application", "", zone])
        buf.seek(0)
        with transaction.atomic(), connection.cursor() as cur:
            cur.cursor.copy_expert(
                "COPY candidates_session (candidate_id, ip, seen_at, kind, user_agent, timezone)"
                " FROM STDIN WITH (FORMAT csv)",
                buf,
            )
        print(f"  sessions for {min(start + 50_000, len(rows)):,}", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE candidates_session")


def draft_with(*, points: dict[str, int] | None = None, params: dict | None = None):
    draft = ruleset_draft_create(via="bench", note="bench")
    rules = rules_of(draft)
    for code, value in (points or {}).items():
        rules["signals"][code]["points"] = value
    for check, values in (params or {}).items():
        rules["checks"][check]["params"].update(values)
    if points:
        rules["bands"]["medium"] = 30
    ruleset_draft_update(draft=draft, rules=rules, via="bench")
    return draft


def timed_simulation(draft) -> tuple[float, RuleSimulation]:
    started = time.perf_counter()
    sim = services.simulation_start(draft=draft, filters={}, run=False)
    services.simulation_run(simulation_id=sim.id)
    elapsed = time.perf_counter() - started
    sim.refresh_from_db()
    assert sim.status == "done", sim.error
    return elapsed, sim


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (set DATABASE_URL)")
    call_command("migrate", verbosity=0)
    clients = [
        ApiClient.objects.get_or_create(
            name=f"bench-{i}", defaults={"key_prefix": "vk_bench", "key_hash": f"{i:064d}"}
        )[0]
        for i in range(5)
    ]
    bench_dashboard.load(args.candidates, clients)
    load_sessions()
    n = Candidate.objects.count()
    sessions = Session.objects.count()
    runs = [
        (
            "points and bands only (phone.voip 25→45, medium from 30)",
            {"points": {"phone.voip": 45}},
        ),
        (
            "one parameter: timezone.tolerance_minutes 0→60 (timezone check re-run)",
            {"params": {"timezone": {"tolerance_minutes": 60}}},
        ),
    ]
    print(f"\n{n:,} candidates, {sessions:,} sessions, PostgreSQL {connection.pg_version}\n")
    print("| draft | re-run checks | candidates | seconds | candidates/s | level changes |")
    print("|---|---|---:|---:|---:|---:|")
    for label, changes in runs:
        elapsed, sim = timed_simulation(draft_with(**changes))
        print(
            f"| {label} | {', '.join(sim.rerun_checks) or 'none'} | {sim.done:,} | "
            f"{elapsed:.1f} | {sim.done / elapsed:,.0f} | {sim.result['changed_count']:,} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
