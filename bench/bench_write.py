"""The write path alone: single POST req/s beside the bare DRF create, and batch/ candidates/s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/bench_write.py [--reps 5] [--seconds 5]

The same deployment `make bench` starts (bench.stack: a throwaway vetting_bench_write database,
a private redis-server, gunicorn with 2 sync workers, no Celery worker), and the same
measurements as its "single POST vs bare create" phase (bench.phases), without the rest of the
suite: a few minutes, for before/after comparisons of the request itself. Each repeat measures
the bare endpoint and the real one back to back, so a busy machine slows both alike; the ratio
is the comparable figure. Then batch/ imports of new candidates, 50 per call, with no worker
consuming: what the web tier accepts.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from bench.harness import Procs, install_stop_handlers, percentile, summary  # noqa: E402
from bench.stack import Stack  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--batch-candidates", type=int, default=500)
    parser.add_argument("--batch-reps", type=int, default=3)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL") or sys.exit("DATABASE_URL must name a PostgreSQL server")
    # As docker-compose.yml deploys it, behind a TLS-terminating proxy: else production's
    # settings redirect every plain-HTTP request of the load generator to HTTPS.
    os.environ.setdefault("VETTING_BEHIND_PROXY", "1")
    procs = Procs()
    atexit.register(procs.stop_all)
    install_stop_handlers(procs, 30 * 60)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stack = Stack(procs, base, "write", ROOT / "var" / f"bench-write-{stamp}")
    load_start = os.getloadavg()
    try:
        stack.up()
        os.environ.update(stack.env())
        import django

        django.setup()
        from bench import load, phases
        from bench.phases_worker import post_batches

        key = stack.api_key("bench")
        rates: dict[str, list[float]] = {"bare": [], "post": []}
        p50: dict[str, list[float]] = {"bare": [], "post": []}
        variants = {
            "bare": (phases.BARE_URL, phases.bare_body),
            "post": (phases.URL, phases.small_body),
        }
        for rep in range(args.reps):
            for name, (path, make) in variants.items():
                run = load.closed_loop(
                    stack.web_port,
                    path,
                    lambda i, m=make, t=f"{name}{rep}": m(t, i),
                    key,
                    threads=4,
                    seconds=args.seconds,
                    max_requests=20_000,
                )
                rates[name].append(run.rate)
                p50[name].append(percentile([s.latency * 1000 for s in run.ok], 50))
                if run.errors:
                    print(f"{name} rep {rep}: {run.errors} errors", flush=True)
                stack.redis_flush()
            print(
                f"rep {rep}: bare {rates['bare'][-1]:.1f}/s, post {rates['post'][-1]:.1f}/s",
                flush=True,
            )
        ratios = [p / b for p, b in zip(rates["post"], rates["bare"], strict=True) if b]
        batch_rates = []
        for rep in range(args.batch_reps):
            stack.reset()
            items = [phases.small_body(f"batch{rep}", i) for i in range(args.batch_candidates)]
            took = post_batches(phases.Ctx(stack, key, phases.Sizes.quick()), items)
            batch_rates.append(len(items) / took)
            print(f"batch rep {rep}: {batch_rates[-1]:.1f} candidates/s", flush=True)
        stack.redis_flush()
    finally:
        stack.down()
        procs.stop_all()
    rows = [
        ("single POST, no images (req/s)", summary(rates["post"])),
        ("bare DRF create (req/s)", summary(rates["bare"])),
        ("ratio post / bare, per repeat", summary(ratios)),
        ("single POST p50 (ms)", summary(p50["post"])),
        ("bare p50 (ms)", summary(p50["bare"])),
        (f"batch/, 50 per call, {args.batch_candidates} new (candidates/s)", summary(batch_rates)),
    ]
    print(f"\nload average at start {load_start}, at end {os.getloadavg()}")
    print("| figure | median ± half range | runs |\n|---|---:|---:|")
    for label, stat in rows:
        print(f"| {label} | {stat.median:.2f} ± {stat.spread:.2f} | {stat.n} |")
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"{(time.monotonic() - started) / 60:.1f} min")
    sys.exit(code)
