"""CPU per step of an `assessment_run`, in-process, for one scope: where a link-only refresh's
time goes (docs/performance.md, "A link-only refresh").

Seed a database first (a ring-heavy or campus/VPN import, as `bench/run_all.py` posts them,
run inline), then time runs of candidates whose external id contains --members:

    createdb -h 127.0.0.1 -U postgres vetting_bench_steps
    export DEBUG=1 REDIS_URL= DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetting_bench_steps
    .venv/bin/python bench/bench_refresh_steps.py --seed campus
    .venv/bin/python bench/bench_refresh_steps.py --scope links --members campus-0-1

Each step is the CPU (`time.process_time()`) inside the pipeline function of that name, per
run; steps nest (`_assess` holds the others but the claim). VETTING_ROOT=<a checkout> times
that checkout's code against the same database (functions it lacks are left out), so an old
and a new checkout can be compared alternately on the same data.
"""

from __future__ import annotations

import argparse
import collections
import functools
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("VETTING_ROOT", Path(__file__).resolve().parents[1]))
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parents[1])]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")

import django  # noqa: E402

STEPS = (
    "assessment_claim",
    "_assess",
    "assessment_store",
    "_links_base",
    "_findings_stored",
    "subject_load",
    "ruleset_active_snapshot",
    "ruleset_snapshot_of",
    "_queue_next",
    "_keys_refresh",
    "_candidate_status",
    "_on_finished",
)


def _seed(kind: str) -> None:
    from django.core.management import call_command

    from bench.phases import campus_payloads, ring_payloads
    from candidates import pipeline
    from candidates.api.serializers import CandidateIn
    from candidates.models import ApiClient, Assessment
    from candidates.services import candidates_batch_upsert

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    client = ApiClient.objects.create(name="bench-steps", key_prefix="vk_step", key_hash="x")
    bodies = ring_payloads(40, 3) if kind == "ring" else campus_payloads(300, 30)

    def valid(body):
        s = CandidateIn(data=body)
        assert s.is_valid(), s.errors
        return s.validated_data

    for start in range(0, len(bodies), 50):
        items = list(enumerate(valid(b) for b in bodies[start : start + 50]))
        candidates_batch_upsert(client=client, items=items)
    for _ in range(3):  # what the sweep would run later (low-value holders)
        for pk in Assessment.objects.filter(status="pending").values_list("id", flat=True):
            pipeline.assessment_run(assessment_id=pk)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", choices=("ring", "campus"))
    parser.add_argument("--scope", default="links", choices=("links", "full"))
    parser.add_argument("--members", default="-c", help="external ids containing this")
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    django.setup()
    logging.disable(logging.INFO)
    if args.seed:
        _seed(args.seed)
        return

    from django.db import transaction

    from candidates import pipeline
    from candidates.models import Assessment, Candidate
    from checks import engine
    from checks.links.check import LinkCheck

    spent: dict[str, float] = collections.defaultdict(float)

    def timed(owner, name: str, label: str) -> None:
        inner = getattr(owner, name)

        @functools.wraps(inner)
        def wrapper(*a, **kw):
            began = time.process_time()
            try:
                return inner(*a, **kw)
            finally:
                spent[label] += time.process_time() - began

        setattr(owner, name, wrapper)

    for name in STEPS:
        if hasattr(pipeline, name):
            timed(pipeline, name, name)
    timed(engine, "evaluate", "evaluate")
    timed(LinkCheck, "run", "LinkCheck.run")
    members = Candidate.objects.filter(external_id__contains=args.members)
    ids = list(members.values_list("pk", flat=True)[: args.limit])

    def one(pk) -> None:
        with transaction.atomic():
            pipeline.assessment_request_many(
                candidate_ids=[pk], trigger="manual", scope=args.scope, enqueue=False
            )
        pending = Assessment.objects.get(candidate_id=pk, status="pending")
        began = time.process_time()
        pipeline.assessment_run(assessment_id=pending.id)
        spent["assessment_run"] += time.process_time() - began

    for pk in ids[:5]:  # warm: caches, the first statement's compilation
        one(pk)
    spent.clear()
    for _ in range(args.rounds):
        for pk in ids:
            one(pk)
    runs = args.rounds * len(ids)
    print(f"{ROOT}: {runs} {args.scope} runs of {len(ids)} candidates, CPU ms per run")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:26s} {seconds / runs * 1000:7.2f}")


if __name__ == "__main__":
    main()
