"""Candidate data, assessments, reviews and the audit trail.

Sensitive numbers (document, bank account) are never stored in clear: only an HMAC key (see
`candidates.crypto`) and the last four characters. Images go through Django's storage API and are
described, never returned, by the API.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from checks.interview import OBSERVATION_CHOICES
from checks.models import Severity


class ApiClient(models.Model):
    """One integration (an ATS or HR system). Owns the candidates it posts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, unique=True)
    key_prefix = models.CharField(max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    webhook_url = models.URLField(max_length=500, blank=True)
    # Stored recoverably on purpose: signing each webhook needs the secret itself.
    webhook_secret = models.CharField(max_length=100, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Bytes of images stored for this client's candidates (VETTING_CLIENT_STORAGE_QUOTA_BYTES).
    storage_bytes = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def is_authenticated(self) -> bool:  # lets DRF treat the client as request.user
        return True


class Image(models.Model):
    """An uploaded JPEG/PNG (profile photo or document scan)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(upload_to="images/%Y/%m/")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file as uploaded")
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(default=0, help_text="Bytes stored (metadata removed)")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.content_type} {self.width}x{self.height} {self.sha256[:12]}"

    def describe(self) -> dict:
        return {
            "sha256": self.sha256,
            "content_type": self.content_type,
            "width": self.width,
            "height": self.height,
        }


class Candidate(models.Model):
    class AssessmentStatus(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        COMPLETED = "completed"
        FAILED = "failed"

    class RiskLevel(models.TextChoices):
        LOW = "low"
        MEDIUM = "medium"
        HIGH = "high"
        CRITICAL = "critical"

    class ReviewStatus(models.TextChoices):
        UNREVIEWED = "unreviewed"
        CLEARED = "cleared"
        REJECTED = "rejected"
        ESCALATED = "escalated"

    class Stage(models.TextChoices):
        APPLIED = "applied"
        SCREENING = "screening"
        INTERVIEWING = "interviewing"
        OFFER = "offer"
        HIRED = "hired"
        REJECTED = "rejected"
        WITHDRAWN = "withdrawn"

    class PayoutMethod(models.TextChoices):
        BANK = "bank"
        PAYPAL = "paypal"
        WISE = "wise"
        PAYONEER = "payoneer"
        CRYPTO = "crypto"
        OTHER = "other"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="candidates")
    external_id = models.CharField(max_length=200)
    full_name = models.CharField(max_length=300)
    email = models.CharField(max_length=320, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=3, blank=True)
    claimed_location = models.JSONField(null=True, blank=True)
    home_address = models.JSONField(null=True, blank=True)
    shipping_address = models.JSONField(null=True, blank=True)
    claimed_country = models.CharField(
        max_length=2, blank=True, help_text="Derived: claimed_location.country, else home country"
    )
    # Payout: the account itself only as a keyed hash plus its last four characters.
    payout_account_holder = models.CharField(max_length=300, blank=True)
    payout_bank_country = models.CharField(max_length=2, blank=True)
    payout_routing_number = models.CharField(max_length=34, blank=True)
    payout_account_key = models.CharField(max_length=64, blank=True)
    payout_account_last4 = models.CharField(max_length=4, blank=True)
    payout_iban_last4 = models.CharField(max_length=4, blank=True)
    payout_iban_country = models.CharField(
        max_length=2,
        blank=True,
        default="",
        db_default="",
        help_text="Derived: the country a valid IBAN names",
    )
    has_payout = models.BooleanField(default=False)
    # v1.1 columns carry a database default too, so bulk loads (COPY) that predate them work.
    payout_method = models.CharField(
        max_length=10, choices=PayoutMethod, blank=True, default="", db_default=""
    )
    # Platform email and crypto wallet: like account numbers, a keyed hash and the last 4 only.
    payout_account_email_key = models.CharField(
        max_length=64, blank=True, default="", db_default=""
    )
    payout_account_email_last4 = models.CharField(
        max_length=4, blank=True, default="", db_default=""
    )
    payout_wallet_key = models.CharField(max_length=64, blank=True, default="", db_default="")
    payout_wallet_last4 = models.CharField(max_length=4, blank=True, default="", db_default="")
    stage = models.CharField(max_length=12, choices=Stage, blank=True, default="", db_default="")
    vendor = models.CharField(
        max_length=200, blank=True, default="", db_default="", help_text="Submitting staffing firm"
    )
    vendor_key = models.CharField(
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text="Derived: the vendor's name normalised",
    )
    referred_by = models.JSONField(null=True, blank=True)  # {"external_id", "name", "email"}
    references = models.JSONField(null=True, blank=True)  # [{"name", "email", "phone", ...}]
    resume_file = models.ForeignKey(
        "ResumeFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    photo = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resume_text = models.TextField(blank=True)
    profiles = models.JSONField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Denormalised from the assessments and reviews so the queue and list filter on one table.
    assessment_seq = models.PositiveIntegerField(default=0)
    assessment_status = models.CharField(max_length=10, choices=AssessmentStatus, blank=True)
    # 0 until the first assessment completes (`assessed_at` is null then): a non-null sort key
    # keeps the queue's index usable on both PostgreSQL and SQLite.
    risk_score = models.PositiveSmallIntegerField(default=0)
    risk_level = models.CharField(max_length=10, choices=RiskLevel, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    latest_assessment = models.ForeignKey(
        "Assessment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_assessment = models.ForeignKey(
        "Assessment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_status = models.CharField(
        max_length=10, choices=ReviewStatus, default=ReviewStatus.UNREVIEWED
    )
    review_note = models.TextField(blank=True)
    review_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [
            ("review_candidate", "Can record review decisions"),
            ("add_observation", "Can record interview observations"),
            ("view_sensitive_candidate", "Can view a candidate's documents and photo"),
            ("export_candidate", "Can export the review queue as CSV"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("client", "external_id"), name="candidate_external_id_per_client"
            ),
        ]
        indexes = [
            # API list: a client's candidates, newest first, keyset on (created_at, id).
            models.Index(fields=("client", "-created_at", "-id"), name="cand_client_created"),
            models.Index(fields=("client", "updated_at"), name="cand_client_updated"),
            # API list filters: each leads with the client and keeps the list's order.
            models.Index(
                fields=("client", "risk_level", "-created_at", "-id"), name="cand_client_risk_level"
            ),
            models.Index(
                fields=("client", "review_status", "-created_at", "-id"), name="cand_client_review"
            ),
            models.Index(
                fields=("client", "assessment_status", "-created_at", "-id"),
                name="cand_client_assess",
            ),
            # Review queue: highest risk first.
            models.Index(
                fields=("review_status", "-risk_score", "-created_at", "-id"), name="cand_queue"
            ),
            models.Index(fields=("-risk_score", "-created_at", "-id"), name="cand_risk"),
            models.Index(fields=("-created_at", "-id"), name="cand_created"),
            # Dashboard queue filtered by level or by client, still in queue order.
            models.Index(
                fields=("risk_level", "review_status", "-risk_score", "-created_at", "-id"),
                name="cand_queue_level",
            ),
            models.Index(
                fields=("client", "review_status", "-risk_score", "-created_at", "-id"),
                name="cand_queue_client",
            ),
            # vendor.flagged_share: a client's candidates from one vendor, counted by level
            # straight off the index (partial: most candidates name no vendor).
            models.Index(
                fields=("client", "vendor_key", "risk_level"),
                name="cand_client_vendor",
                condition=~Q(vendor_key=""),
            ),
            # The queue filtered by vendor, still in queue order.
            models.Index(
                fields=("vendor_key", "review_status", "-risk_score", "-created_at", "-id"),
                name="cand_queue_vendor",
                condition=~Q(vendor_key=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.external_id})"


class ResumeFile(models.Model):
    """An uploaded resume (PDF or DOCX) and the document metadata read from it on ingest."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(upload_to="resumes/%Y/%m/")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the file as uploaded")
    content_type = models.CharField(max_length=100)
    filename = models.CharField(max_length=255, help_text="As sent")
    # author, last_modified_by, creator, producer, created, modified: as the file states them
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.filename} {self.sha256[:12]}"

    def describe(self) -> dict:
        return {
            "sha256": self.sha256,
            "content_type": self.content_type,
            "filename": self.filename,
            "metadata": self.metadata,
        }


class ContactChange(models.Model):
    """One change of a contact or payout value, kept masked as the API shows the value."""

    class Field(models.TextChoices):
        PHONE = "phone"
        EMAIL = "email"
        HOME_ADDRESS = "home_address"
        SHIPPING_ADDRESS = "shipping_address"
        PAYOUT = "payout"

    candidate = models.ForeignKey(
        "Candidate", on_delete=models.CASCADE, related_name="contact_changes"
    )
    field = models.CharField(max_length=20, choices=Field)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    stage = models.CharField(max_length=12, blank=True, help_text="The stage after the change")
    via = models.CharField(max_length=20, help_text="The call: upsert or batch")
    client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    request_id = models.CharField(max_length=64, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("changed_at", "id")
        indexes = [models.Index(fields=("candidate", "changed_at"), name="contact_change_time")]

    def __str__(self) -> str:
        return f"{self.field} changed at {self.changed_at:%Y-%m-%d %H:%M}"


class Session(models.Model):
    """One sighting of the candidate: an application, interview or login, with its IP."""

    class Kind(models.TextChoices):
        APPLICATION = "application"
        INTERVIEW = "interview"
        LOGIN = "login"
        OTHER = "other"

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="sessions")
    ip = models.CharField(max_length=64, help_text="As sent; may be invalid (ip.invalid)")
    seen_at = models.DateTimeField()
    kind = models.CharField(max_length=12, choices=Kind)
    user_agent = models.CharField(max_length=1000, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    utc_offset_minutes = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("seen_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("candidate", "ip", "seen_at", "kind"), name="session_unique_sighting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} from {self.ip} at {self.seen_at:%Y-%m-%d %H:%M}"


class Document(models.Model):
    class Kind(models.TextChoices):
        PASSPORT = "passport"
        ID_CARD = "id_card"
        DRIVERS_LICENSE = "drivers_license"
        RESIDENCE_PERMIT = "residence_permit"
        OTHER = "other"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind)
    issuing_country = models.CharField(max_length=3, help_text="As sent (alpha-2, alpha-3 or ICAO)")
    number_key = models.CharField(max_length=64, help_text="HMAC of canonical country + number")
    number_last4 = models.CharField(max_length=4)
    expires_on = models.DateField(null=True, blank=True)
    mrz = models.TextField(blank=True, help_text="As sent, with the document-number field masked")
    # Facts read from the MRZ before masking (check digits, the number's key): masking destroys
    # what the check digits cover, so they are judged once, on ingest.
    mrz_facts = models.JSONField(default=dict, blank=True)
    image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("candidate", "number_key"), name="document_unique_per_candidate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ****{self.number_last4}"


class Observation(models.Model):
    """A recruiter's structured observation from an interview; scored as an interview.* signal."""

    # The interview check's codes, one member per code (camera_refused -> CAMERA_REFUSED).
    Code = models.TextChoices(
        "Code",
        [(code.split(".", 1)[1].upper(), (code, label)) for code, label in OBSERVATION_CHOICES],
    )

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="observations")
    code = models.CharField(max_length=40, choices=Code)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.code} on {self.created_at:%Y-%m-%d}"


class Assessment(models.Model):
    Status = Candidate.AssessmentStatus

    class Trigger(models.TextChoices):
        UPSERT = "upsert"
        SESSIONS = "sessions"
        OBSERVATION = "observation"
        LINK = "link"
        RULESET = "ruleset"
        MANUAL = "manual"

    class Scope(models.TextChoices):
        FULL = "full"  # every check, after keying the candidate (candidates.pipeline)
        # Only the checks that read other candidates (Check.reads_links); the others' findings
        # are those of the candidate's latest completed assessment, rescored.
        LINKS = "links"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="assessments")
    seq = models.PositiveIntegerField(help_text="Candidate.assessment_seq when requested")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    trigger = models.CharField(max_length=12, choices=Trigger)
    scope = models.CharField(max_length=5, choices=Scope, default=Scope.FULL, db_default="full")
    risk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_level = models.CharField(max_length=10, choices=Candidate.RiskLevel, blank=True)
    # Rule-set versions are never edited or deleted once saved (a change makes a new version),
    # so the number is enough to explain an old score after admins change the rules.
    ruleset_version = models.PositiveIntegerField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    # When it was last handed to the broker (None: never, or the broker refused it). The sweep
    # re-queues only work not queued recently, so a backed-up queue gets no duplicates.
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ("-seq",)
        constraints = [
            models.UniqueConstraint(fields=("candidate", "seq"), name="assessment_seq_unique"),
            # Requests coalesce: at most one pending assessment per candidate (one may run
            # meanwhile). Partial, so it holds only the pending rows.
            models.UniqueConstraint(
                fields=("candidate",),
                name="assessment_one_pending",
                condition=Q(status="pending"),
            ),
        ]
        indexes = [
            # The sweep: unfinished work, oldest first. Partial, so it stays tiny at 1M rows.
            models.Index(
                fields=("requested_at",),
                name="assessment_unfinished",
                condition=Q(status__in=("pending", "running")),
            ),
            # Progress of a rule set's rescoring pass (/rules/): an index-only count per version.
            models.Index(
                fields=("ruleset_version", "status"),
                name="assessment_ruleset_pass",
                condition=Q(trigger="ruleset"),
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment #{self.seq} ({self.status})"


class Signal(models.Model):
    """One signal code raised by an assessment, with its evidence and weighting."""

    Severity = Severity

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="signals")
    code = models.CharField(max_length=64)
    check_name = models.CharField(max_length=32)
    score = models.PositiveSmallIntegerField()
    contribution = models.PositiveSmallIntegerField()
    severity = models.CharField(max_length=10, choices=Severity)
    message = models.TextField()
    evidence = models.JSONField(default=dict)
    related_candidates = models.JSONField(default=list)  # [{"id", "shared"}], at most 50
    related_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-contribution", "code")
        constraints = [
            models.UniqueConstraint(
                fields=("assessment", "code"), name="signal_code_per_assessment"
            ),
        ]
        indexes = [models.Index(fields=("code", "assessment"), name="signal_code")]

    def __str__(self) -> str:
        return f"{self.code} (+{self.contribution})"


class ReviewDecision(models.Model):
    """Review history: every decision, including the system's reset to unreviewed."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(max_length=10, choices=Candidate.ReviewStatus)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200, blank=True, help_text="Why the system changed it")

    class Meta:
        ordering = ("-decided_at", "-id")

    def __str__(self) -> str:
        return f"{self.status} at {self.decided_at:%Y-%m-%d %H:%M}"


class AuditEvent(models.Model):
    """Append-only audit log. Keeps candidate ids (not foreign keys) so erasure leaves a trail."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    candidate_id = models.UUIDField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("-at", "-id")
        indexes = [
            models.Index(fields=("candidate_id", "-at"), name="audit_candidate"),
            models.Index(fields=("action", "-at"), name="audit_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Audit events are append-only")
        return super().save(*args, **kwargs)


class Tombstone(models.Model):
    """What stays of an erased candidate: its id and when it went."""

    id = models.UUIDField(primary_key=True)
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="+")
    erased_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Erased {self.id}"


class ErasureCleanup(models.Model):
    """The files of an erased candidate still to delete: written in the erasure's transaction,
    so the job commits with the erasure; done by a task queued after commit, or by the storage
    sweep if that task was lost or failed (candidates.erasure)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    candidate_id = models.UUIDField(db_index=True, help_text="The erased candidate (a tombstone)")
    files = models.JSONField(default=list, help_text="Storage names still to delete")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Cleanup of erased {self.candidate_id}"


class IdempotencyRecord(models.Model):
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("client", "key"), name="idempotency_key_per_client"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"


class WebhookEvent(models.Model):
    """One event for one client's webhook, with its body fixed when the event happened.

    Delivery is at-least-once: pending events are retried with exponential back-off for a day
    (see candidates.webhooks). Every attempt is recorded in WebhookAttempt.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    id = models.CharField(primary_key=True, max_length=40)  # "evt_..."
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    # Set for events that carry the candidate's data, so erasure can remove them.
    candidate_id = models.UUIDField(null=True, blank=True, db_index=True)
    type = models.CharField(max_length=40)
    body = models.TextField(help_text="The exact JSON sent, so every retry is byte-identical")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(
                fields=("next_attempt_at",), name="webhook_due", condition=Q(status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id} ({self.status})"


class WebhookAttempt(models.Model):
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.status_code or self.error}"


from candidates.rules.models import RuleSimulation  # noqa: E402,F401  (model discovery)
