"""The v1 API: one small view per resource, each a selector, a serializer and a service.

Every read and write is scoped to the calling client: another client's candidate is a 404.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import prefetch_related_objects
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from candidates import pipeline, services
from candidates.api import outputs as out
from candidates.api import representations as rep
from candidates.api import selectors, serializers
from candidates.api.errors import ApiError, flatten, request_id_of, validation_message
from candidates.api.idempotency import idempotent
from candidates.api.schema import ASSESSMENT_PARAMETERS, LIST_PARAMETERS
from candidates.models import Candidate
from checks.registry import catalogue, evidence_fields_for
from checks.rulesets import ruleset_active_snapshot

# Endpoints that carry no images: a small body cap (1000 sessions with long user agents fit).
SESSIONS_BODY_BYTES = 4 * 1024 * 1024
SMALL_BODY_BYTES = 64 * 1024


def _validated(serializer_cls, data: Any) -> dict[str, Any]:
    serializer = serializer_cls(data=data if data is not None else {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _invalid(exc: services.CandidateInvalid) -> ApiError:
    return ApiError(status_code=400, code="validation_error", message=str(exc), fields=exc.fields)


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError as exc:
        raise Http404 from exc


def _owned(request: Request, candidate_id: str) -> Candidate:
    candidate = selectors.candidate_exists(client=request.user, candidate_id=_uuid(candidate_id))
    if candidate is None:
        raise Http404
    return candidate


def candidate_body(request: Request, candidate_id: UUID) -> dict[str, Any]:
    candidate = selectors.candidate_get(client=request.user, candidate_id=candidate_id)
    if candidate is None:
        raise Http404
    external_ids = selectors.external_ids_for(
        client=request.user, candidate_ids=rep.related_ids(candidate)
    )
    return rep.candidate_detail(candidate, external_ids=external_ids)


def _upserted_body(request: Request, result: services.UpsertResult) -> dict[str, Any]:
    """The candidate as GET shows it, from the objects the write holds: nothing is read back
    but the signals of its last completed assessment (a new candidate has none)."""
    candidate = result.candidate
    if candidate.completed_assessment_id is not None:
        prefetch_related_objects([candidate], "completed_assessment__signals")
    external_ids = selectors.external_ids_for(
        client=request.user, candidate_ids=rep.related_ids(candidate)
    )
    return rep.candidate_detail(
        candidate,
        external_ids=external_ids,
        sessions=result.sessions,
        documents=result.documents,
    )


class CandidatesView(APIView):
    @extend_schema(
        request=serializers.CandidateIn,
        responses={
            200: OpenApiResponse(out.CandidateOut, description="Updated (or unchanged)."),
            201: OpenApiResponse(out.CandidateOut, description="Created."),
        },
        operation_id="candidates_upsert",
        summary="Create or update a candidate by external_id (merge semantics)",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = _validated(serializers.CandidateIn, request.data)
        try:
            result = services.candidate_upsert(
                client=request.user, data=data, request_id=request_id_of(request)
            )
        except services.CandidateInvalid as exc:
            raise _invalid(exc) from exc
        if pipeline.assessments_run_inline() and not connection.in_atomic_block:
            # Committed, and the assessment ran inline on commit: show it as it now is.
            body = candidate_body(request, result.candidate.pk)
        else:
            body = _upserted_body(request, result)
        return Response(
            body,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @extend_schema(
        responses={200: out.CandidatePageOut},
        summary="List the client's candidates (newest first)",
        operation_id="candidates_list",
        parameters=LIST_PARAMETERS,
    )
    def get(self, request: Request) -> Response:
        try:
            page = selectors.candidate_list(client=request.user, params=request.query_params.dict())
        except selectors.ListQueryInvalid as exc:
            raise ApiError(
                status_code=400,
                code="validation_error",
                message="Invalid query parameters.",
                fields=exc.fields,
            ) from exc
        return Response(
            {
                "results": [rep.candidate_summary(c) for c in page.items],
                "next_cursor": page.next_cursor,
                "has_more": page.has_more,
            }
        )


class CandidateBatchView(APIView):
    # Up to 500 candidates, each with up to 1000 sessions in principle; 100,000 objects and
    # arrays peak near 100 MiB in the parser (bench/bench_limits.py).
    max_json_containers = 100_000

    @extend_schema(
        request=serializers.BatchIn,
        responses={200: out.BatchOut},
        summary="Upsert up to 500 candidates; per-item results",
        operation_id="candidates_batch_upsert",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        items = _validated(serializers.BatchIn, request.data)["candidates"]
        results: list[dict[str, Any]] = []
        valid: list[tuple[int, dict[str, Any]]] = []
        # One serializer for every item, as DRF's ListSerializer validates its items with one
        # child: each new instance deep-copies its nested fields (a fifth of a call's time in
        # bench/bench_batch.py's profile on main).
        item_in = serializers.CandidateIn()
        for index, raw in enumerate(items):
            try:
                valid.append((index, item_in.run_validation(raw)))
            except ValidationError:
                results.append(_item_error(index, raw, _item_errors(raw)))
        outcomes = services.candidates_batch_upsert(
            client=request.user, items=valid, request_id=request_id_of(request)
        )
        for index, data in valid:
            outcome = outcomes[index]
            if isinstance(outcome, services.CandidateInvalid):
                results.append(_item_error(index, data, outcome.fields))
            else:
                results.append(
                    {
                        "index": index,
                        "external_id": data["external_id"],
                        "id": str(outcome.candidate.pk),
                        "created": outcome.created,
                    }
                )
        results.sort(key=lambda r: r["index"])
        return Response({"results": results})


def _item_errors(raw: Any) -> Any:
    """A refused item's errors exactly as `is_valid()` and `.errors` give them (which reword a
    null item's); a refused item is validated once more for it, the valid ones once."""
    serializer = serializers.CandidateIn(data=raw)
    serializer.is_valid()
    return serializer.errors


def _item_error(index: int, raw: Any, errors: Any) -> dict[str, Any]:
    external_id = raw.get("external_id") if isinstance(raw, dict) else None
    fields = flatten(errors)
    return {
        "index": index,
        "external_id": external_id if isinstance(external_id, str) else None,
        "error": {
            "code": "validation_error",
            "message": validation_message(fields),
            "fields": fields,
        },
    }


class CandidateView(APIView):
    @extend_schema(
        responses={200: out.CandidateOut},
        summary="A candidate with its assessment and review",
        operation_id="candidates_get",
    )
    def get(self, request: Request, candidate_id: str) -> Response:
        return Response(candidate_body(request, _uuid(candidate_id)))

    @extend_schema(
        responses={204: None},
        summary="Erase a candidate (204 also when repeated)",
        operation_id="candidates_erase",
    )
    def delete(self, request: Request, candidate_id: str) -> Response:
        if not services.candidate_erase(
            client=request.user, candidate_id=_uuid(candidate_id), request_id=request_id_of(request)
        ):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionsView(APIView):
    max_body_bytes = SESSIONS_BODY_BYTES

    @extend_schema(
        request=serializers.SessionsIn,
        responses={202: out.SessionsAddedOut},
        summary="Append sightings (sessions)",
        operation_id="sessions_append",
    )
    @idempotent
    def post(self, request: Request, candidate_id: str) -> Response:
        candidate = _owned(request, candidate_id)
        data = _validated(serializers.SessionsIn, request.data)
        try:
            added = services.sessions_append(
                candidate=candidate,
                sessions=data["sessions"],
                client=request.user,
                request_id=request_id_of(request),
            )
        except services.CandidateInvalid as exc:
            raise _invalid(exc) from exc
        candidate.refresh_from_db(fields=["latest_assessment"])
        return Response(
            {
                "id": str(candidate.pk),
                "added": added,
                "assessment": rep.assessment_ref(candidate.latest_assessment) if added else None,
            },
            status=status.HTTP_202_ACCEPTED,
        )


class ObservationsView(APIView):
    max_body_bytes = SMALL_BODY_BYTES

    @extend_schema(
        request=serializers.ObservationIn,
        responses={201: out.ObservationOut},
        summary="Record a recruiter's interview observation",
        operation_id="observations_create",
    )
    @idempotent
    def post(self, request: Request, candidate_id: str) -> Response:
        candidate = _owned(request, candidate_id)
        data = _validated(serializers.ObservationIn, request.data)
        observation = services.observation_create(
            candidate=candidate,
            code=data["code"],
            note=data.get("note", ""),
            client=request.user,
            request_id=request_id_of(request),
        )
        return Response(
            {
                "id": observation.pk,
                "candidate_id": str(candidate.pk),
                "code": observation.code,
                "note": observation.note,
                "created_at": rep.iso(observation.created_at),
            },
            status=status.HTTP_201_CREATED,
        )


class ReassessView(APIView):
    max_body_bytes = SMALL_BODY_BYTES

    @extend_schema(
        request=None,
        responses={202: out.ReassessOut},
        summary="Queue a reassessment",
        operation_id="candidates_reassess",
    )
    @idempotent
    def post(self, request: Request, candidate_id: str) -> Response:
        candidate = _owned(request, candidate_id)
        _validated(serializers.EmptyIn, request.data)
        assessment = services.candidate_reassess(
            candidate=candidate, client=request.user, request_id=request_id_of(request)
        )
        return Response(
            {"id": str(candidate.pk), "assessment": rep.assessment_ref(assessment)},
            status=status.HTTP_202_ACCEPTED,
        )


class AssessmentsView(APIView):
    @extend_schema(
        responses={200: out.AssessmentPageOut},
        summary="Assessment history, newest first",
        operation_id="assessments_list",
        parameters=ASSESSMENT_PARAMETERS,
    )
    def get(self, request: Request, candidate_id: str) -> Response:
        candidate = _owned(request, candidate_id)
        params = request.query_params
        try:
            limit = selectors.int_param(params, "limit", default=50, low=1, high=200)
            cursor = selectors.int_param(params, "cursor", default=0, low=1, high=2**31)
        except selectors.ListQueryInvalid as exc:
            raise ApiError(
                status_code=400,
                code="validation_error",
                message="Invalid query parameters.",
                fields=exc.fields,
            ) from exc
        rows = selectors.assessments_for(
            candidate=candidate, before_seq=cursor or None, limit=limit
        )
        has_more = len(rows) > limit
        rows = rows[:limit]
        return Response(
            {
                "results": [rep.assessment_history_item(a) for a in rows],
                "next_cursor": str(rows[-1].seq) if has_more else None,
                "has_more": has_more,
            }
        )


class SignalsView(APIView):
    @extend_schema(
        responses={200: out.SignalCatalogueOut},
        summary="The signal catalogue",
        operation_id="signals_list",
    )
    def get(self, request: Request) -> Response:
        active = ruleset_active_snapshot()
        rules = active["signals"]
        return Response(
            {
                "ruleset_version": active["version"],
                "results": [
                    {
                        "code": code,
                        "check": check,
                        "description": info.description,
                        "default_points": info.points,
                        "default_severity": info.severity,
                        "guidance": info.guidance,
                        "points": rules.get(code, {}).get("points"),
                        "severity": rules.get(code, {}).get("severity"),
                        "enabled": rules.get(code, {}).get("enabled"),
                        "evidence": [
                            {"key": key, "label": field.label, "unit": field.unit}
                            for key, field in evidence_fields_for(code).items()
                            if not field.hidden
                        ],
                    }
                    for code, check, info in catalogue()
                ],
            }
        )
