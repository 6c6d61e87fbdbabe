"""The benchmark suite's pure parts: statistics, the result table, and the processes it starts.

Nothing here talks to a database or the network, so tests/test_bench.py can run it quickly.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Stat:
    """The median of repeated runs and the spread around it: half the range (max - min) / 2,
    so `median ± spread` covers every run when they are roughly symmetric."""

    median: float
    spread: float
    n: int

    def text(self, digits: int = 1) -> str:
        if self.n == 0 or math.isnan(self.median):
            return "n/a"
        if math.isnan(self.spread):
            return f"{self.median:,.{digits}f}"
        return f"{self.median:,.{digits}f} ± {self.spread:,.{digits}f}"


def summary(samples: Sequence[float]) -> Stat:
    values = [v for v in samples if v is not None and not math.isnan(v)]
    if not values:
        return Stat(math.nan, math.nan, 0)
    return Stat(statistics.median(values), (max(values) - min(values)) / 2, len(values))


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): always one of the samples, never interpolated."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Figure:
    """One row of the table. `budget` is a comparison against either the value itself
    ("≥ 200") or the ratio value / ceiling ("ratio ≥ 0.5")."""

    name: str
    value: Stat
    unit: str
    ceiling: Stat | None = None
    ceiling_name: str = ""
    budget: str = ""
    digits: int = 1
    note: str = ""
    higher_is_better: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ceiling is None or not self.ceiling.n or not self.value.n:
            return None
        if self.ceiling.median == 0 or math.isnan(self.ceiling.median):
            return None
        return self.value.median / self.ceiling.median

    @property
    def met(self) -> bool | None:
        return budget_met(self.budget, self.value.median, self.ratio)


def budget_met(budget: str, value: float, ratio: float | None) -> bool | None:
    """'≥ 200', '< 1000', 'ratio ≥ 0.5', 'ratio ≤ 1.5'; None when there is no budget or the
    figure could not be measured."""
    if not budget:
        return None
    words = budget.split()
    subject = value
    if words[0] == "ratio":
        if ratio is None:
            return None
        subject, words = ratio, words[1:]
    op, limit = words[0], float(words[1].replace(",", ""))
    if math.isnan(subject):
        return None
    checks: dict[str, Callable[[float, float], bool]] = {
        "≥": lambda a, b: a >= b,
        "≤": lambda a, b: a <= b,
        "<": lambda a, b: a < b,
        ">": lambda a, b: a > b,
    }
    return checks[op](subject, limit)


HEADER = ("figure", "value (median ± spread)", "ceiling", "ratio", "budget (issue 13)", "met?")


def table_rows(figures: Sequence[Figure]) -> list[tuple[str, ...]]:
    rows = []
    for f in figures:
        ceiling = "—"
        if f.ceiling is not None:
            ceiling = f"{f.ceiling.text(f.digits)} {f.unit}".strip()
            if f.ceiling_name:
                ceiling += f" ({f.ceiling_name})"
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "—"
        met = {True: "yes", False: "**no**", None: "—"}[f.met]
        value = f"{f.value.text(f.digits)} {f.unit}".strip()
        name = f"{f.name} [{f.note}]" if f.note else f.name
        rows.append((name, value, ceiling, ratio, f.budget or "—", met))
    return rows


def markdown_table(figures: Sequence[Figure]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|---|---:|---:|---:|---:|:---:|"]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(figures)]
    return "\n".join(lines)


def figures_json(figures: Sequence[Figure], meta: dict) -> str:
    def one(f: Figure) -> dict:
        out = asdict(f)
        out["ratio"], out["met"] = f.ratio, f.met
        return out

    return json.dumps({"meta": meta, "figures": [one(f) for f in figures]}, indent=2, default=str)


class Procs:
    """Every process the bench starts, each in a session of its own, so that stopping one
    stops its children too (gunicorn's workers, a shell's background jobs). `stop_all` runs
    from `finally`, atexit and SIGINT/SIGTERM: nothing outlives the bench."""

    def __init__(self) -> None:
        self.running: dict[str, subprocess.Popen] = {}

    def start(
        self,
        name: str,
        argv: list[str],
        *,
        env: dict,
        log: Path | None = None,
        cwd: Path | None = None,
    ) -> subprocess.Popen:
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed by the child)
        proc = subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        if log:
            out.close()  # the child has its own copy of the descriptor
        self.running[name] = proc
        return proc

    def stop(self, name: str, timeout: float = 15.0) -> None:
        proc = self.running.pop(name, None)
        if proc is not None:
            _stop_group(proc, timeout)

    def stop_all(self, timeout: float = 15.0) -> None:
        for name in list(self.running):
            self.stop(name, timeout)


def _stop_group(proc: subprocess.Popen, timeout: float) -> None:
    """SIGTERM the process's group (a warm shutdown for Celery and gunicorn), SIGKILL it after
    `timeout`. The group id is the child's pid: it was started in a new session."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; make sure nothing else in its group is left behind.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        break


class BenchTimeout(Exception):
    """The whole suite ran past its time limit (not a socket's TimeoutError)."""


def install_stop_handlers(procs: Procs, deadline_s: float) -> None:
    """Ctrl-C, SIGTERM and the overall time limit all turn into an exception in the main
    thread, so the `finally` that stops every process and drops the databases always runs."""

    def interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    def too_long(_signum, _frame):
        raise BenchTimeout(f"the bench ran past its limit of {deadline_s:.0f} s")

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(max(1, int(deadline_s)))


def wait_until(predicate: Callable[[], bool], *, timeout: float, step: float = 0.1) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
