"""Candidates stored the way an integration stores them, then assessed by the real pipeline.

`post()` validates a payload with the API's own serializer, writes it with the API's service
(`candidate_upsert`: link keys, audit, queued reassessments) and runs every assessment that
queued, in-process, as a worker would. Nothing here writes an assessment, a signal or a message:
what a test then sees on the dashboard is what the product produced.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.test import TestCase

from candidates.api.serializers import CandidateIn
from candidates.models import ApiClient, Candidate
from candidates.services import candidate_upsert

_seq = itertools.count(1)


def payload(full_name: str, **fields: Any) -> dict[str, Any]:
    """An honest, consistent St. Louis applicant with their own email, phone and address (the
    contract's example, minus what would link every test candidate to every other)."""
    n = next(_seq)
    body: dict[str, Any] = {
        "external_id": f"t-{n:05d}",
        "full_name": full_name,
        "email": f"applicant{n}@example.com",
        # 314-200-xxxx: valid, geographic St. Louis numbers, one per candidate.
        "phone": f"+1 314 200 {n % 10000:04d}",
        "claimed_location": {
            "country": "US",
            "region": "MO",
            "city": "St. Louis",
            "timezone": "America/Chicago",
        },
        "home_address": {
            "line1": f"{n} Main St",
            "city": "St. Louis",
            "region": "MO",
            "postal_code": "63101",
            "country": "US",
        },
    }
    body.update(fields)
    return body


def post(client: ApiClient, body: dict[str, Any]) -> Candidate:
    """Upsert `body` for `client` as `POST /api/v1/candidates/` does, and run the assessments it
    queued (the candidate's own and its linked candidates')."""
    serializer = CandidateIn(data=body)
    assert serializer.is_valid(), serializer.errors
    with run_queued():
        result = candidate_upsert(client=client, data=serializer.validated_data)
    result.candidate.refresh_from_db()
    return result.candidate


def run_queued():
    """Run what a write queued for after its commit (the enqueue, then the task inline) when
    the test's transaction would otherwise never commit. In a transactional test the callbacks
    have already run at each commit, and this finds nothing left to do."""
    return TestCase.captureOnCommitCallbacks(execute=True)
