"""`make bench`: every benchmark, each in a PostgreSQL database of its own (created if missing).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting REDIS_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/run_all.py [--candidates 1000000]

The large ones bulk-load up to --candidates rows once and reuse them on later runs. Figures are
printed as Markdown for docs/performance.md; nothing here asserts a time (timed tests lie on a
shared machine).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

HERE = Path(__file__).resolve().parent


def _database(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=1_000_000)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL") or sys.exit("DATABASE_URL must name a PostgreSQL server")
    sizes = sorted({min(10_000, args.candidates), min(100_000, args.candidates), args.candidates})
    runs = [
        ("bench_checks.py", None, []),
        ("bench_worker.py", "vetting_bench_worker", ["500"]),
        ("bench_links.py", "vetting_bench_links", ["--sizes", ",".join(map(str, sizes))]),
        ("bench_api.py", "vetting_bench_api", ["--candidates", str(args.candidates)]),
        ("bench_dashboard.py", "vetting_bench_dashboard", ["--candidates", str(args.candidates)]),
        ("bench_simulate.py", "vetting_bench_simulate", ["--candidates", "100000"]),
    ]
    failed = 0
    for script, database, extra in runs:
        env = {**os.environ, "DEBUG": "1"}
        if database:
            env["DATABASE_URL"] = _database(base, database)
        print(f"\n## {script}\n", flush=True)
        result = subprocess.run([sys.executable, str(HERE / script), *extra], env=env, check=False)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
