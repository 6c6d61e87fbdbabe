"""What the OpenAPI schema says beyond what drf-spectacular infers from the views' serializers.

Integrators generate their clients from /api/v1/schema/, and schema-driven fuzzers test against
it, so it states every constraint the API enforces: closed objects (unknown fields are a 400),
the text fields' ban on NUL (PostgreSQL cannot store it), real country codes, images. It also
adds what every operation shares, once, here: the Bearer scheme, the error body on each 4xx the
operation can answer, the `Idempotency-Key` request header and the `X-Request-Id` response
header. Imported by urls.py so the extensions register.
"""

from __future__ import annotations

from typing import Any

import pycountry
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from candidates.api.fields import NO_NUL
from candidates.api.outputs import ErrorOut
from candidates.api.serializers import CandidateIn, StrictSerializer
from candidates.models import Candidate

_ERRORS = {
    400: "`validation_error`: `fields` names each refused value by its dotted path "
    "(or query parameter); `malformed_json`: the body is not JSON.",
    401: "`not_authenticated`: no API key or an invalid one (`WWW-Authenticate: Bearer`).",
    404: "`not_found`: no such candidate for this client.",
    409: "`idempotency_conflict`: the Idempotency-Key was used with another body, or the first "
    "request with it is still running.",
    413: "`payload_too_large`: the body is over the size limit (40 MiB by default).",
    415: "`unsupported_media_type`: send `Content-Type: application/json`.",
    429: "`throttled`: over the client's request rate; `Retry-After` says when to retry.",
}

REQUEST_ID = OpenApiParameter(
    "X-Request-Id",
    str,
    OpenApiParameter.HEADER,
    description="The request's id; error bodies repeat it as `request_id`.",
    response=True,
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 255},
    OpenApiParameter.HEADER,
    description="The same key with the same body within 24 h replays the stored response "
    "(`Idempotent-Replayed: true`); with another body it is a 409 `idempotency_conflict`.",
)
CANDIDATE_ID = OpenApiParameter(
    "candidate_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The candidate's `id`."
)


def _limit(default: int) -> OpenApiParameter:
    schema = {"type": "integer", "minimum": 1, "maximum": 200, "default": default}
    return OpenApiParameter("limit", schema, description="Page size.")


def _text_param(name: str, description: str) -> OpenApiParameter:
    schema = {"type": "string", "maxLength": 300, "pattern": "^[^\\u0000]*$"}
    return OpenApiParameter(name, schema, description=description)


LIST_PARAMETERS = [
    _text_param("external_id", "Only the candidate with this external_id."),
    OpenApiParameter("risk_level", enum=Candidate.RiskLevel.values),
    OpenApiParameter("review_status", enum=Candidate.ReviewStatus.values),
    OpenApiParameter("assessment_status", enum=Candidate.AssessmentStatus.values),
    OpenApiParameter(
        "min_score",
        {"type": "integer", "minimum": 0, "maximum": 100},
        description="Only assessed candidates with at least this risk_score.",
    ),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description="RFC 3339 with an offset: candidates updated at or after it.",
    ),
    _text_param("cursor", "The previous page's `next_cursor`; any other value is a 400."),
    _limit(50),
]
ASSESSMENT_PARAMETERS = [
    _text_param("cursor", "The previous page's `next_cursor`; any other value is a 400."),
    _limit(50),
]


class VettingAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the constraints and responses every view shares."""

    def get_override_parameters(self) -> list[Any]:
        params = [*super().get_override_parameters(), REQUEST_ID]
        if "{candidate_id}" in self.path:
            params.append(CANDIDATE_ID)
        if self.method == "POST":
            params.append(IDEMPOTENCY_KEY)
        return params

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False) -> str:
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        return name.removesuffix("Out")  # outputs.CandidateOut is "Candidate" to a client

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if isinstance(force_instance(serializer), StrictSerializer):
            schema["additionalProperties"] = False  # unknown fields are a 400
            if serializer.__class__.__doc__ is None:
                schema.pop("description", None)  # not StrictSerializer's own docstring
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ListSerializer) and schema:
            # drf-spectacular skips a ListSerializer's own bounds; the API enforces them.
            if field.max_length is not None:
                schema["maxItems"] = field.max_length
            if not field.allow_empty:
                schema["minItems"] = 1
        return schema

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # Added after the stock validators so drf-spectacular does not turn a blank-allowed
        # field with a pattern into a oneOf that "" would match twice.
        pattern = getattr(field, "schema_pattern", None)
        types = schema.get("type")
        if pattern and (types == "string" or (isinstance(types, list) and "string" in types)):
            schema["pattern"] = pattern

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self._error_statuses():
            code = str(status)
            response = OpenApiResponse(ErrorOut, description=_ERRORS[status])
            responses.setdefault(code, self._get_response_for_code(response, code))
        return responses

    def _error_statuses(self) -> list[int]:
        statuses = [401, 429]
        if "{candidate_id}" in self.path:
            statuses.append(404)
        if self.method == "POST":
            statuses += [400, 409, 413, 415]
        elif any(p.location == OpenApiParameter.QUERY for p in self._query_parameters()):
            statuses.append(400)  # a refused query parameter
        return sorted(statuses)

    def _query_parameters(self) -> list[OpenApiParameter]:
        return [p for p in self.get_override_parameters() if isinstance(p, OpenApiParameter)]


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "candidates.api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from `manage.py create_api_client`, sent as "
            "`Authorization: Bearer <key>`. A key sees only its own client's candidates.",
        }


class CountryAlpha2Field(OpenApiSerializerFieldExtension):
    """A real ISO 3166-1 alpha-2 code. Any case is accepted (and echoed as sent); the schema
    lists the upper-case codes, which is what a generated client should send."""

    target_class = "candidates.api.fields.CountryAlpha2"

    def get_name(self) -> str:
        return "CountryAlpha2"

    def map_serializer_field(self, auto_schema, direction):
        codes = sorted(c.alpha_2 for c in pycountry.countries)
        return {
            "type": "string",
            "enum": ["", *codes],
            "description": 'ISO 3166-1 alpha-2 (any case is accepted; "" means unknown).',
        }


class StringMapField(OpenApiSerializerFieldExtension):
    """`profiles`: a flat object of short strings, with the field's own bounds."""

    target_class = "candidates.api.fields.StringMap"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        return {
            "type": "object",
            "maxProperties": field.max_items,
            "propertyNames": {"maxLength": field.max_key, "pattern": NO_NUL},
            "additionalProperties": {
                "type": "string",
                "maxLength": field.max_value,
                "pattern": NO_NUL,
            },
        }


class CandidateInSchema(OpenApiSerializerExtension):
    """`full_name` is required to create a candidate but may be omitted on update (unchanged).
    The schema cannot tell the two apart, so it asks for the name always: a body valid against
    the schema is then never refused for lacking it."""

    target_class = "candidates.api.serializers.CandidateIn"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["required"] = sorted({*schema.get("required", []), "full_name"})
        schema["description"] = (
            "A candidate to create or update by `external_id`. On update an omitted field is "
            "unchanged and `null` clears it; `sessions` are appended and `documents` upserted "
            "by number."
        )
        return schema


class BatchInSchema(OpenApiSerializerExtension):
    """The batch takes items raw (a bad item gets its own error, not a 400 for the batch), but
    each item is a CandidateIn, and the schema says so."""

    target_class = "candidates.api.serializers.BatchIn"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        items = auto_schema.resolve_serializer(CandidateIn, direction).ref
        schema["properties"]["candidates"]["items"] = items
        schema["description"] = "Up to 500 upserts, processed in order; one bad item blocks none."
        return schema
