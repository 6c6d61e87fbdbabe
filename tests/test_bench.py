"""The benchmark suite's harness, so `make bench` does not rot between runs.

Only the pure parts run here (statistics, budgets, the table, the JSON, the charts' input, the
load generator against a tiny local server, and stopping a process tree): no deployment, no
load, no timings asserted.
"""

import http.server
import json
import math
import os
import threading
import time

import pytest

from bench import load, phases, phases_worker, report, stack
from bench.harness import (
    Figure,
    Procs,
    Stat,
    budget_met,
    figures_json,
    markdown_table,
    percentile,
    summary,
    wait_until,
)


def test_summary_is_the_median_and_half_the_range():
    stat = summary([10.0, 14.0, 11.0])
    assert (stat.median, stat.spread, stat.n) == (11.0, 2.0, 3)
    assert stat.text() == "11.0 ± 2.0"
    assert summary([]).text() == "n/a"
    assert summary([float("nan"), 4.0]).median == 4.0
    assert Stat(3.0, math.nan, 1).text() == "3.0"


def test_percentile_is_nearest_rank():
    samples = list(range(1, 101))
    assert percentile(samples, 50) == 50
    assert percentile(samples, 99) == 99
    assert percentile(samples, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


@pytest.mark.parametrize(
    ("budget", "value", "ratio", "met"),
    [
        ("≥ 200", 250.0, None, True),
        ("≥ 200", 70.0, None, False),
        ("< 1000", 999.0, None, True),
        ("≤ 1.2", 11.9, None, False),
        ("ratio ≥ 0.5", 85.0, 0.12, False),
        ("ratio ≤ 1.5", 3.0, 1.4, True),
        ("ratio ≥ 0.5", 85.0, None, None),  # no ceiling measured: unknown, not failed
        ("", 1.0, None, None),
        ("≥ 150", float("nan"), None, None),
    ],
)
def test_budgets(budget, value, ratio, met):
    assert budget_met(budget, value, ratio) is met


def test_the_table_has_value_ceiling_ratio_budget_and_verdict():
    figures = [
        Figure(
            "single POST",
            summary([85, 80, 90]),
            "req/s",
            summary([739, 700]),
            "bare",
            "ratio ≥ 0.5",
        ),
        Figure("memory", Stat(300, math.nan, 1), "MB", note="one run"),
    ]
    lines = markdown_table(figures).splitlines()
    assert lines[0].startswith("| figure | value (median ± spread) | ceiling | ratio |")
    assert lines[2] == (
        "| single POST | 85.0 ± 5.0 req/s | 719.5 ± 19.5 req/s (bare) | 0.12x | ratio ≥ 0.5 "
        "| **no** |"
    )
    assert lines[3] == "| memory [one run] | 300.0 MB | — | — | — | — |"
    data = json.loads(figures_json(figures, {"mode": "quick"}))
    assert data["meta"] == {"mode": "quick"}
    assert data["figures"][0]["met"] is False
    assert data["figures"][0]["ratio"] == pytest.approx(85 / 719.5)


def test_raw_measurements_become_figures_with_their_ceilings():
    runs = [{"per_s": 60.0, "worker_cpu_ms": 30.0, "pg_cpu_ms": 5.0, "redis_cpu_ms": 0.4}] * 3
    raw = {
        "single_post": {
            name: {"per_s": [r, r], "p50_ms": [10.0, 12.0], "p99_ms": [30.0, 40.0]}
            for name, r in (("bare", 700.0), ("post", 350.0), ("post_images", 100.0))
        },
        "noop": {"rtt_p50_ms": [2.0], "rtt_p99_ms": [5.0], "per_s": [1000.0]},
        "libraries_us": {"phone": [50.0], "geoip": [15.0], "imagehash": [4000.0]},
        "worker_rates": {"one_no_images": runs, "one_images": runs, "two_no_images": runs},
        "links": [{"size": 10_000, "ms": [1.0, 2.0, 3.0]}, {"size": 1_000_000, "ms": [2, 3, 4]}],
    }
    by_name = {f.name: f for f in report.all_figures(raw)}
    post = by_name["single POST /candidates/, no images"]
    assert (post.ratio, post.met) == (0.5, True)
    one = by_name["assessments/s, one worker process, no images"]
    # A no-op task (1 ms) plus one phone parse and one geoip lookup: ~935/s at most.
    assert one.ceiling.median == pytest.approx(1 / (0.001 + 65e-6))
    assert one.met is False
    largest = by_name["link-check cost per candidate at 1,000,000 stored"]
    assert largest.ratio == pytest.approx(1.5)
    assert largest.met is True


def test_ring_heavy_payloads_repeat_the_rings_under_new_ids():
    items = phases.ring_payloads(20, 3)
    ids = [p["external_id"] for p in items]
    assert len(ids) == len(set(ids))
    ring_members = [i for i in ids if "-ring" in i]
    assert len(ring_members) > len(items) // 3
    assert {i.rsplit("-c", 1)[1] for i in ring_members} == {"0", "1", "2"}


def test_campus_payloads_share_networks_and_nothing_else():
    items = phases.campus_payloads(100, 10)
    ips = [p["sessions"][0]["ip"] for p in items]
    nets = [ip.rsplit(".", 1)[0] for ip in ips]
    shared_nets = {n for n in nets if nets.count(n) > 1}
    # 40 of 100 in four networks of ten: two campus /24s (distinct hosts), two VPN egress IPs.
    assert sum(nets.count(n) for n in shared_nets) == 40 and len(shared_nets) == 4
    assert len({ip for ip in ips if ips.count(ip) > 1}) == 2
    for field in ("external_id", "email", "phone"):
        assert len({p[field] for p in items}) == 100


def _import_run(full: float, links: float | None) -> dict:
    scopes = {"full": {"per_candidate": full, "wall_mean_ms": 100.0, "wall_p50_ms": 90.0}}
    if links is not None:
        scopes["links"] = {"per_candidate": links, "wall_mean_ms": 15.0, "wall_p50_ms": 12.0}
    cpu = {"full": {"n": 9, "mean_ms": 40.0}, "links": {"n": 9, "mean_ms": 10.0}}
    return {"has_scope": links is not None, "scopes": scopes, "task_cpu": cpu}


def test_imports_split_full_assessments_from_link_only_refreshes():
    ring = {
        "accepted_per_s": [100.0],
        "settled_s": [12.0],
        "timed_out": [False],
        "timeout_s": 60,
        "per_candidate": [3.0],
        "breakdown": [_import_run(1.1, 1.9)],
        "candidates": [76],
    }
    campus = {**ring, "settled_s": [90.0], "timed_out": [True], "candidates": [2600]}
    campus["per_candidate"] = [5.0]
    campus |= {"group": 40, "shared": 1040, "breakdown": [_import_run(5.0, None)]}
    raw = {
        "ring_import": ring,
        "campus_import": campus,
        "queries": {"post": [7, 7, 9], "post_images": [8], "batch_item": [1.5]},
    }
    by_name = {f.name: f for f in report.all_figures(raw)}
    full = by_name["full assessments per candidate in that import"]
    assert (full.value.median, full.met) == (1.1, True)
    assert by_name["link-only refreshes per candidate in that import"].value.median == 1.9
    wall = by_name[
        "link-only refresh vs full assessment, worker time (started→assessed), that import"
    ]
    assert (wall.ratio, wall.met) == (0.15, True)
    cpu = by_name["link-only refresh vs full assessment, worker CPU per task, that import"]
    assert (cpu.ratio, cpu.met) == (0.25, False)
    # No scope column: every row counts as full, and a timed-out import is a lower bound.
    total = by_name["assessments per candidate in the campus/VPN import [lower bound: not settled]"]
    assert (total.value.median, total.met) == (5.0, False)
    settled = by_name["that import settled, 2,600 candidates"]
    assert settled.met is False and "not settled 60 s after the last POST" in settled.note
    assert by_name["SQL statements per single POST, no images"].value.median == 7


def test_only_bench_databases_are_ever_dropped():
    with pytest.raises(AssertionError):
        stack.database_drop("postgres://postgres@127.0.0.1:5432/postgres", "vetting")
    url = stack.db_url("postgres://u@127.0.0.1:5432/postgres", "vetting_bench_quick")
    assert url == "postgres://u@127.0.0.1:5432/vetting_bench_quick"
    assert phases_worker.UNSETTLED.startswith("SELECT count(*)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; only its parent's wait is missing.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_stopping_a_process_also_stops_its_children(tmp_path):
    """A child that ignores SIGTERM and leaves a grandchild behind: both end, by SIGKILL."""
    pidfile = tmp_path / "grandchild"
    procs = Procs()
    child = procs.start(
        "fake",
        ["sh", "-c", f"trap '' TERM; sleep 300 & echo $! > {pidfile}; while :; do sleep 1; done"],
        env=dict(os.environ),
    )
    assert wait_until(lambda: pidfile.exists() and pidfile.read_text().strip(), timeout=10)
    grandchild = int(pidfile.read_text())
    t0 = time.monotonic()
    procs.stop_all(timeout=1.0)
    assert child.poll() is not None
    assert wait_until(lambda: not _alive(grandchild), timeout=10)
    assert time.monotonic() - t0 < 15
    assert procs.running == {}


class _Echo(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = 201 if json.loads(body)["i"] % 5 else 400
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": str(json.loads(body)["i"])}).encode())

    def log_message(self, *args):
        pass


def test_the_load_generator_counts_answers_and_stops_at_its_bound():
    server = http.server.ThreadingHTTPServer((load.HOST, 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        run = load.closed_loop(
            port, "/x", lambda i: {"i": i}, "k", threads=2, seconds=30, max_requests=20
        )
        assert len(run.samples) == 20
        assert (len(run.ok), run.errors) == (16, 4)  # every fifth answered 400
        assert {s.body["id"] for s in run.ok} == {str(i) for i in range(20) if i % 5}
        paced = load.open_loop(port, "/x", lambda i: {"i": i + 1}, "k", rate=50, seconds=0.2)
        assert len(paced.samples) == 10
        assert paced.elapsed >= 0.18  # arrivals are spread over the time asked for
    finally:
        server.shutdown()
