"""Assessments per second per process for the identity checks (every check but link and image).

Subjects are built in memory (no database): a mix of honest and inconsistent candidates with
five sessions and a passport each. The rule set is a snapshot of the registry's defaults with
the link check off, run through checks.engine.evaluate exactly as the pipeline does. One
process, one thread: the figure is per core.

    DEBUG=1 .venv/bin/python bench/bench_checks.py [N]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

import uuid  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402

from candidates.crypto import document_number_key  # noqa: E402
from checks.base import Context, DocumentFacts, SessionFacts, Subject  # noqa: E402
from checks.engine import evaluate  # noqa: E402
from checks.ip.lookup import ip_lookup  # noqa: E402
from checks.mrz import mrz_ingest  # noqa: E402
from checks.registry import CHECKS  # noqa: E402

NOW = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)
MRZ = "P<USAERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n5841207393USA7408122F3204153<<<<<<<<<<<<<<00"
IPS = [
    "73.54.120.18",
    "167.99.14.200",
    "185.220.101.1",
    "175.45.176.1",
    "84.128.0.1",
    "24.{}.{}.7",
    "98.{}.{}.20",
]


def rules_snapshot() -> dict:
    checks = {c.name: {"enabled": c.name != "link", "params": {}} for c in CHECKS}
    signals = {
        code: {"enabled": True, "points": info.points, "severity": info.severity}
        for c in CHECKS
        for code, info in c.codes.items()
    }
    return {
        "version": 0,
        "bands": {"medium": 25, "high": 50, "critical": 75},
        "checks": checks,
        "signals": signals,
    }


def subject(i: int) -> Subject:
    fraud = i % 3 == 0
    sessions = tuple(
        SessionFacts(
            ip=IPS[(i + k) % len(IPS)].format(i % 250, k) if fraud else f"73.{i % 200}.{k}.18",
            seen_at=NOW - timedelta(days=k, hours=i % 24),
            kind="login",
            timezone="Asia/Pyongyang" if fraud else "America/Chicago",
            utc_offset_minutes=540 if fraud else -360,
        )
        for k in range(5)
    )
    masked, facts = mrz_ingest(MRZ, number_key=document_number_key)
    doc = DocumentFacts(
        kind="passport",
        issuing_country="USA",
        number_key=document_number_key("USA", "584120739"),
        number_last4="0739",
        expires_on=date(2032, 4, 15),
        mrz=masked,
        mrz_facts=facts,
    )
    return Subject(
        id=uuid.UUID(int=i),
        full_name="Anna Maria Eriksson",
        now=NOW,
        email=f"anna{i}@{'mailinator.com' if fraud else 'example.com'}",
        phone=f"+1 314 200 {i % 10000:04d}",
        date_of_birth=date(1974, 8, 12),
        nationality="USA",
        claimed_location={"country": "US", "city": "St. Louis", "timezone": "America/Chicago"},
        home_address={"city": "St. Louis", "country": "US"},
        shipping_address={"city": "Dallas" if fraud else "St. Louis", "country": "US"},
        payout_account_holder="John Smith" if fraud else "Anna Eriksson",
        payout_bank_country="US",
        has_payout=True,
        sessions=sessions,
        documents=(doc,),
    )


def main(n: int) -> None:
    rules = rules_snapshot()
    started = time.perf_counter()
    ip_lookup("73.54.120.18")  # loads the IP data: paid once per process
    load = time.perf_counter() - started
    subjects = [subject(i) for i in range(n)]
    for s in subjects[:50]:  # warm caches (zoneinfo, blocklist, phone metadata)
        evaluate(s, rules, Context())
    started = time.perf_counter()
    signals = sum(len(evaluate(s, rules, Context()).signals) for s in subjects)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    for k in range(20000):
        ip_lookup(f"73.{k % 250}.{k // 250}.18")
    per_ip = (time.perf_counter() - started) / 20000
    for check in CHECKS:
        if check.name == "link":
            continue
        params = check.params_from({})
        started = time.perf_counter()
        for s in subjects:
            check.run(s, params, Context())
        print(f"  {check.name:<10} {(time.perf_counter() - started) / n * 1e6:7.0f} us")
    print(f"IP data load: {load * 1000:.0f} ms once per process")
    print(f"IP lookup: {per_ip * 1e6:.1f} us per address")
    print(
        f"{n} assessments in {elapsed:.2f} s: {n / elapsed:.0f} per second per process, "
        f"{elapsed / n * 1000:.2f} ms each ({signals} signals)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
