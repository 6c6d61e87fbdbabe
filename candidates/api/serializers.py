"""Input shapes of the v1 API. Shape only: business rules live in `candidates.services`.

Every object refuses unknown fields (a typo must not be silently dropped). Length limits below are
the documented ones (also in the OpenAPI schema). Values that are well-formed text but wrong in
substance (a phone that is no number, a bad email, an unparseable IP, an MRZ with bad check
digits) are accepted here and become signals.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from candidates.api import fields as f
from candidates.models import Candidate, Document, Observation, Session
from candidates.resumes import MAX_ENCODED_CHARS, ResumeInvalid, resume_decode

MAX_SESSIONS_PER_REQUEST = 1000
MAX_DOCUMENTS_PER_REQUEST = 20
MAX_BATCH = 500
RESUME_MAX_CHARS = 200_000
MAX_REFERENCES = 10


class StrictSerializer(serializers.Serializer):
    """Refuses JSON fields it does not know, naming each."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


def _optional(field_cls, *args: Any, **kwargs: Any):
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_null", True)
    return field_cls(*args, **kwargs)


class LocationIn(StrictSerializer):
    country = _optional(f.CountryAlpha2)
    region = _optional(f.Text, 100)
    city = _optional(f.Text, 100)
    timezone = _optional(f.Text, 64)


class AddressIn(StrictSerializer):
    line1 = _optional(f.Text, 200)
    line2 = _optional(f.Text, 200)
    city = _optional(f.Text, 100)
    region = _optional(f.Text, 100)
    postal_code = _optional(f.Text, 20)
    country = _optional(f.CountryAlpha2)


class PayoutIn(StrictSerializer):
    account_holder = _optional(f.Text, 300)
    bank_country = _optional(f.CountryAlpha2)
    routing_number = _optional(f.Text, 34)
    account_number = _optional(f.Text, 34)
    iban = _optional(f.Text, 34)
    # v1.1
    method = _optional(f.Choice, choices=Candidate.PayoutMethod.choices)
    account_email = _optional(f.Text, 320)
    wallet_address = _optional(f.Text, 128)


class ReferredByIn(StrictSerializer):
    """Who referred the candidate; `external_id` names a candidate of the same client."""

    external_id = _optional(f.Text, 200)
    name = _optional(f.Text, 300)
    email = _optional(f.Text, 320)


class ReferenceIn(StrictSerializer):
    name = _optional(f.Text, 300)
    email = _optional(f.Text, 320)
    phone = _optional(f.Text, 64)
    relationship = _optional(f.Text, 100)


class ResumeFileIn(StrictSerializer):
    """A PDF or DOCX; read here (text and metadata) so a bad file names its field."""

    filename = f.Text(255, allow_blank=False)
    content = f.ResumeData(MAX_ENCODED_CHARS, allow_blank=False)

    def validate(self, attrs: dict[str, Any]) -> Any:
        try:
            return resume_decode(content=attrs["content"], filename=attrs["filename"])
        except ResumeInvalid as exc:
            raise serializers.ValidationError({"content": [str(exc)]}) from exc


class SessionIn(StrictSerializer):
    ip = f.Text(64, allow_blank=False)
    seen_at = f.AwareDateTime()
    kind = f.Choice(choices=Session.Kind.choices)
    user_agent = _optional(f.Text, 1000)
    timezone = _optional(f.Text, 64)
    # Minutes east of UTC; real offsets run from -12:00 to +14:00.
    utc_offset_minutes = _optional(f.Integer, min_value=-16 * 60, max_value=16 * 60)


class DocumentIn(StrictSerializer):
    kind = f.Choice(choices=Document.Kind.choices)
    number = f.Text(50, allow_blank=False)
    issuing_country = f.CountryCode(allow_blank=False)
    expires_on = _optional(f.Date)
    mrz = _optional(f.Text, 200)
    image = _optional(f.ImageData)


class CandidateIn(StrictSerializer):
    external_id = f.Text(200, allow_blank=False)
    full_name = f.Text(300, allow_blank=False, required=False)
    email = _optional(f.Text, 320)
    phone = _optional(f.Text, 64)
    date_of_birth = _optional(f.Date)
    nationality = _optional(f.CountryCode)
    claimed_location = LocationIn(required=False, allow_null=True)
    home_address = AddressIn(required=False, allow_null=True)
    shipping_address = AddressIn(required=False, allow_null=True)
    payout = PayoutIn(required=False, allow_null=True)
    # Explicit ListSerializers: `many=True` would pass allow_null on to each item as well.
    sessions = serializers.ListSerializer(
        child=SessionIn(), required=False, allow_null=True, max_length=MAX_SESSIONS_PER_REQUEST
    )
    documents = serializers.ListSerializer(
        child=DocumentIn(), required=False, allow_null=True, max_length=MAX_DOCUMENTS_PER_REQUEST
    )
    photo = _optional(f.ImageData)
    resume_text = _optional(f.Text, RESUME_MAX_CHARS)
    profiles = _optional(f.StringMap, max_items=20, max_key=50, max_value=500)
    # v1.1
    stage = _optional(f.Choice, choices=Candidate.Stage.choices)
    vendor = _optional(f.Text, 200)
    referred_by = ReferredByIn(required=False, allow_null=True)
    references = serializers.ListSerializer(
        child=ReferenceIn(), required=False, allow_null=True, max_length=MAX_REFERENCES
    )
    resume_file = ResumeFileIn(required=False, allow_null=True)


class BatchIn(StrictSerializer):
    """Items stay raw here: each is validated on its own so one bad item blocks nothing."""

    candidates = serializers.ListField(child=f.Parsed(), max_length=MAX_BATCH, allow_empty=True)


class SessionsIn(StrictSerializer):
    sessions = SessionIn(many=True, max_length=MAX_SESSIONS_PER_REQUEST, allow_empty=False)


class ObservationIn(StrictSerializer):
    code = f.Choice(choices=Observation.Code.choices)
    note = f.Text(5000, required=False)


class EmptyIn(StrictSerializer):
    """POST bodies that carry nothing (reassess): `{}` or no body."""
