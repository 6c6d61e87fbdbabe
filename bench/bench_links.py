"""Link-check benchmark: per-candidate cost of every link lookup at 10k, 100k and 1M candidates.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_links_bench \
        .venv/bin/python bench/bench_links.py [--sizes 10000,100000,1000000] [--sample 300]

PostgreSQL only. Migrates the database, then grows it to each size with COPY (candidates and
their LinkKey rows, generated with realistic multiplicity: see `_keys`), ANALYZEs, and times
`LinkCheck.run` for a random sample of candidates: milliseconds (mean, p50, p95) and queries.
Prints EXPLAIN plans of the lookups at the largest size so the index scans can be checked, and a
Markdown table for docs/performance.md. A rerun reuses what is already loaded.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import seed  # noqa: E402
from candidates.linking import CandidateLinkIndex  # noqa: E402
from candidates.models import ApiClient, Candidate  # noqa: E402
from checks.base import Context, Subject  # noqa: E402
from checks.links.check import BAND_KINDS, LinkCheck  # noqa: E402
from checks.links.exact import EXACT_CODES  # noqa: E402
from checks.links.images import bands as image_bands  # noqa: E402
from checks.links.images import portrait_bands  # noqa: E402
from links.index import _union_sql  # noqa: E402
from links.models import LinkKey  # noqa: E402

TEMPLATES = [hashlib.sha256(f"template{t}".encode()).hexdigest()[:32] for t in range(5)]
VPN_POOL = [f"185.{200 + i // 250}.{i % 250}.{7 + i % 3}" for i in range(300)]
CAND_COLS = (
    "id,client_id,external_id,full_name,email,phone,nationality,claimed_country,"
    "payout_account_holder,payout_bank_country,payout_routing_number,"
    "payout_account_key,payout_account_last4,payout_iban_last4,has_payout,resume_text,"
    "created_at,updated_at,assessment_seq,assessment_status,risk_score,risk_level,"
    "review_status,review_note"
)


def _hex(rng: random.Random, n: int) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


def _keys(i: int, cid: str, rng: random.Random, ring: dict) -> list[tuple[str, str, str]]:
    """One candidate's keys. Multiplicity: phones, mailboxes, documents and payouts unique but
    for rings of five (one in 1000 candidates starts one); 5 % share a family address; one IP is
    residential (its /24 shared by ~1 in 256 of the 1M), 10 % also use one of 300 VPN egress IPs
    (Zipf-weighted: the busiest holds thousands); 15 % have a photo; 15 % a document image on one
    of five templates (half of its pHash bands are the template's, held by ~30k at 1M); 20 % a
    resume (32 LSH bands)."""
    if i % 1000 == 0:
        ring.update(
            n=5, phone=f"+1615{i:07d}", doc=_hex(rng, 32), sha=_hex(rng, 64), portrait=_hex(rng, 64)
        )
    in_ring = ring.get("n", 0) > 0
    keys = [
        ("phone", ring["phone"] if in_ring else f"+1314{i:07d}", "phone +1 314 ***-0000"),
        ("email", f"person{i}@example.com", "email pe***@example.com"),
    ]
    home = f"fam{rng.randrange(10**6 // 40)}" if rng.random() < 0.05 else f"home{i}"
    keys.append(("address", f"us|63101|st louis|{home}", "address in St. Louis, US"))
    if in_ring:
        keys.append(("address", f"us|37211|nashville|ring{ring['phone']}", "address in TN, US"))
    if rng.random() < 0.6:
        keys.append(("payout", hashlib.sha256(f"p{i}".encode()).hexdigest(), "account ****6789"))
    if rng.random() < 0.6:
        keys.append(("document", hashlib.sha256(f"d{i}".encode()).hexdigest(), "passport ****0739"))
    ips = [f"{rng.randrange(11, 200)}.{rng.randrange(256)}.{rng.randrange(256)}.{i % 250 + 1}"]
    if rng.random() < 0.1:
        ips.append(VPN_POOL[min(int(rng.paretovariate(1.2)) - 1, len(VPN_POOL) - 1)])
    for ip in ips:
        keys += [("ip", ip, f"IP {ip}"), ("ip_net", ip.rsplit(".", 1)[0] + ".0/24", "network")]
    if rng.random() < 0.15:
        keys += _image_keys("photo", _hex(rng, 64), _hex(rng, 64), rng, quads=False)
    if in_ring or rng.random() < 0.15:
        whole = (ring["doc"] if in_ring else rng.choice(TEMPLATES)) + _hex(rng, 32)
        sha = ring["sha"] if in_ring else _hex(rng, 64)
        keys += _image_keys("document_image", whole, sha, rng, quads=True)
        keys += _portrait_keys(keys[-1][1], ring["portrait"] if in_ring else None, rng)
    if rng.random() < 0.2:
        keys += [("resume_band", f"b{b}:{_hex(rng, 16)}", "") for b in range(32)]
    keys += _people_keys(i, rng, ring, in_ring)
    ring["n"] = ring.get("n", 0) - 1
    return keys


def _people_keys(i: int, rng: random.Random, ring: dict, in_ring: bool) -> list:
    """v1.1: every candidate's external id; 10 % a reference among 2 000 managers (Zipf: the
    best known is named by thousands at 1M); 60 % a payout holder (their own name; the ring's
    is one third party); 5 % referred by an earlier candidate; 20 % a resume author."""
    client = ring["client"]
    keys = [("external_id", f"{client}:b-{i}", "")]
    if rng.random() < 0.1:
        manager = min(int(rng.paretovariate(1.1)), 2000)
        keys.append(("reference_email", f"manager{manager}@example.org", "reference ma***"))
    if in_ring:
        keys.append(("payout_holder", f"JOHN SMITH{ring['phone']}", "payout holder"))
    elif rng.random() < 0.6:
        keys.append(("payout_holder_self", f"BENCH PERSON{i}", "payout holder"))
    if i and rng.random() < 0.05:
        keys.append(("referred_by", f"{client}:b-{rng.randrange(i)}", "referred by"))
    if rng.random() < 0.2:
        keys.append(("resume_author", f"AUTHOR PERSON{i}", "resume author"))
    return keys


def _image_keys(
    prefix: str, whole: str, sha: str, rng: random.Random, quads: bool
) -> list[tuple[str, str, str]]:
    image_id = str(uuid.UUID(int=rng.getrandbits(128)))
    keys = [(f"{prefix}_sha", sha, f"img:{image_id}")]
    keys += [(f"{prefix}_band", band, f"img:{image_id}:{whole}") for band in image_bands(whole)]
    if quads:
        keys.append((f"{prefix}_quads", image_id, "A" * 171))
    return keys


def _portrait_keys(
    image_id: str, ring_portrait: str | None, rng: random.Random
) -> list[tuple[str, str, str]]:
    """A TD3 page's portrait bands (32: rows and columns). Measured on synthetic pages, 8 % of
    different people share some band: modelled as the first four rows drawn from 64 common
    values each (~2 300 holders per value at 1M), the rest specific to the face."""
    portrait = ring_portrait or (
        "".join(f"{rng.randrange(64):04x}" for _ in range(4)) + _hex(rng, 48)
    )
    keys = [("document_image_portrait", image_id, portrait)]
    keys += [
        ("document_image_portrait_band", band, f"img:{image_id}:{portrait}")
        for band in portrait_bands(portrait)
    ]
    return keys


TABLES = ("candidates_candidate", "candidates_linkkey")


def load(n: int, client: ApiClient, chunk: int = 50_000) -> float:
    """Grow the database to `n` candidates; returns the seconds it took. The marker that lets
    run_all.py reuse the database is removed first and written only after the load, the index
    rebuild and VACUUM all finished (an interrupted load is never reused)."""
    t0 = time.perf_counter()
    have = Candidate.objects.count()
    if have >= n:
        return 0.0
    with connection.cursor() as cur:
        seed.unmark(cur, "links")
    if n - have > 50_000:
        with connection.cursor() as cur:
            restore = seed.drop_secondary_indexes(cur, TABLES)
        try:
            _load(have, n, client, chunk)
        finally:
            with connection.cursor() as cur:
                seed.restore_indexes(cur, restore)
    else:
        _load(have, n, client, chunk)
    with connection.cursor() as cur:  # VACUUM sets the visibility map index-only scans need
        cur.execute("VACUUM (ANALYZE) candidates_linkkey")
        cur.execute("VACUUM (ANALYZE) candidates_candidate")
        took = time.perf_counter() - t0
        seed.mark(cur, "links", n, took)
    return took


def _load(have: int, n: int, client: ApiClient, chunk: int) -> None:
    rng, ring = random.Random(have * 7 + 1), {"client": str(client.id)}
    now = datetime.now(UTC).isoformat()
    for start in range(have, n, chunk):
        t0 = time.perf_counter()
        cands, keys = io.StringIO(), io.StringIO()
        for i in range(start, min(start + chunk, n)):
            cid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            cands.write(
                f'{cid},{client.id},"b-{i}","Bench {i}","person{i}@example.com",'
                f'"+1314{i:07d}","USA","US","","","","","","","false","",{now},{now},'
                f'0,"",0,"","unreviewed",""\n'
            )
            for kind, value, display in _keys(i, cid, rng, ring):
                keys.write(f'{cid},"{kind}","{value}","{display}"\n')
        with transaction.atomic(), connection.cursor() as cur:
            raw = cur.cursor  # psycopg2's, for COPY
            raw.execute("SET LOCAL synchronous_commit = off")
            # Generated ids are consistent by construction: skip the per-row FK triggers.
            raw.execute("SET LOCAL session_replication_role = replica")
            undo = seed.fill_unknown_columns(raw, Candidate, CAND_COLS)
            undo += seed.fill_unknown_columns(raw, LinkKey, "candidate_id,kind,value,display")
            for table, cols, buf in (
                ("candidates_candidate", CAND_COLS, cands),
                ("candidates_linkkey", "candidate_id,kind,value,display", keys),
            ):
                buf.seek(0)
                raw.copy_expert(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)", buf)
            for sql in undo:
                raw.execute(sql)
        print(
            f"  loaded {min(start + chunk, n):,} ({time.perf_counter() - t0:.1f}s/chunk)",
            flush=True,
        )


def measure(sample: int) -> tuple[float, float, float, float, int, list[float]]:
    """Time the same candidates at every size: the first 10 000 loaded are identical in every
    database (same seed), so only what surrounds them changes."""
    rng = random.Random(3)
    wanted = [f"b-{k}" for k in rng.sample(range(10_000), sample)]
    picked = list(Candidate.objects.filter(external_id__in=wanted).values_list("id", "resume_text"))
    check, index, params = LinkCheck(), CandidateLinkIndex(), LinkCheck.Params()
    now = datetime.now(UTC)
    for cid, text in picked[:20]:  # warm caches the way a running worker has them
        check.run(
            Subject(id=cid, full_name="", now=now, resume_text=text), params, Context(links=index)
        )
    times, queries, signals = [], [], 0
    for cid, text in picked:
        subject = Subject(id=cid, full_name="", now=now, resume_text=text)
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            found = check.run(subject, params, Context(links=index))
            times.append((time.perf_counter() - t0) * 1000)
        queries.append(len(ctx.captured_queries))
        signals += len(found)
    times.sort()
    return (
        statistics.mean(times),
        statistics.median(times),
        times[round(0.95 * len(times)) - 1],
        statistics.mean(queries),
        signals,
        times,
    )


def explain() -> None:
    """EXPLAIN ANALYZE of the lookups for the worst case: a candidate on the busiest VPN IP with
    a document image on a template whose bands ~30k others hold at 1M."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.candidate_id FROM candidates_linkkey a JOIN candidates_linkkey b "
            "ON a.candidate_id = b.candidate_id AND b.kind = 'document_image_band' "
            "AND b.value = %s WHERE a.kind = 'ip' AND a.value = %s LIMIT 1",
            [f"b0:{TEMPLATES[0][:4]}", VPN_POOL[0]],
        )
        cid = cur.fetchone()[0]
    own = list(LinkKey.objects.filter(candidate_id=cid).values_list("kind", "value"))
    exact = [p for p in own if p[0] in EXACT_CODES]
    band = [p for p in own if p[0] in BAND_KINDS]
    plans = {
        "own keys": (
            str(
                LinkKey.objects.filter(candidate_id__in=[cid])
                .values_list("candidate_id", "kind", "value", "display")
                .query
            ),
            None,
        ),
        "exact holders": _union_sql(exact, cid, 51, None),
        "band holders": _union_sql(band or exact[:1], cid, 200, None),
    }
    for name, (sql, params) in plans.items():
        with connection.cursor() as cur:
            if params is None:
                cur.execute(
                    "EXPLAIN ANALYZE " + sql.replace(f"'{cid}'", "%s"), [cid]
                ) if f"'{cid}'" in sql else cur.execute(
                    "EXPLAIN ANALYZE SELECT candidate_id, kind, value, display FROM "
                    "candidates_linkkey WHERE candidate_id = %s",
                    [cid],
                )
            else:
                cur.execute("EXPLAIN ANALYZE " + sql, params)
            plan = "\n".join(r[0] for r in cur.fetchall())
        seq = "Seq Scan on candidates_linkkey" in plan
        print(f"\n-- {name}: {'SEQUENTIAL SCAN!' if seq else 'index scans only'}\n{plan}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="time the database as it is (to compare sizes under equal load)",
    )
    parser.add_argument("--explain", action="store_true", help="with --measure-only")
    parser.add_argument("--json", help="also write each size's figures and timings here")
    parser.add_argument("--no-explain", action="store_true", help="skip the EXPLAIN plans")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench_links needs PostgreSQL (DATABASE_URL=postgres://...)")
    call_command("migrate", verbosity=0)
    client, _ = ApiClient.objects.get_or_create(
        name="links-bench",
        defaults={"key_prefix": "vk_lb", "key_hash": hashlib.sha256(b"links-bench").hexdigest()},
    )
    results, timings = [], []
    if args.measure_only:
        if args.explain:
            explain()
        mean, p50, p95, queries, signals, times = measure(args.sample)
        size = Candidate.objects.count()
        print(
            f"{size:,} candidates: mean {mean:.1f} ms, p50 {p50:.1f}, "
            f"p95 {p95:.1f}, {queries:.1f} queries, {signals} signals"
        )
        if args.json:
            row = {"size": size, "keys": LinkKey.objects.count(), "load_s": 0.0}
            Path(args.json).write_text(json.dumps([{**row, "queries": queries, "ms": times}]))
        return
    for size in [int(s) for s in args.sizes.split(",")]:
        loaded = load(size, client)
        rows = LinkKey.objects.count()
        mean, p50, p95, queries, signals, times = measure(args.sample)
        results.append((size, rows, loaded, mean, p50, p95, queries, signals))
        timings.append(
            {"size": size, "keys": rows, "load_s": loaded, "queries": queries, "ms": times}
        )
        print(
            f"{size:>9,} candidates, {rows:,} keys (load {loaded:.0f}s): mean {mean:.1f} ms, "
            f"p50 {p50:.1f}, p95 {p95:.1f}, {queries:.1f} queries, {signals} signals",
            flush=True,
        )
    if args.json:
        Path(args.json).write_text(json.dumps(timings))
    if not args.no_explain:
        explain()
    print("\n| candidates | link keys | load (s) | mean ms | p50 ms | p95 ms | queries |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, rows, loaded, mean, p50, p95, queries, _s in results:
        print(
            f"| {size:,} | {rows:,} | {loaded:.0f} | {mean:.1f} | {p50:.1f} | {p95:.1f} | "
            f"{queries:.1f} |"
        )


if __name__ == "__main__":
    main()
