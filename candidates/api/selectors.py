"""Reads for the API, always scoped to the calling client, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet

from candidates.api.fields import parse_aware_datetime
from candidates.cursors import cursor_decode, cursor_encode
from candidates.models import ApiClient, Assessment, Candidate, Document, Signal


def candidate_get(*, client: ApiClient, candidate_id: UUID) -> Candidate | None:
    """The client's candidate with everything its GET shows: five queries whatever its size."""
    return (
        Candidate.objects.filter(client=client, pk=candidate_id)
        .select_related(
            "photo",
            "resume_file",
            "latest_assessment",
            "completed_assessment",
            "review_decided_by",
        )
        .prefetch_related(
            "sessions",
            Prefetch("documents", queryset=Document.objects.select_related("image")),
            Prefetch("completed_assessment__signals", queryset=Signal.objects.all()),
        )
        .first()
    )


def candidate_exists(*, client: ApiClient, candidate_id: UUID) -> Candidate | None:
    return Candidate.objects.filter(client=client, pk=candidate_id).only("id").first()


def external_ids_for(*, client: ApiClient, candidate_ids: set[str]) -> dict[str, str]:
    """external_id of those related candidates the client owns (others' stay hidden)."""
    if not candidate_ids:
        return {}
    rows = Candidate.objects.filter(client=client, pk__in=candidate_ids).values_list(
        "id", "external_id"
    )
    return {str(pk): external_id for pk, external_id in rows}


def assessments_for(
    *, candidate: Candidate, before_seq: int | None, limit: int
) -> list[Assessment]:
    qs = Assessment.objects.filter(candidate=candidate).order_by("-seq")
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    return list(
        qs.prefetch_related(
            Prefetch(
                "signals",
                queryset=Signal.objects.only(
                    "id", "assessment_id", "code", "check_name", "score", "contribution", "severity"
                ),
            )
        )[: limit + 1]
    )


# --- The list: filters and keyset pagination --------------------------------------------------

LIST_FILTERS = (
    "external_id",
    "risk_level",
    "review_status",
    "assessment_status",
    "min_score",
    "updated_since",
    "cursor",
    "limit",
)


class ListQueryInvalid(ValueError):
    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("Invalid query parameters")
        self.fields = fields


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Candidate]
    next_cursor: str | None
    has_more: bool


def _cursor_key(cursor: str) -> tuple[datetime, UUID]:
    key = cursor_decode(cursor, datetime, UUID)
    if key is None:
        raise ListQueryInvalid({"cursor": ["Not a cursor this API issued."]})
    return key[0], key[1]


def candidate_list(*, client: ApiClient, params: dict[str, str]) -> Page:
    """(created_at desc, id desc) pages of the client's candidates.

    Every filter is served by an index that leads with `client`: the (client, external_id)
    unique constraint, (client, risk_level|review_status|assessment_status, -created_at, -id),
    and (client, -created_at, -id) for min_score and updated_since.
    """
    unknown = sorted(set(params) - set(LIST_FILTERS))
    if unknown:
        raise ListQueryInvalid({name: ["Unknown query parameter."] for name in unknown})
    bad = sorted(name for name, value in params.items() if "\x00" in value or len(value) > 300)
    if bad:
        raise ListQueryInvalid({name: ["Not a valid value."] for name in bad})
    limit = int_param(params, "limit", default=50, low=1, high=200)
    qs = _filtered(Candidate.objects.filter(client=client), params)
    if params.get("cursor"):
        created, pk = _cursor_key(params["cursor"])
        qs = qs.filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk))
    rows = list(qs.order_by("-created_at", "-id")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        items=rows,
        has_more=has_more,
        next_cursor=cursor_encode(rows[-1].created_at, rows[-1].pk) if has_more and rows else None,
    )


def _filtered(qs: QuerySet[Candidate], params: dict[str, str]) -> QuerySet[Candidate]:
    errors: dict[str, list[str]] = {}
    choices = {
        "risk_level": Candidate.RiskLevel.values,
        "review_status": Candidate.ReviewStatus.values,
        "assessment_status": Candidate.AssessmentStatus.values,
    }
    for name, allowed in choices.items():
        if name in params:
            if params[name] not in allowed:
                errors[name] = [f"Expected one of: {', '.join(allowed)}."]
            else:
                qs = qs.filter(**{name: params[name]})
    if "external_id" in params:
        qs = qs.filter(external_id=params["external_id"])
    if "min_score" in params:
        try:
            score = int_param(params, "min_score", default=0, low=0, high=100)
            # risk_score is 0 until the first assessment completes: unassessed never match.
            qs = qs.filter(assessed_at__isnull=False, risk_score__gte=score)
        except ListQueryInvalid as exc:
            errors.update(exc.fields)
    if "updated_since" in params:
        try:
            qs = qs.filter(updated_at__gte=parse_aware_datetime(params["updated_since"]))
        except ValueError as exc:
            errors["updated_since"] = [str(exc)]
    if errors:
        raise ListQueryInvalid(errors)
    return qs


def int_param(params: dict[str, Any], name: str, *, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ListQueryInvalid({name: [f"Expected an integer from {low} to {high}."]})
    return int(raw)
