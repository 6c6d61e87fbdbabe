"""`make bench`: the whole benchmark suite against a real deployment it starts on loopback.

    make bench BENCH_ARGS=--quick      # CI size, under ten minutes on 2 cores
    make bench                         # full: 1M stored candidates for the scale figures
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/run_all.py --quick

DATABASE_URL names the PostgreSQL server; the suite creates its own throwaway databases
(vetting_bench_*) on it and drops them at the end. It starts a private redis-server on a free
port, gunicorn with 2 sync workers, and Celery worker processes, all on 127.0.0.1, and stops
them all when it ends, fails, is interrupted or runs past --max-minutes. Every figure is the
median of repeated runs with its spread, beside the ceiling measured in the same run; the table
is printed and written as JSON, with charts, to bench/results/. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import signal
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]  # `bench.*` and the older scripts' flat imports

from bench import report  # noqa: E402
from bench.harness import (  # noqa: E402
    BenchTimeout,
    Procs,
    figures_json,
    install_stop_handlers,
    markdown_table,
)
from bench.stack import Stack, database_create, database_drop, db_url  # noqa: E402


def machine() -> dict:
    def run(*argv: str) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""

    mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(int(mem) / 1024 / 1024, 1),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        ),
        "loadavg_start": os.getloadavg(),
        "python": platform.python_version(),
        "postgresql": run("psql", "--version"),
        "redis": run("redis-server", "--version").split(" sha=")[0],
        "gunicorn": run(str(Path(sys.executable).parent / "gunicorn"), "--version"),
        "kernel": platform.release(),
    }


def phase(name: str, errors: dict, fn, *args, **kwargs):
    """Run one measurement; a failure is recorded and the suite goes on to the next."""
    t0 = time.monotonic()
    print(f"-- {name} ...", flush=True)
    try:
        result = fn(*args, **kwargs)
    except (KeyboardInterrupt, BenchTimeout):
        raise
    except Exception as exc:  # one broken measurement must not lose the others
        errors[name] = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
        result = None
    print(f"   {name}: {time.monotonic() - t0:.0f} s", flush=True)
    return result


def scale_scripts(base: str, quick: bool, keep: bool, raw: dict, errors: dict, out: Path) -> None:
    """bench_links and bench_dashboard as they are, each in its own throwaway database: small
    sizes in quick mode, 10k/100k/1M stored candidates in full mode. The full mode also runs
    bench_api (list filters and GET at 1M, in a database of its own) and bench_checks, and
    keeps their Markdown output in the JSON."""
    links_sizes = "10000,30000" if quick else "10000,100000,1000000"
    dash = "30000" if quick else "1000000"
    runs = [
        (
            "links",
            "bench_links.py",
            "links",
            ["--sizes", links_sizes, "--sample", "100" if quick else "300", "--no-explain"],
        ),
        (
            "dashboard",
            "bench_dashboard.py",
            "dashboard",
            ["--candidates", dash, "--runs", "10" if quick else "30"],
        ),
    ]
    if not quick:
        runs += [
            ("api", "bench_api.py", "api", ["--candidates", dash, "--runs", "30"]),
            ("checks", "bench_checks.py", None, ["3000"]),
        ]
    created: set[str] = set()
    try:
        for key, script, db, extra in runs:
            _scale_script(key, script, db, extra, base, keep, created, raw, errors, out)
    finally:
        for name in created if not keep else ():
            database_drop(base, name)


def _scale_script(key, script, db, extra, base, keep, created, raw, errors, out) -> None:
    target, t0 = out / f"{key}.tmp", time.monotonic()
    print(f"-- {script} {' '.join(extra)} ...", flush=True)
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "vetting.settings",
        "PYTHONPATH": str(ROOT),
    }
    try:
        if db:
            name = f"vetting_bench_{db}"
            if name not in created:
                database_create(base, name, fresh=not keep)
                created.add(name)
            env["DATABASE_URL"] = db_url(base, name)
        structured = key in ("links", "dashboard")
        argv = [sys.executable, str(HERE / script), *extra]
        done = subprocess.run(
            argv + (["--json", str(target)] if structured else []),
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        if structured:
            raw[key] = json.loads(target.read_text())
        else:
            raw.setdefault("reports", {})[script] = done.stdout
    except (subprocess.CalledProcessError, OSError, ValueError) as exc:
        errors[script] = f"{exc} {getattr(exc, 'stderr', '') or ''}"[-2000:]
    finally:
        target.unlink(missing_ok=True)
    print(f"   {script}: {time.monotonic() - t0:.0f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI size (under ten minutes)")
    parser.add_argument("--max-minutes", type=float, help="stop everything after this long")
    parser.add_argument("--keep-data", action="store_true", help="keep the vetting_bench_* dbs")
    parser.add_argument("--skip-scale", action="store_true", help="skip bench_links/dashboard")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL") or sys.exit("DATABASE_URL must name a PostgreSQL server")
    mode = "quick" if args.quick else "full"
    args.out.mkdir(parents=True, exist_ok=True)
    procs = Procs()
    atexit.register(procs.stop_all)
    install_stop_handlers(procs, (args.max_minutes or (20 if args.quick else 360)) * 60)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stack = Stack(procs, base, mode, ROOT / "var" / f"bench-{stamp}")
    meta = {"mode": mode, "started": stamp, "machine": machine(), "command": " ".join(sys.argv)}
    raw: dict = {}
    errors: dict = {}
    t0 = time.monotonic()
    try:
        run_stack_phases(stack, mode, raw, errors)
        if not args.skip_scale:
            scale_scripts(base, args.quick, args.keep_data, raw, errors, args.out)
    except (KeyboardInterrupt, BenchTimeout) as exc:  # still report what was measured
        errors["interrupted"] = f"{type(exc).__name__}: {exc}"
    finally:
        quiet_cleanup()
        stack.down(keep_db=args.keep_data)
        procs.stop_all()
    meta.update(
        minutes=round((time.monotonic() - t0) / 60, 1),
        loadavg_end=os.getloadavg(),
        errors=errors,
        raw=raw,
    )
    figures = report.all_figures(raw)
    for script, text in raw.get("reports", {}).items():
        print(f"\n## {script}\n\n{text}")
    print("\n" + markdown_table(figures) + "\n")
    for name, error in errors.items():
        print(f"FAILED {name}: {error}")
    (args.out / f"bench-{mode}.json").write_text(figures_json(figures, meta))
    for path in report.charts(raw, args.out, f"bench-{mode}"):
        print(f"chart: {path}")
    print(
        f"results: {args.out / f'bench-{mode}.json'}; "
        f"{meta['minutes']} min; load average {meta['loadavg_end']}"
    )
    return 1 if errors else 0


def quiet_cleanup() -> None:
    """No second Ctrl-C or alarm may cut the cleanup short."""
    signal.alarm(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def run_stack_phases(stack: Stack, mode: str, raw: dict, errors: dict) -> None:
    from bench.phases import Sizes

    stack.up()
    os.environ.update(stack.env())  # this process builds payloads with the app's own code
    import django

    django.setup()
    from bench import phases
    from bench import phases_worker as pw

    ctx = phases.Ctx(
        stack, stack.api_key("bench"), Sizes.quick() if mode == "quick" else Sizes.full(), raw
    )
    phase("library ceilings", errors, phases.libraries, ctx)
    phase("no-op Celery ceiling", errors, phases.noop, ctx)
    phase("single POST vs bare create", errors, phases.single_post, ctx)
    phase("assessments per worker process", errors, pw.worker_rates, ctx)
    phase("ring-heavy batch import", errors, pw.ring_import, ctx)
    phase("PostgreSQL COPY ceiling", errors, pw.copy_ceiling, ctx)
    sp, wr = raw.get("single_post"), raw.get("worker_rates")
    if sp and wr:
        from bench.harness import summary

        capacity = min(
            summary(sp["post"]["per_s"]).median,
            summary([r["per_s"] for r in wr["two_no_images"]]).median,
        )
        raw["capacity_per_s"] = capacity
        levels = (0.5, 0.9) if mode == "quick" else (0.25, 0.5, 0.75, 0.9)
        phase("steady load", errors, pw.steady, ctx, capacity, levels)
    phase("worker memory", errors, pw.worker_memory, ctx)
    stack.workers_stop()


if __name__ == "__main__":
    sys.exit(main())
