"""The suite's asynchronous measurements: workers, imports, steady load, COPY."""

from __future__ import annotations

import io
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg2

from bench import load
from bench.harness import cpu_seconds, peak_rss_mb, percentile, wait_until
from bench.phases import (
    BATCH_URL,
    URL,
    Ctx,
    campus_payloads,
    noop_ready,
    photos,
    ring_payloads,
    small_body,
)

UNSETTLED = "SELECT count(*) FROM candidates_assessment WHERE status NOT IN ('completed', 'failed')"
FINISHED = "SELECT count(*) FROM candidates_assessment WHERE status IN ('completed', 'failed')"


def _count(ctx: Ctx, sql: str) -> int:
    return ctx.stack.sql(sql)[0][0]


def post_batches(ctx: Ctx, items: list[dict], *, per_call: int = 50, parallel: int = 1) -> float:
    """POST `items` through batch/ (`per_call` each); returns the seconds it took."""
    chunks = [items[k : k + per_call] for k in range(0, len(items), per_call)]

    def send(chunk: list[dict]) -> None:
        sample = load.post(ctx.stack.web_port, BATCH_URL, {"candidates": chunk}, ctx.key, 300)
        if sample.status != 200:
            raise RuntimeError(f"batch answered {sample.status}: {str(sample.body)[:300]}")

    t0 = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(send, chunks))
    return time.perf_counter() - t0


_PENDING: dict[str, str] = {}


def _pending_sql(ctx: Ctx) -> str:
    """Unfinished assessments, plus the link backlog's rows (holders of a crowded value still to
    be requested) when that table exists: an import has settled when both are gone."""
    if ctx.stack.db_url not in _PENDING:
        (backlog,) = ctx.stack.sql("SELECT to_regclass('checks_linkreassessbacklog')::text")[0]
        extra = f" + (SELECT count(*) FROM {backlog})" if backlog else ""
        _PENDING[ctx.stack.db_url] = f"SELECT ({UNSETTLED}){extra}"
    return _PENDING[ctx.stack.db_url]


def settle(ctx: Ctx, timeout: float) -> bool:
    sql = _pending_sql(ctx)
    return wait_until(lambda: _count(ctx, sql) == 0, timeout=timeout, step=0.25)


def has_scope(ctx: Ctx) -> bool:
    """Whether assessments record their scope ('full' or 'links': a link-only refresh)."""
    return bool(
        ctx.stack.sql(
            "SELECT 1 FROM information_schema.columns WHERE table_name = "
            "'candidates_assessment' AND column_name = 'scope'"
        )
    )


def breakdown(ctx: Ctx, candidates: int) -> dict:
    """Assessment rows per candidate by scope (all 'full' where there is no scope column), and
    the mean and median time the completed ones took in the worker (started_at → assessed_at),
    plus
    the worker CPU of each task recorded by bench.worker_app, joined to its assessment."""
    scope = "scope" if has_scope(ctx) else "'full'"
    took = "extract(epoch FROM assessed_at - started_at)::float * 1000"
    done = "FILTER (WHERE status = 'completed')"
    rows = ctx.stack.sql(
        f"SELECT {scope}, count(*), avg({took}) {done}, "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {took}) {done} "
        "FROM candidates_assessment GROUP BY 1"
    )
    out: dict = {"has_scope": scope == "scope", "scopes": {}}
    total = _count(ctx, "SELECT count(*) FROM candidates_assessment")
    out["per_candidate"] = total / candidates
    for name, n, mean_ms, p50_ms in rows:
        out["scopes"][name] = {
            "per_candidate": n / candidates,
            "wall_mean_ms": mean_ms,
            "wall_p50_ms": p50_ms,
        }
    import redis

    from bench.worker_app import TASK_CPU

    tasks = [
        json.loads(x) for x in redis.Redis.from_url(ctx.stack.redis_url).lrange(TASK_CPU, 0, -1)
    ]
    ids = [t[1] for t in tasks]
    scopes = dict(
        ctx.stack.sql(
            f"SELECT id::text, {scope} FROM candidates_assessment WHERE id::text = ANY(%s)", [ids]
        )
    )
    by: dict[str, list[float]] = {}
    for name, first, cpu_ms, _wall in tasks:
        by.setdefault(scopes.get(first) or f"task {name}", []).append(cpu_ms)
    out["task_cpu"] = {
        key: {"n": len(v), "mean_ms": statistics.mean(v), "total_ms": sum(v)}
        for key, v in by.items()
    }
    return out


def _pg_backends(ctx: Ctx) -> list[int]:
    rows = ctx.stack.sql(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )
    return [r[0] for r in rows]


def worker_rate(ctx: Ctx, *, n: int, images: bool, workers: int) -> dict[str, float]:
    """Assessments/s of `workers` solo worker processes draining `n` queued new candidates.
    The rate is taken between the 10th and 90th percentile completion times, so worker
    start-up and the last stragglers are not in it. Also the CPU seconds per assessment spent
    by the workers, by PostgreSQL's backends and by Redis (which is the next bottleneck)."""
    stack = ctx.stack
    stack.reset()
    pool = photos(n, 70_000) if images else []
    items = [
        {**small_body(f"w{workers}{int(images)}", i), **({"photo": pool[i]} if images else {})}
        for i in range(n)
    ]
    post_batches(ctx, items, parallel=2)
    pids = stack.workers_start(workers)
    # CPU is counted from a fifth of the way on, so the workers' start-up is not in it.
    first = max(1, n // 5)
    wait_until(lambda: _count(ctx, FINISHED) >= first, timeout=ctx.sizes.settle_timeout, step=0.05)
    cpu0 = _cpu(ctx, pids)
    done = wait_until(lambda: _count(ctx, FINISHED) >= n, timeout=ctx.sizes.settle_timeout)
    cpu1 = _cpu(ctx, pids)
    times = [
        r[0]
        for r in stack.sql(
            "SELECT extract(epoch FROM assessed_at)::float FROM candidates_assessment "
            "WHERE status = 'completed' ORDER BY 1"
        )
    ]
    peak = max(peak_rss_mb(p) for p in pids)
    stack.workers_stop()
    lo, hi = percentile(times, 10), percentile(times, 90)
    middle = sum(1 for t in times if lo <= t <= hi)
    counted = max(cpu1["done"] - cpu0["done"], 1)
    out = {
        "per_s": (middle - 1) / (hi - lo) if hi > lo else float("nan"),
        "completed": len(times),
        "settled": float(done),
        "peak_rss_mb": peak,
    }
    for key in ("worker", "pg", "redis"):
        out[f"{key}_cpu_ms"] = (cpu1[key] - cpu0[key]) / counted * 1000
    return out


def _cpu(ctx: Ctx, workers: list[int]) -> dict[str, float]:
    """CPU seconds so far of the workers, this database's PostgreSQL backends and Redis."""
    return {
        "done": _count(ctx, FINISHED),
        "worker": sum(cpu_seconds(p) for p in workers),
        "pg": sum(cpu_seconds(p) for p in _pg_backends(ctx)),
        "redis": cpu_seconds(ctx.stack.procs.running["redis"].pid),
    }


def worker_rates(ctx: Ctx) -> dict[str, list[dict]]:
    s = ctx.sizes
    out = {
        "one_no_images": [
            worker_rate(ctx, n=s.worker_n, images=False, workers=1) for _ in range(s.reps)
        ],
        "one_images": [
            worker_rate(ctx, n=s.worker_n_images, images=True, workers=1) for _ in range(s.reps)
        ],
        "two_no_images": [
            worker_rate(ctx, n=s.worker_n, images=False, workers=2) for _ in range(s.reps)
        ],
    }
    ctx.raw["worker_rates"] = out
    return out


def worker_memory(ctx: Ctx) -> dict[str, float]:
    """Peak RSS of one worker process after `memory_n` assessments (no images), next to its
    RSS when idle after start-up."""
    stack, n = ctx.stack, ctx.sizes.memory_n
    stack.reset()
    (pid,) = stack.workers_start(1)
    if not noop_ready(ctx):
        raise RuntimeError("the worker did not start")
    idle = peak_rss_mb(pid)
    items = [small_body("mem", i) for i in range(n)]
    post_batches(ctx, items, per_call=100)
    settled = settle(ctx, ctx.sizes.settle_timeout * max(1, n // 1000))
    done = _count(ctx, "SELECT count(*) FROM candidates_assessment WHERE status = 'completed'")
    out = {"idle_mb": idle, "peak_mb": peak_rss_mb(pid), "assessments": done, "settled": settled}
    stack.workers_stop()
    ctx.raw["worker_memory"] = out
    return out


def _import(ctx: Ctx, items: list[dict], reps: int, timeout: float, workers: int) -> dict:
    out: dict = {"accepted_per_s": [], "settled_s": [], "per_candidate": [], "timed_out": []}
    out["breakdown"] = []
    for _ in range(reps):
        ctx.stack.reset()
        ctx.stack.workers_start(workers)
        if not noop_ready(ctx):
            raise RuntimeError("no worker answered")
        t0 = time.perf_counter()
        took = post_batches(ctx, items)
        settled = settle(ctx, timeout)
        out["accepted_per_s"].append(len(items) / took)
        # Not settled in time: the time limit is recorded, as a lower bound (timed_out says so).
        out["settled_s"].append(time.perf_counter() - t0)
        out["timed_out"].append(not settled)
        ctx.stack.workers_stop()  # the counts below are then final for what was done
        detail = breakdown(ctx, len(items))
        out["per_candidate"].append(detail["per_candidate"])
        out["breakdown"].append(detail)
    out["candidates"] = [len(items)]
    out["timeout_s"] = timeout
    return out


def ring_import(ctx: Ctx, workers: int = 2) -> dict:
    """A ring-heavy import through batch/ (50 per call, one client at a time, as an ATS's
    first sync), workers running: candidates/s accepted, seconds until every assessment
    settled, and assessment rows per candidate (link reassessments included), split into full
    assessments and link-only refreshes where assessments record their scope."""
    s = ctx.sizes
    items = ring_payloads(s.ring_honest, s.ring_copies)
    out = _import(ctx, items, s.reps, s.settle_timeout, workers)
    ctx.raw["ring_import"] = out
    return out


def campus_import(ctx: Ctx, workers: int = 2) -> dict:
    """Honest candidates of whom dozens share a campus network or a corporate VPN egress,
    through batch/ like ring_import: assessments per candidate and settle time."""
    s = ctx.sizes
    items = campus_payloads(s.campus_n, s.campus_group)
    out = _import(ctx, items, s.campus_reps, s.campus_timeout, workers)
    out["group"] = s.campus_group
    out["shared"] = int(s.campus_n * 0.4) // s.campus_group * s.campus_group
    ctx.raw["campus_import"] = out
    return out


def copy_ceiling(ctx: Ctx) -> list[float]:
    """Candidates/s PostgreSQL's COPY stores when given the rows the import stored: the
    candidates and every row of every table that references them, into copies of those tables
    with their indexes. Run right after ring_import, on its rows."""
    tables = [
        r[0]
        for r in ctx.stack.sql(
            "SELECT table_name FROM information_schema.columns WHERE column_name = "
            "'candidate_id' AND table_schema = 'public' ORDER BY 1"
        )
    ]
    tables = ["candidates_candidate", *tables]
    conn = psycopg2.connect(ctx.stack.db_url)
    dumps = {}
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM candidates_candidate")
        n = cur.fetchone()[0]
        for table in tables:
            buf = io.StringIO()
            cur.copy_expert(f"COPY {table} TO STDOUT", buf)
            dumps[table] = buf.getvalue()
    rates = []
    for _ in range(ctx.sizes.reps):
        with conn.cursor() as cur:
            for table in tables:
                cur.execute(f"DROP TABLE IF EXISTS bench_copy_{table}")
                cur.execute(f"CREATE TABLE bench_copy_{table} (LIKE {table} INCLUDING ALL)")
            conn.commit()
            t0 = time.perf_counter()
            for table in tables:
                cur.copy_expert(f"COPY bench_copy_{table} FROM STDIN", io.StringIO(dumps[table]))
            conn.commit()
            rates.append(n / (time.perf_counter() - t0) if n else float("nan"))
    with conn.cursor() as cur:
        for table in tables:
            cur.execute(f"DROP TABLE IF EXISTS bench_copy_{table}")
    conn.commit()
    conn.close()
    ctx.raw["copy_per_s"] = rates
    return rates


def steady(ctx: Ctx, capacity: float, fractions=(0.5, 0.9), workers: int = 2) -> dict:
    """Open-loop POSTs at fractions of capacity, workers running: POST→completed latency is
    the first completed assessment's assessed_at minus the moment the POST was sent."""
    stack, s = ctx.stack, ctx.sizes
    stack.reset()
    stack.workers_start(workers)
    if not noop_ready(ctx):
        raise RuntimeError("no worker answered")
    out: dict = {}
    for frac in fractions:
        rate = capacity * frac
        level = {"rate": rate, "p50_ms": [], "p99_ms": [], "post_p50_ms": [], "unsettled": []}
        for rep in range(s.reps):
            tag = f"steady{int(frac * 100)}-{rep}"
            run = load.open_loop(
                stack.web_port,
                URL,
                lambda i, t=tag: small_body(t, i),
                ctx.key,
                rate=rate,
                seconds=s.steady_seconds,
            )
            settle(ctx, s.settle_timeout)
            sent = {x.body.get("id"): x.sent_wall for x in run.ok if x.body.get("id")}
            rows = stack.sql(
                "SELECT candidate_id::text, min(extract(epoch FROM assessed_at))::float "
                "FROM candidates_assessment WHERE status = 'completed' "
                "AND candidate_id::text = ANY(%s) GROUP BY 1",
                [list(sent)],
            )
            lat = [(done - sent[cid]) * 1000 for cid, done in rows]
            level["p50_ms"].append(percentile(lat, 50))
            level["p99_ms"].append(percentile(lat, 99))
            level["post_p50_ms"].append(percentile([x.latency * 1000 for x in run.ok], 50))
            level["unsettled"].append(len(sent) - len(rows) + run.errors)
        out[f"{int(frac * 100)}"] = level
    stack.workers_stop()
    ctx.raw["steady"] = out
    return out
