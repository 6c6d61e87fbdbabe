"""The load generator: HTTP POSTs to the bench's own gunicorn on 127.0.0.1, nowhere else.

Closed loop (a few threads back to back: capacity) and open loop (a fixed arrival rate:
latency under steady load). Both stop at a request count or a time limit, whichever is first.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

HOST = "127.0.0.1"  # the only host this module ever connects to


@dataclass
class Sample:
    sent_wall: float  # time.time() when the request was sent (compared with assessed_at)
    latency: float  # seconds until the whole answer was read
    status: int
    body: dict = field(default_factory=dict)


def post(port: int, path: str, body: dict, key: str, timeout: float = 60.0) -> Sample:
    data = json.dumps(body).encode()
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {key}",
        "X-Forwarded-Proto": "https",  # the TLS-terminating proxy's header (bench/stack.py)
    }
    wall, t0 = time.time(), time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("POST", path, data, headers)
        response = conn.getresponse()
        raw = response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        return Sample(wall, time.perf_counter() - t0, 0)
    finally:
        conn.close()
    latency = time.perf_counter() - t0
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        parsed = {}
    return Sample(wall, latency, status, parsed if isinstance(parsed, dict) else {})


@dataclass
class Run:
    samples: list[Sample]
    elapsed: float

    @property
    def ok(self) -> list[Sample]:
        return [s for s in self.samples if 200 <= s.status < 300]

    @property
    def rate(self) -> float:
        return len(self.ok) / self.elapsed if self.elapsed else 0.0

    @property
    def errors(self) -> int:
        return len(self.samples) - len(self.ok)


def closed_loop(
    port: int,
    path: str,
    make_body: Callable[[int], dict],
    key: str,
    *,
    threads: int,
    seconds: float,
    max_requests: int,
) -> Run:
    """`threads` clients each sending the next request as soon as the last one answered."""
    counter, lock, samples = iter(range(max_requests)), threading.Lock(), []
    end = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < end:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            sample = post(port, path, make_body(i), key)
            with lock:
                samples.append(sample)

    t0 = time.perf_counter()
    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=seconds + 120)
    return Run(samples, time.perf_counter() - t0)


def open_loop(
    port: int,
    path: str,
    make_body: Callable[[int], dict],
    key: str,
    *,
    rate: float,
    seconds: float,
    threads: int = 32,
) -> Run:
    """Requests at a fixed rate (evenly spaced arrivals), whatever the answers' latency, up to
    `threads` in flight; a request that finds no free thread waits and is counted late."""
    total = max(1, int(rate * seconds))
    counter, lock, samples = iter(range(total)), threading.Lock(), []
    t0 = time.monotonic()

    def client() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            delay = t0 + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sample = post(port, path, make_body(i), key)
            with lock:
                samples.append(sample)

    started = time.perf_counter()
    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=seconds + 120)
    return Run(samples, time.perf_counter() - started)
