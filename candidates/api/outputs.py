"""Response shapes of the v1 API, declared for the OpenAPI schema.

`representations` renders the bodies (plain functions over prefetched rows, no queries); these
serializers describe them so the schema lists every field and a generated client gets typed
models. tests/api/test_schema.py checks real responses against this schema, so the two cannot
drift apart unnoticed. Codes that the contract lets grow (signal codes, triggers, error codes)
are strings, not enums: a client generated today must not choke on a code added tomorrow.
"""

from __future__ import annotations

from rest_framework import serializers as s

from candidates.models import Assessment, Candidate, Document, Session

SEVERITIES = ("info", "low", "medium", "high", "critical")


class _Text(s.CharField):
    """Response text may be empty (unset fields are "")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)


def _nullable(field_cls, *args, **kwargs):
    return field_cls(*args, allow_null=True, **kwargs)


class ErrorDetailOut(s.Serializer):
    code = _Text(
        help_text="Stable error code: validation_error, malformed_json, not_authenticated, "
        "permission_denied, not_found, method_not_allowed, idempotency_conflict, conflict, "
        "payload_too_large, unsupported_media_type, throttled, bad_request, server_error, "
        "unavailable. New codes may be added."
    )
    message = _Text(help_text="A human sentence; do not parse it.")
    fields = s.DictField(
        child=s.ListField(child=_Text()),
        help_text="Messages per dotted path into the body or per query parameter "
        "(`sessions.0.seen_at`); `_` for the body as a whole. Empty when no field is at fault.",
    )
    request_id = _Text(help_text="The response's X-Request-Id.")


class ErrorOut(s.Serializer):
    """Every 4xx and 5xx from /api/ has this body."""

    error = ErrorDetailOut()


class ImageOut(s.Serializer):
    sha256 = _Text()
    content_type = _Text(help_text="`image/jpeg` or `image/png` today.")
    width = s.IntegerField()
    height = s.IntegerField()


class LocationOut(s.Serializer):
    """As sent; keys sent as null or never sent are absent."""

    country = _Text(required=False)
    region = _Text(required=False)
    city = _Text(required=False)
    timezone = _Text(required=False)


class AddressOut(s.Serializer):
    """As sent; keys sent as null or never sent are absent."""

    line1 = _Text(required=False)
    line2 = _Text(required=False)
    city = _Text(required=False)
    region = _Text(required=False)
    postal_code = _Text(required=False)
    country = _Text(required=False)


class PayoutOut(s.Serializer):
    method = s.ChoiceField(choices=Candidate.PayoutMethod.choices, help_text="v1.1; default bank")
    account_holder = _Text()
    bank_country = _Text()
    routing_number = _Text()
    account_number_last4 = _nullable(_Text)
    iban_last4 = _nullable(_Text)
    account_email_last4 = _nullable(_Text, help_text="v1.1: a platform account's email")
    wallet_address_last4 = _nullable(_Text, help_text="v1.1: a crypto wallet")


class ReferredByOut(s.Serializer):
    """As sent; keys sent as null are null."""

    external_id = _nullable(_Text, required=False)
    name = _nullable(_Text, required=False)
    email = _nullable(_Text, required=False)


class ReferenceOut(s.Serializer):
    """As sent; keys sent as null are null."""

    name = _nullable(_Text, required=False)
    email = _nullable(_Text, required=False)
    phone = _nullable(_Text, required=False)
    relationship = _nullable(_Text, required=False)


class ResumeMetadataOut(s.Serializer):
    """As the file states it; "" or null when it does not."""

    author = _Text()
    last_modified_by = _Text(help_text="DOCX only: PDF has no such entry.")
    creator = _Text(help_text="The PDF's Creator, or the application that wrote the DOCX.")
    producer = _Text(help_text="PDF only.")
    created = _nullable(s.DateTimeField)
    modified = _nullable(s.DateTimeField)


class ResumeFileOut(s.Serializer):
    sha256 = _Text()
    content_type = _Text(help_text="`application/pdf` or the DOCX type today.")
    filename = _Text(help_text="As sent.")
    metadata = ResumeMetadataOut()


class SessionOut(s.Serializer):
    ip = _Text()
    seen_at = s.DateTimeField()
    kind = s.ChoiceField(choices=Session.Kind.choices)
    user_agent = _Text()
    timezone = _Text()
    utc_offset_minutes = _nullable(s.IntegerField)


class DocumentOut(s.Serializer):
    id = s.UUIDField()
    kind = s.ChoiceField(choices=Document.Kind.choices)
    issuing_country = _Text()
    number_last4 = _Text()
    expires_on = _nullable(s.DateField)
    mrz = _nullable(_Text, help_text="As sent, with the document-number field masked.")
    image = ImageOut(allow_null=True)


class RelatedCandidateOut(s.Serializer):
    id = s.UUIDField()
    external_id = _nullable(_Text)
    shared = _nullable(_Text, help_text="What is shared, masked where sensitive.")


class SignalOut(s.Serializer):
    code = _Text(help_text="A signal code from GET /api/v1/signals/, e.g. `phone.voip`.")
    check = _Text(help_text="The code's part before the first dot.")
    score = s.IntegerField(help_text="Points the rule set gives this code.")
    contribution = s.IntegerField(help_text="Its share of the assessment's risk_score.")
    severity = s.ChoiceField(choices=SEVERITIES)
    message = _Text()
    evidence = s.DictField(help_text="JSON facts behind the signal; keys vary by code.")
    related_candidates = RelatedCandidateOut(many=True, help_text="At most 50.")
    related_count = s.IntegerField()


class AssessmentOut(s.Serializer):
    """`status` is the newest requested assessment's; the rest come from the last completed one
    (null before the first completes)."""

    id = s.UUIDField()
    status = s.ChoiceField(choices=Candidate.AssessmentStatus.choices)
    risk_score = _nullable(s.IntegerField, min_value=0, max_value=100)
    risk_level = _nullable(s.ChoiceField, choices=Candidate.RiskLevel.choices)
    ruleset_version = _nullable(s.IntegerField)
    assessed_at = _nullable(s.DateTimeField)
    signals = SignalOut(many=True, allow_null=True)


class ReviewOut(s.Serializer):
    status = s.ChoiceField(choices=Candidate.ReviewStatus.choices)
    note = _Text()
    decided_by = _nullable(_Text)
    decided_at = _nullable(s.DateTimeField)


class CandidateSummaryOut(s.Serializer):
    id = s.UUIDField()
    external_id = _Text()
    full_name = _Text()
    created_at = s.DateTimeField()
    updated_at = s.DateTimeField()
    assessment_status = _nullable(s.ChoiceField, choices=Candidate.AssessmentStatus.choices)
    risk_score = _nullable(s.IntegerField, min_value=0, max_value=100)
    risk_level = _nullable(s.ChoiceField, choices=Candidate.RiskLevel.choices)
    assessed_at = _nullable(s.DateTimeField)
    review_status = s.ChoiceField(choices=Candidate.ReviewStatus.choices)


class CandidateOut(s.Serializer):
    """The candidate as stored: numbers masked, images described."""

    id = s.UUIDField()
    external_id = _Text()
    full_name = _Text()
    created_at = s.DateTimeField()
    updated_at = s.DateTimeField()
    email = _Text()
    phone = _Text()
    date_of_birth = _nullable(s.DateField)
    nationality = _Text()
    claimed_location = LocationOut(allow_null=True)
    home_address = AddressOut(allow_null=True)
    shipping_address = AddressOut(allow_null=True)
    payout = PayoutOut(allow_null=True)
    sessions = SessionOut(many=True)
    documents = DocumentOut(many=True)
    photo = ImageOut(allow_null=True)
    resume_text = _Text()
    profiles = _nullable(s.DictField, child=_Text())
    stage = _nullable(s.ChoiceField, choices=Candidate.Stage.choices, help_text="v1.1")
    vendor = _Text(help_text="v1.1: the submitting staffing firm, as sent")
    referred_by = ReferredByOut(allow_null=True)
    references = ReferenceOut(many=True, allow_null=True)
    resume_file = ResumeFileOut(allow_null=True)
    assessment = AssessmentOut(allow_null=True)
    review = ReviewOut()


class CandidatePageOut(s.Serializer):
    results = CandidateSummaryOut(many=True)
    next_cursor = _nullable(_Text, help_text="Pass as `cursor` for the next page.")
    has_more = s.BooleanField()


class BatchItemErrorOut(s.Serializer):
    code = _Text()
    message = _Text()
    fields = s.DictField(child=s.ListField(child=_Text()))


class BatchResultOut(s.Serializer):
    """`id` and `created` when the item was stored, `error` when it was refused."""

    index = s.IntegerField()
    external_id = _nullable(_Text)
    id = s.UUIDField(required=False)
    created = s.BooleanField(required=False)
    error = BatchItemErrorOut(required=False)


class BatchOut(s.Serializer):
    results = BatchResultOut(many=True)


class AssessmentRefOut(s.Serializer):
    id = s.UUIDField()
    status = s.ChoiceField(choices=Candidate.AssessmentStatus.choices)
    trigger = _Text(help_text="upsert, sessions, observation, link, ruleset or manual.")


class SessionsAddedOut(s.Serializer):
    id = s.UUIDField()
    added = s.IntegerField(help_text="New sightings; duplicates are not counted.")
    assessment = AssessmentRefOut(allow_null=True, help_text="null when nothing was added.")


class ReassessOut(s.Serializer):
    id = s.UUIDField()
    assessment = AssessmentRefOut()


class ObservationOut(s.Serializer):
    id = s.IntegerField()
    candidate_id = s.UUIDField()
    code = _Text()
    note = _Text()
    created_at = s.DateTimeField()


class SignalBriefOut(s.Serializer):
    code = _Text()
    check = _Text()
    score = s.IntegerField()
    contribution = s.IntegerField()
    severity = s.ChoiceField(choices=SEVERITIES)


class AssessmentHistoryItemOut(s.Serializer):
    id = s.UUIDField()
    seq = s.IntegerField()
    status = s.ChoiceField(choices=Assessment.Status.choices)
    trigger = _Text()
    scope = s.ChoiceField(
        choices=Assessment.Scope.choices,
        help_text="full: every check ran; links: only the link checks re-ran, the others' "
        "signals were kept from the previous completed assessment and rescored.",
    )
    risk_score = _nullable(s.IntegerField, min_value=0, max_value=100)
    risk_level = _nullable(s.ChoiceField, choices=Candidate.RiskLevel.choices)
    ruleset_version = _nullable(s.IntegerField)
    requested_at = s.DateTimeField()
    assessed_at = _nullable(s.DateTimeField)
    signals = SignalBriefOut(many=True)


class AssessmentPageOut(s.Serializer):
    results = AssessmentHistoryItemOut(many=True)
    next_cursor = _nullable(_Text)
    has_more = s.BooleanField()


class EvidenceFieldOut(s.Serializer):
    """How one key of the code's `evidence` reads: a label, and a unit where it has one."""

    key = _Text()
    label = _Text()
    unit = _Text(help_text='"" or a unit such as minutes, km, bits, share, hours, candidates.')


class SignalInfoOut(s.Serializer):
    """A code of the catalogue: its defaults, and the active rule set's values (null when the
    active version lacks the code)."""

    code = _Text()
    check = _Text()
    description = _Text()
    default_points = s.IntegerField()
    default_severity = s.ChoiceField(choices=SEVERITIES)
    guidance = _Text()
    points = _nullable(s.IntegerField)
    severity = _nullable(s.ChoiceField, choices=SEVERITIES)
    enabled = _nullable(s.BooleanField)
    evidence = EvidenceFieldOut(
        many=True, help_text="Labels for its evidence's keys; internal keys are not listed."
    )


class SignalCatalogueOut(s.Serializer):
    ruleset_version = s.IntegerField()
    results = SignalInfoOut(many=True)
