"""State changes on candidates. Callers import from here; the modules split the work:
`reviews` (decisions, observations, the audit log) and `writes` (the HR-facing API's writes)."""

from candidates.services.reviews import (
    DecisionStale,
    audit_record,
    audit_redact_free_text,
    observation_create,
    review_decide,
    review_reset_if_worse,
)
from candidates.services.writes import (
    MAX_SESSIONS_PER_CANDIDATE,
    CandidateInvalid,
    UpsertResult,
    candidate_erase,
    candidate_reassess,
    candidate_upsert,
    candidates_batch_upsert,
    payout_fields,
    sessions_append,
)

__all__ = [
    "MAX_SESSIONS_PER_CANDIDATE",
    "CandidateInvalid",
    "DecisionStale",
    "UpsertResult",
    "audit_record",
    "audit_redact_free_text",
    "candidate_erase",
    "candidate_reassess",
    "candidate_upsert",
    "candidates_batch_upsert",
    "observation_create",
    "payout_fields",
    "review_decide",
    "review_reset_if_worse",
    "sessions_append",
]
