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


def _size_name(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


def scale_scripts(args, raw: dict, errors: dict) -> None:
    """bench_links and bench_dashboard as they are, each size in a database of its own
    (`<prefix>links_10k`, ..., `<prefix>dashboard_1m`): 10k/30k in quick mode, 10k/100k/1M
    stored candidates in full mode. The full mode also runs bench_api (list filters and GET
    at 1M, in the dashboard's database: the same generator) and bench_checks, and keeps their
    Markdown output in the JSON. With --keep-data a database is reused when its marker
    (bench/seed.py) says it holds a complete load of the current generator at that size, and
    loaded afresh otherwise; each script migrates it to the current schema first."""
    quick, base = args.quick, args.base
    links_sizes = (10_000, 30_000) if quick else (10_000, 100_000, 1_000_000)
    dash = 30_000 if quick else 1_000_000
    sample = "100" if quick else "300"
    runs = [
        (
            "links",
            "bench_links.py",
            ("links", size),
            ["--sizes", str(size), "--sample", sample, "--no-explain"],
        )
        for size in links_sizes
    ]
    runs.append(
        (
            "dashboard",
            "bench_dashboard.py",
            ("dashboard", dash),
            ["--candidates", str(dash), "--runs", "10" if quick else "30"],
        )
    )
    if not quick:
        runs += [
            (
                "api",
                "bench_api.py",
                ("dashboard", dash),
                ["--candidates", str(dash), "--runs", "30"],
            ),
            ("checks", "bench_checks.py", None, ["3000"]),
        ]
    created: set[str] = set()
    try:
        for key, script, db, extra in runs:
            _scale_script(key, script, db, extra, args, created, raw, errors)
        _links_rounds(links_sizes, sample, args, created, raw, errors)
    finally:
        for name in created if not args.keep_data else ():
            database_drop(base, name)


LINKS_ROUNDS = 3


def _links_rounds(sizes, sample: str, args, created, raw: dict, errors: dict) -> None:
    """The link-check cost per size, compared under equal conditions: each size is first
    measured right after its own load (cold caches, the next load not started, minutes apart
    from the others), which is kept as `raw.links_after_load`. The figures are then the pooled
    samples of LINKS_ROUNDS rounds that time the sizes one after another (10k, 100k, 1M, 10k,
    ...), so a change in the machine's load falls on every size alike."""
    first = raw.get("links") or []
    if len(first) != len(sizes):
        return  # a size failed: the table says which
    pooled: dict[int, dict] = {}
    for _round in range(LINKS_ROUNDS):
        for size in sizes:
            raw["links"] = []
            extra = ["--measure-only", "--sample", sample]
            _scale_script(
                "links", "bench_links.py", ("links", size), extra, args, created, raw, errors
            )
            for row in raw["links"]:
                loaded = next((r for r in first if r["size"] == size), row)
                into = pooled.setdefault(size, {**loaded, "ms": [], "rounds": 0})
                into["ms"] += row["ms"]
                into["rounds"] += 1
    raw["links_after_load"] = first
    raw["links"] = [pooled[size] for size in sizes if size in pooled] or first


def _reusable(base: str, name: str, kind: str, size: int) -> dict | None:
    """The database's load marker if it holds a complete, current load of `size`."""
    import psycopg2

    from bench import seed

    try:
        conn = psycopg2.connect(db_url(base, name))
    except psycopg2.OperationalError:
        return None  # no such database
    try:
        with conn.cursor() as cur:
            found = seed.marked(cur, kind)
    finally:
        conn.close()
    if found and found["version"] == seed.VERSIONS[kind] and found["size"] == size:
        return found
    return None


def _scale_script(key, script, db, extra, args, created, raw, errors) -> None:
    target, t0 = args.out / f"{key}.tmp", time.monotonic()
    print(f"-- {script} {' '.join(extra)} ...", flush=True)
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "vetting.settings",
        "PYTHONPATH": str(ROOT),
    }
    try:
        if db:
            kind, size = db
            # A throwaway database never takes a kept one's name: it is dropped at the end.
            throwaway = "" if args.keep_data else "tmp_"
            name = f"{args.db_prefix}{throwaway}{kind}_{_size_name(size)}"
            if name not in created:
                kept = _reusable(args.base, name, kind, size) if args.keep_data else None
                print(f"   {name}: {'reused, loaded ' + kept['loaded_at'] if kept else 'fresh'}")
                database_create(args.base, name, fresh=kept is None)
                created.add(name)
                raw.setdefault("databases", {})[name] = kept or "loaded in this run"
            env["DATABASE_URL"] = db_url(args.base, name)
        structured = key in ("links", "dashboard")
        argv = [sys.executable, str(HERE / script), *extra]
        done = subprocess.run(
            argv + (["--json", str(target)] if structured else []),
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        if key == "links":
            raw.setdefault("links", []).extend(json.loads(target.read_text()))
        elif structured:
            raw[key] = json.loads(target.read_text())
        else:
            raw.setdefault("reports", {})[script] = done.stdout
    except (subprocess.CalledProcessError, OSError, ValueError) as exc:
        errors[f"{script} {' '.join(extra)}"] = f"{exc} {getattr(exc, 'stderr', '') or ''}"[-2000:]
    finally:
        target.unlink(missing_ok=True)
    took = time.monotonic() - t0
    seconds = raw.setdefault("scale_seconds", {})  # a script run in rounds: their sum
    label = f"{script} {' '.join(extra)}"
    if db and "--measure-only" in extra:
        label += f" ({_size_name(db[1])})"
    seconds[label] = seconds.get(label, 0.0) + took
    print(f"   {script}: {took:.0f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI size (under ten minutes)")
    parser.add_argument("--max-minutes", type=float, help="stop everything after this long")
    parser.add_argument(
        "--keep-data",
        action=argparse.BooleanOptionalAction,
        help="keep the scale scripts' databases and reuse them when their load is complete and "
        "current (default: on in full mode, off in quick mode)",
    )
    parser.add_argument("--skip-scale", action="store_true", help="skip the scale scripts")
    parser.add_argument(
        "--only-scale", action="store_true", help="only the scale scripts (e.g. to load 1M ahead)"
    )
    parser.add_argument(
        "--db-prefix",
        default="vetting_bench_",
        help="prefix of every database the bench creates (must start with vetting_bench_)",
    )
    parser.add_argument(
        "--only",
        type=lambda v: frozenset(v.split(",")),
        default=frozenset(),
        help=f"run only these of the deployment's phases: {','.join(PHASES)}",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    if args.only - set(PHASES):
        sys.exit(f"unknown phases: {sorted(args.only - set(PHASES))}")
    base = os.environ.get("DATABASE_URL") or sys.exit("DATABASE_URL must name a PostgreSQL server")
    if not args.db_prefix.startswith("vetting_bench_"):
        sys.exit("--db-prefix must start with vetting_bench_ (never anyone else's database)")
    args.base = base
    if args.keep_data is None:
        args.keep_data = not args.quick
    mode = "quick" if args.quick else "full"
    args.out.mkdir(parents=True, exist_ok=True)
    procs = Procs()
    atexit.register(procs.stop_all)
    install_stop_handlers(procs, (args.max_minutes or (30 if args.quick else 90)) * 60)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stack = Stack(procs, base, args.db_prefix + mode, ROOT / "var" / f"bench-{stamp}")
    meta = {"mode": mode, "started": stamp, "machine": machine(), "command": " ".join(sys.argv)}
    raw: dict = {}
    errors: dict = {}
    t0 = time.monotonic()
    try:
        if not args.only_scale:
            run_stack_phases(stack, mode, raw, errors, args.only)
        if not args.skip_scale:
            scale_scripts(args, raw, errors)
    except (KeyboardInterrupt, BenchTimeout) as exc:  # still report what was measured
        errors["interrupted"] = f"{type(exc).__name__}: {exc}"
    finally:
        quiet_cleanup()
        stack.down()
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
    try:
        for path in report.charts(raw, args.out, f"bench-{mode}"):
            print(f"chart: {path}")
    except ImportError as exc:  # the table and JSON are already out; say why there is no chart
        errors["charts"] = f"{exc} (matplotlib is in requirements.lock: `make install`)"
        print(f"FAILED charts: {errors['charts']}")
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


PHASES = ("libraries", "noop", "post", "queries", "workers", "ring", "copy", "campus", "steady")
PHASES += ("memory",)


def run_stack_phases(
    stack: Stack, mode: str, raw: dict, errors: dict, only: frozenset[str] = frozenset()
) -> None:
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

    def run(key: str, name: str, fn, *args) -> None:
        if not only or key in only:
            phase(name, errors, fn, ctx, *args)

    run("libraries", "library ceilings", phases.libraries)
    run("noop", "no-op Celery ceiling", phases.noop)
    run("post", "single POST vs bare create", phases.single_post)
    run("queries", "queries per POST", phases.queries_per_post)
    run("workers", "assessments per worker process", pw.worker_rates)
    run("ring", "ring-heavy batch import", pw.ring_import)
    run("copy", "PostgreSQL COPY ceiling", pw.copy_ceiling)
    run("campus", "campus/VPN import", pw.campus_import)
    sp, wr = raw.get("single_post"), raw.get("worker_rates")
    if sp and wr:
        from bench.harness import summary

        capacity = min(
            summary(sp["post"]["per_s"]).median,
            summary([r["per_s"] for r in wr["two_no_images"]]).median,
        )
        raw["capacity_per_s"] = capacity
        levels = (0.5, 0.9) if mode == "quick" else (0.25, 0.5, 0.75, 0.9)
        run("steady", "steady load", pw.steady, capacity, levels)
    run("memory", "worker memory", pw.worker_memory)
    stack.workers_stop()


if __name__ == "__main__":
    sys.exit(main())
