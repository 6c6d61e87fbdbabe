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

    @classmethod
    def quick(cls) -> Sizes:
        return cls(3, 4, 600, 60, 30, 300, 40, 3, 60, 10, 60, 2000)

    @classmethod
    def full(cls) -> Sizes:
        return cls(5, 15, 20_000, 1000, 300, 10_000, 600, 4, 600, 30, 1000, 20_000)


@dataclass
class Ctx:
    stack: Stack
    key: str
    sizes: Sizes
    raw: dict = field(default_factory=dict)  # everything measured, for the JSON and charts


# Payloads ---------------------------------------------------------------------------------


def small_body(tag: str, i: int) -> dict:
    from bench_api import batch_item  # the honest candidate bench_api already posts

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
