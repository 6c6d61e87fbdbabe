"""What an API client may see of a link signal: links to its own candidates only.

The contract ("related_candidates"): a link to a candidate another client posted still counts in
the score, but the API and webhooks never return that candidate's id, how many there are, which
of the caller's values matched it or evidence keyed by it; the signal says only
`"evidence": {"other_sources": true}` for that part. Otherwise a client could post probes (an
email, a phone, a photo) to learn whom another client holds and track them by a stable id.

The dashboard reads stored signals directly: recruiters see everything.

When `related_count` says there were more related candidates than the stored list holds, those
beyond it are of unknown ownership: the client is told only about the ones it can be shown to
own, without the stored counts.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from candidates.models import Signal
from checks.registry import code_info

RELATED_SHOWN = 50
# Evidence keys that describe the check's parameters, not the other holders.
_PARAMETER_KEYS = ("threshold", "max_depth")


def signal_for_client(signal: Signal, *, own: dict[str, str]) -> dict[str, Any]:
    """The contract's signal block, scoped to the client whose candidates are `own`
    ({candidate id: external_id}, as `selectors.external_ids_for` gives them)."""
    related = signal.related_candidates
    mine = [r for r in related if r["id"] in own]
    body = {
        "code": signal.code,
        "check": signal.check_name,
        "score": signal.score,
        "contribution": signal.contribution,
        "severity": signal.severity,
        "message": signal.message,
        "evidence": signal.evidence,
        "related_candidates": [
            {"id": r["id"], "external_id": own[r["id"]], "shared": r.get("shared")}
            for r in mine[:RELATED_SHOWN]
        ],
        "related_count": signal.related_count,
    }
    foreign = len(mine) < len(related)
    # More holders than were stored: those beyond the list may be anyone's, so the stored
    # counts (message, related_count, holders) may include other clients' candidates.
    overflowed = signal.related_count > len(related)
    if not foreign and not overflowed:
        return body
    info = code_info(signal.code)
    # The stored message counts every holder ("with 3 other candidates"); the catalogue's
    # description of the code says the same thing without a number.
    body["message"] = info.description if info is not None else signal.code
    body["evidence"] = _own_evidence(signal.evidence, mine) if mine else {}
    if foreign:
        body["evidence"]["other_sources"] = True
    body["related_count"] = len(mine)
    return body


def _own_evidence(evidence: dict[str, Any], mine: list[dict[str, Any]]) -> dict[str, Any]:
    """The parts of the evidence that describe only the client's own related candidates."""
    ids = {r["id"] for r in mine}
    shared = {r.get("shared") for r in mine}
    kept: dict[str, Any] = {}
    for key, value in evidence.items():
        if key in _PARAMETER_KEYS:
            kept[key] = value
        elif key == "values" and isinstance(value, list):
            # Which of the candidate's values matched: only those its own candidates hold,
            # and without the holder count (that counts other clients' candidates too).
            values = [
                {"shared": v["shared"]}
                for v in value
                if isinstance(v, dict) and v.get("shared") in shared
            ]
            if values:
                kept[key] = values
        elif isinstance(value, dict) and value and all(_is_uuid(k) for k in value):
            kept[key] = {k: v for k, v in value.items() if k in ids}
        # Anything else (a cluster's size, whether it was capped) counts other holders: dropped.
    return kept


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True
