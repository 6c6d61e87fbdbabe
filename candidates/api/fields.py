"""Strict serializer fields: a wrong JSON type is a 400, never silently coerced.

DRF's stock fields turn `123` into `"123"` and `"5"` into `5`; the contract says a wrong JSON type
cannot be stored faithfully, so these refuse it. Timestamps must carry an offset (RFC 3339).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from candidates.images import ImageInvalid, image_decode
from checks.countries import is_alpha2

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(?P<tz>[Zz]|[+-]\d{2}:?\d{2})?$"
)


def _type_error(field: serializers.Field, expected: str) -> None:
    raise serializers.ValidationError(f"Expected {expected}.", code="invalid")


# The OpenAPI `pattern` of text fields: any text but NUL, which PostgreSQL cannot store.
NO_NUL = "^[^\\u0000]*$"


_SURROGATE = re.compile("[\ud800-\udfff]")


class NoSurrogates(ProhibitSurrogateCharactersValidator):
    """DRF's check with the same message, by a regular expression instead of a Python loop over
    every character (a batch's resume texts and addresses run to ~100,000 characters a call)."""

    def __call__(self, value: Any) -> None:
        found = _SURROGATE.search(str(value))
        if found:
            message = self.message.format(code_point=ord(found.group()))
            raise serializers.ValidationError(message, code=self.code)


class Text(serializers.CharField):
    """A JSON string, stored as sent (no trimming), within a documented length."""

    schema_pattern = NO_NUL  # read by candidates.api.schema

    def __init__(self, max_length: int, **kwargs: Any):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [
            NoSurrogates() if type(v) is ProhibitSurrogateCharactersValidator else v
            for v in self.validators
        ]

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            _type_error(self, "a string")
        return super().to_internal_value(data)


class Integer(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, float) and data.is_integer():
            data = int(data)  # JSON (and JSON Schema) make no difference between 0 and 0.0
        if isinstance(data, bool) or not isinstance(data, int):
            _type_error(self, "an integer")
        return super().to_internal_value(data)


class Choice(serializers.ChoiceField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            _type_error(self, "a string")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.DATE)
class Date(serializers.Field):
    """`YYYY-MM-DD`."""

    def to_internal_value(self, data: Any) -> date:
        if not isinstance(data, str) or not _DATE.match(data):
            raise serializers.ValidationError("Expected a date as YYYY-MM-DD.")
        try:
            return date.fromisoformat(data)
        except ValueError as exc:
            raise serializers.ValidationError("Not a calendar date.") from exc

    def to_representation(self, value: date) -> str:
        return value.isoformat()


def parse_aware_datetime(data: Any) -> datetime:
    """An RFC 3339 timestamp with an offset, as UTC; ValueError otherwise."""
    if not isinstance(data, str):
        raise ValueError("Expected an RFC 3339 timestamp string.")
    match = _DATETIME.match(data)
    if not match:
        raise ValueError("Expected an RFC 3339 timestamp, e.g. 2026-11-20T14:03:00Z.")
    if not match.group("tz"):
        raise ValueError("The timestamp has no UTC offset; add Z or +hh:mm.")
    try:
        return datetime.fromisoformat(data.upper().replace(" ", "T")).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError("Not a valid timestamp.") from exc


@extend_schema_field(OpenApiTypes.DATETIME)
class AwareDateTime(serializers.Field):
    def to_internal_value(self, data: Any) -> datetime:
        try:
            return parse_aware_datetime(data)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def to_representation(self, value: datetime) -> str | None:
        return iso(value)


class CountryAlpha2(Text):
    """ISO 3166-1 alpha-2; any case; stored as sent."""

    def __init__(self, **kwargs: Any):
        super().__init__(max_length=2, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value and not is_alpha2(value):
            raise serializers.ValidationError(f"{value!r} is not an ISO 3166-1 alpha-2 code.")
        return value


class CountryCode(Text):
    """Alpha-2, alpha-3 or an ICAO code as printed in an MRZ (`D`, `UTO`): 1-3 letters."""

    schema_pattern = "^[A-Za-z]*$"

    def __init__(self, **kwargs: Any):
        super().__init__(max_length=3, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value and not (value.isascii() and value.isalpha()):
            raise serializers.ValidationError("Expected a country code of 1-3 letters.")
        return value


@extend_schema_field(
    {
        "type": "string",
        # Not a standard format: it tells a client (and a fuzzer) that this is an image.
        "format": "image",
        "description": "A JPEG or PNG image as base64 or a `data:image/...;base64,` URI; at most "
        "8 MiB decoded and 40 megapixels; it must decode whole.",
    }
)
class ImageData(serializers.Field):
    """Base64 or a data: URI of a JPEG/PNG; validated here so a bad image names its field."""

    def to_internal_value(self, data: Any):
        if not isinstance(data, str):
            _type_error(self, "a base64 string or data: URI")
        try:
            return image_decode(data)
        except ImageInvalid as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(
    {
        "type": "string",
        # Not a standard format: it tells a client (and a fuzzer) that this is a document file.
        "format": "resume-file",
        "description": "A PDF or DOCX file as base64 or a `data:...;base64,` URI; at most 8 MiB "
        "decoded; it must parse.",
    }
)
class ResumeData(Text):
    """The content of `resume_file`: text here; its parent reads it with the filename."""


class Parsed(serializers.JSONField):
    """Any JSON value, taken as parsed. DRF's JSONField serialises each value again to prove it
    is JSON; what the API's parser (candidates.api.parsers) gives is, and a batch's items with
    their images are ~20 KB each."""

    def to_internal_value(self, data: Any) -> Any:
        return data


class StringMap(serializers.Field):
    """A flat JSON object of short string values (`profiles`). Schema: candidates.api.schema."""

    def __init__(self, *, max_items: int, max_key: int, max_value: int, **kwargs: Any):
        self.max_items, self.max_key, self.max_value = max_items, max_key, max_value
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, str]:
        if not isinstance(data, dict):
            _type_error(self, "an object")
        if len(data) > self.max_items:
            raise serializers.ValidationError(f"At most {self.max_items} entries.")
        errors = {}
        for key, value in data.items():
            if len(key) > self.max_key or "\x00" in key:
                errors[key] = [f"Key longer than {self.max_key} characters."]
            elif not isinstance(value, str):
                errors[key] = ["Expected a string."]
            elif len(value) > self.max_value or "\x00" in value:
                errors[key] = [f"Expected text of at most {self.max_value} characters."]
        if errors:
            raise serializers.ValidationError(errors)
        return dict(data)

    def to_representation(self, value: Any) -> Any:
        return value


def iso(value: datetime | None) -> str | None:
    """UTC with a `Z`, as the contract's responses use."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
