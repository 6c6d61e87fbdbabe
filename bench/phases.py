"""The suite's measurements, each against the deployment in bench.stack.

Every function returns raw per-run numbers; run_all.py turns them into Figures. Django is set
up in this process (bench.settings, the bench's database) only to reuse the payload builders of
bench_api and candidates.demo; all traffic goes through HTTP, Celery and SQL like a client's.
"""

from __future__ import annotations

import base64
import io
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bench import load
from bench.harness import percentile
from bench.stack import Stack

URL = "/api/v1/candidates/"
BATCH_URL = "/api/v1/candidates/batch/"
BARE_URL = "/bench/bare/"


@dataclass
class Sizes:
    reps: int
    post_seconds: float
    post_max: int
    worker_n: int
    worker_n_images: int
    memory_n: int
    ring_honest: int
    ring_copies: int
    settle_timeout: float
    steady_seconds: float
    noop_n: int
    lib_n: int
    campus_n: int  # the campus/VPN import's candidates
    campus_group: int  # candidates per shared network in it
    campus_reps: int
    campus_timeout: float  # seconds it may take to settle before it is recorded as not settled
    queries_n: int  # single POSTs whose queries are counted

    @classmethod
    def quick(cls) -> Sizes:
        return cls(3, 4, 600, 60, 30, 300, 40, 3, 60, 10, 60, 2000, 300, 30, 1, 90, 10)

    @classmethod
    def full(cls) -> Sizes:
        # Bounded for ~45-60 min on 2 cores with the 1M databases kept (docs/benchmarks.md):
        # 3 repeats, 2 of the 2.6k campus import, each import cut off at its time limit.
        return cls(
            3, 15, 20_000, 600, 200, 10_000, 600, 4, 300, 30, 500, 20_000, 2600, 40, 2, 240, 30
        )


@dataclass
class Ctx:
    stack: Stack
    key: str
    sizes: Sizes
    raw: dict = field(default_factory=dict)  # everything measured, for the JSON and charts


# Payloads ---------------------------------------------------------------------------------


def small_body(tag: str, i: int) -> dict:
    from bench.bench_api import batch_item  # the honest candidate bench_api already posts

    return batch_item(i % 10_000, f"{tag}-{i // 10_000}")


def bare_body(tag: str, i: int) -> dict:
    body = small_body(tag, i)
    return {k: body[k] for k in ("external_id", "full_name", "email", "phone")}


def photos(n: int, seed: int) -> list[str]:
    """Distinct photos (no two candidates share one, so no link fan-out is timed)."""
    from candidates.demo import image_b64

    return [image_b64(seed + k) for k in range(n)]


def ring_payloads(honest_n: int, copies: int) -> list[dict]:
    """A ring-heavy import: demo's honest candidates (photos, passports) and `copies` copies of
    its fraud rings under new external ids, so each ring holds `copies` times its members."""
    from candidates.demo import fraud_rings, honest

    now = datetime.now(UTC)
    people = [honest(i, now) for i in range(honest_n)]
    for c in range(copies):
        people += [{**p, "external_id": f"{p['external_id']}-c{c}"} for p in fraud_rings(now)]
    # Interleave rings with honest people, as an ATS's history would be ordered.
    return [people[(k * 7919) % len(people)] for k in range(len(people))]


def campus_payloads(n: int, group: int, tag: str = "campus") -> list[dict]:
    """`n` honest candidates (bench_api's: own phone, mailbox, passport, address), 40 % of them
    in groups of `group` that share a network: half the groups a campus network (each member
    its own address in one /24), half a corporate VPN egress (every member the same IP). Nobody
    shares anything else, so every link these networks make is between honest people."""
    shared = int(n * 0.4) // group * group
    people = []
    for i in range(n):
        body = small_body(tag, i)
        if i < shared:
            g, member = divmod(i, group)
            ip = f"128.{100 + g}.7.{member + 2}" if g % 2 == 0 else f"198.{18 + g}.{g}.23"
            body["sessions"] = [{**body["sessions"][0], "ip": ip}]
        people.append(body)
    # Interleaved, as an HR system's history would be ordered (7919 is prime: a permutation).
    return [people[(k * 7919) % n] for k in range(n)]


# Queries per request ------------------------------------------------------------------------


def queries_per_post(ctx: Ctx) -> dict[str, list]:
    """SQL statements per single POST (a new candidate, no images; with a photo) and per item of
    a batch of 50, counted with Django's CaptureQueriesContext around a test-client request in
    this process: the same settings, middleware, views and database as gunicorn's workers, and
    every statement sent on the connection counted (savepoints included). No worker runs: what
    the request queues is not in it."""
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    stack, n = ctx.stack, ctx.sizes.queries_n
    stack.reset()
    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"Authorization": f"Bearer {ctx.key}", "X-Forwarded-Proto": "https"}
    pool = photos(n, 90_000)
    out: dict[str, list] = {"post": [], "post_images": [], "batch_item": []}
    variants = {
        "post": (URL, lambda i: small_body("q", i)),
        "post_images": (URL, lambda i: {**small_body("qi", i), "photo": pool[i]}),
    }
    try:
        for name, (path, make) in variants.items():
            for i in range(n):
                with CaptureQueriesContext(connection) as cq:
                    response = client.post(
                        path, make(i), content_type="application/json", headers=headers
                    )
                if response.status_code not in (200, 201):
                    raise RuntimeError(f"POST answered {response.status_code}")
                out[name].append(len(cq.captured_queries))
                if i == n - 1:
                    out[f"{name}_sql"] = [q["sql"][:160] for q in cq.captured_queries]
        for rep in range(3):
            items = [small_body(f"qb{rep}", i) for i in range(50)]
            with CaptureQueriesContext(connection) as cq:
                response = client.post(
                    BATCH_URL,
                    {"candidates": items},
                    content_type="application/json",
                    headers=headers,
                )
            if response.status_code != 200:
                raise RuntimeError(f"batch answered {response.status_code}")
            out["batch_item"].append(len(cq.captured_queries) / 50)
    finally:
        connections.close_all()  # nothing of this process may hold the database open
        stack.redis_flush()
    ctx.raw["queries"] = out
    return out


# Library ceilings -------------------------------------------------------------------------


def libraries(ctx: Ctx) -> dict[str, list[float]]:
    """Microseconds per call of what the checks call: phonenumbers parse, a geoip2fast lookup,
    and decoding a photo plus its 256-bit pHash."""
    import imagehash
    import phonenumbers
    from geoip2fast import GeoIP2Fast
    from PIL import Image

    geo = GeoIP2Fast(geoip2fast_data_file="geoip2fast-asn-ipv6.dat.gz")
    photo = base64.b64decode(photos(1, 77)[0])
    n = ctx.sizes.lib_n
    out: dict[str, list[float]] = {"phone": [], "geoip": [], "imagehash": []}
    for _ in range(ctx.sizes.reps):
        t0 = time.perf_counter()
        for k in range(n):
            phonenumbers.parse(f"+1 636 555 {k % 10000:04d}", None)
        out["phone"].append((time.perf_counter() - t0) / n * 1e6)
        t0 = time.perf_counter()
        for k in range(n):
            geo.lookup(f"73.{k % 250}.{k // 250 % 250}.18")
        out["geoip"].append((time.perf_counter() - t0) / n * 1e6)
        m = max(20, n // 50)
        t0 = time.perf_counter()
        for _ in range(m):
            with Image.open(io.BytesIO(photo)) as img:
                imagehash.phash(img.convert("L"), hash_size=16)
        out["imagehash"].append((time.perf_counter() - t0) / m * 1e6)
    ctx.raw["libraries_us"] = out
    return out


# Celery ceiling ---------------------------------------------------------------------------


def _celery(ctx: Ctx):
    from celery import Celery

    return Celery("bench-client", broker=ctx.stack.redis_url)


def noop_ready(ctx: Ctx, timeout: float = 60.0) -> bool:
    """A no-op round trip succeeds: a worker is consuming."""
    import redis

    app, r = _celery(ctx), redis.Redis.from_url(ctx.stack.redis_url, socket_timeout=None)
    reply = f"bench-ready-{uuid.uuid4().hex}"
    app.send_task("bench.noop", args=[reply], queue=ctx.stack.queue)
    return r.blpop([reply], timeout=timeout) is not None


def noop(ctx: Ctx) -> dict[str, list[float]]:
    """One worker process: round-trip latency one at a time, then no-ops/s when queued ahead."""
    import redis

    stack, n = ctx.stack, ctx.sizes.noop_n
    stack.reset()
    stack.workers_start(1)
    app, r = _celery(ctx), redis.Redis.from_url(stack.redis_url, socket_timeout=None)
    if not noop_ready(ctx):
        raise RuntimeError("no Celery worker answered a no-op")
    out: dict[str, list[float]] = {"rtt_p50_ms": [], "rtt_p99_ms": [], "per_s": []}
    for _ in range(ctx.sizes.reps):
        rtts = []
        for _ in range(n):
            reply = f"bench-{uuid.uuid4().hex}"
            t0 = time.perf_counter()
            app.send_task("bench.noop", args=[reply], queue=stack.queue)
            if r.blpop([reply], timeout=30) is None:
                raise RuntimeError("a no-op round trip timed out")
            rtts.append((time.perf_counter() - t0) * 1000)
        out["rtt_p50_ms"].append(percentile(rtts, 50))
        out["rtt_p99_ms"].append(percentile(rtts, 99))
        reply = f"bench-{uuid.uuid4().hex}"
        t0 = time.perf_counter()
        for _ in range(n * 4):
            app.send_task("bench.noop", args=[reply], queue=stack.queue)
        got = 0
        while got < n * 4 and r.blpop([reply], timeout=30) is not None:
            got += 1
        out["per_s"].append(got / (time.perf_counter() - t0))
    stack.workers_stop()
    ctx.raw["noop"] = out
    return out


# Single POSTs -----------------------------------------------------------------------------


def single_post(ctx: Ctx) -> dict[str, dict[str, list[float]]]:
    """Closed loop, 4 client threads against 2 sync gunicorn workers, the bare endpoint and the
    real one (with and without a photo) measured alternately in each repeat. No worker runs
    here: this is the web tier's capacity, not the assessment's."""
    stack, s = ctx.stack, ctx.sizes
    stack.reset()
    per_rep = min(s.post_max // 4, 1000)  # a distinct photo for every request
    pool = photos(per_rep * s.reps, 50_000)
    variants = {
        "bare": (BARE_URL, lambda tag, i, rep: bare_body(tag, i)),
        "post": (URL, lambda tag, i, rep: small_body(tag, i)),
        "post_images": (
            URL,
            lambda tag, i, rep: {**small_body(tag, i), "photo": pool[rep * per_rep + i]},
        ),
    }
    out = {name: {"per_s": [], "p50_ms": [], "p99_ms": [], "errors": []} for name in variants}
    for rep in range(s.reps):
        for name, (path, make) in variants.items():
            tag = f"{name}{rep}"
            cap = per_rep if name == "post_images" else s.post_max
            run = load.closed_loop(
                stack.web_port,
                path,
                lambda i, m=make, t=tag, r=rep: m(t, i, r),
                ctx.key,
                threads=4,
                seconds=s.post_seconds,
                max_requests=cap,
            )
            lat = [x.latency * 1000 for x in run.ok]
            out[name]["per_s"].append(run.rate)
            out[name]["p50_ms"].append(percentile(lat, 50))
            out[name]["p99_ms"].append(percentile(lat, 99))
            out[name]["errors"].append(run.errors)
            stack.redis_flush()  # the queued assessments: no worker runs in this phase
    ctx.raw["single_post"] = out
    return out
