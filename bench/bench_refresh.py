"""Assessments per candidate when linked candidates arrive: rings posted one by one, and a
ring-heavy import through the batch service, in the pipeline's inline mode (each commit runs the
assessments it queued, as embedded mode does; a worker runs the same code).

    createdb -h 127.0.0.1 -U postgres vetting_bench_refresh
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_bench_refresh REDIS_URL= \\
        .venv/bin/python bench/bench_refresh.py [--rings 10] [--honest 100]

Prints, per scenario, the assessments run per candidate by scope (full / links) and the mean
run time of each scope (assessed_at - started_at). Run from a checkout without `scope` (before
issue 13) it counts every assessment as full. The database is migrated and emptied first.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import statistics
import sys
import zlib
from pathlib import Path

ROOT = Path(os.environ.get("VETTING_ROOT", Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # tests.links.synthetic
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")

import django  # noqa: E402


def _png(img) -> str:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _person(tag: str, n: int, **extra) -> dict:
    return {
        "external_id": f"{tag}-{n}",
        "full_name": f"Bench Person {tag} {n}",
        "email": f"bench.{tag}.{n}@example.com",
        "phone": f"+1 314 2{n // 10000 % 10}{n // 1000 % 10} {n % 1000:04d}",
        "home_address": {
            "line1": f"{n + 1} Main St",
            "city": "St. Louis",
            "postal_code": "63101",
            "country": "US",
        },
        **extra,
    }


def _ring_member(ring: int, member: int, photo: str) -> dict:
    return _person(
        f"ring{ring}",
        ring * 5 + member,
        phone=f"+1 615 555 {ring:04d}",
        shipping_address={
            "line1": f"{4400 + ring} Laptop Farm Road",
            "city": "Nashville",
            "postal_code": "37211",
            "country": "US",
        },
        photo=photo,
    )


def _counts(ids) -> dict:
    from candidates.models import Assessment

    rows = Assessment.objects.filter(candidate_id__in=ids)
    has_scope = any(f.name == "scope" for f in Assessment._meta.get_fields())
    out = {}
    for scope in ("full", "links"):
        picked = rows.filter(scope=scope) if has_scope else (rows if scope == "full" else [])
        times = [
            (a.assessed_at - a.started_at).total_seconds() * 1000
            for a in picked
            if a.assessed_at and a.started_at
        ]
        out[scope] = (len(times), statistics.mean(times) if times else 0.0)
    return out


def _report(name: str, ids: list, seconds: float) -> None:
    c = _counts(ids)
    n = len(ids)
    full, links = c["full"], c["links"]
    ratio = f"{links[1] / full[1]:.0%}" if full[1] and links[0] else "-"
    print(
        f"{name}: {n} candidates, {full[0]} full ({full[0] / n:.2f}/candidate, "
        f"{full[1]:.1f} ms mean), {links[0]} links ({links[0] / n:.2f}/candidate, "
        f"{links[1]:.1f} ms mean, {ratio} of a full one); {seconds:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rings", type=int, default=10)
    parser.add_argument("--honest", type=int, default=100)
    args = parser.parse_args()
    django.setup()
    import time

    from django.core.management import call_command
    from django.db import transaction

    from candidates.api.serializers import CandidateIn
    from candidates.models import ApiClient, Candidate
    from candidates.services import candidate_upsert, candidates_batch_upsert
    from tests.links.synthetic import portrait

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    client = ApiClient.objects.create(name="bench-refresh", key_prefix="vk_refr", key_hash="x")

    def valid(body):
        s = CandidateIn(data=body)
        assert s.is_valid(), s.errors
        return s.validated_data

    photos = [_png(portrait(500 + r, (300, 380))) for r in range(args.rings)]

    # Rings of five posted one by one (each write commits and its assessments run).
    started = time.monotonic()
    ids = []
    for r in range(args.rings):
        for m in range(5):
            with transaction.atomic():
                result = candidate_upsert(client=client, data=valid(_ring_member(r, m, photos[r])))
            ids.append(result.candidate.pk)
    _report("rings of five, one by one", ids, time.monotonic() - started)

    # A ring-heavy import: the same number of rings (new ones) among honest people, 50 a batch.
    Candidate.objects.all().delete()
    bodies = [_ring_member(1000 + r, m, photos[r]) for r in range(args.rings) for m in range(5)]
    bodies += [_person("honest", n) for n in range(args.honest)]
    bodies.sort(key=lambda b: zlib.crc32(b["external_id"].encode()))  # rings spread over batches
    started = time.monotonic()
    for start in range(0, len(bodies), 50):
        items = list(enumerate(valid(b) for b in bodies[start : start + 50]))
        candidates_batch_upsert(client=client, items=items)
    ids = list(Candidate.objects.values_list("pk", flat=True))
    _report("ring-heavy import, batches of 50", ids, time.monotonic() - started)
    _run_costs(list(Candidate.objects.filter(external_id__startswith="ring").values_list("pk")))


def _run_costs(members: list) -> None:
    """One run of each scope on the same ring members, nothing else running inline within it
    (an unchanged candidate's full run fans out to nobody): the cost of a refresh against a
    full assessment."""
    import time

    from django.db import transaction

    from candidates import pipeline
    from candidates.models import Assessment, Candidate

    if not any(f.name == "scope" for f in Assessment._meta.get_fields()):
        return
    times: dict[str, list[float]] = {"full": [], "links": []}
    for (pk,) in members:
        for scope in ("full", "links"):
            with transaction.atomic():
                found = pipeline.assessment_request_many(
                    candidate_ids=[pk], trigger="manual", scope=scope, enqueue=False
                )
            assert found == 1
            pending = Assessment.objects.get(candidate_id=pk, status="pending")
            started = time.perf_counter()
            pipeline.assessment_run(assessment_id=pending.id)
            times[scope].append((time.perf_counter() - started) * 1000)
            assert Candidate.objects.get(pk=pk).completed_assessment.scope == scope
    full, links = (statistics.median(times[s]) for s in ("full", "links"))
    print(
        f"one run each on {len(members)} ring members: full {full:.1f} ms, links {links:.1f} ms "
        f"(median; links = {links / full:.0%} of full)"
    )


if __name__ == "__main__":
    main()
