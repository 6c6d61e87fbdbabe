"""Reads for the review queue: filtered, ordered by risk, keyset-paginated (never OFFSET).

Every filter maps onto an index so a page stays fast at a million candidates:
- one review status (the default, "unreviewed"): `cand_queue`; all statuses: `cand_risk`;
- level: `cand_queue_level`; client: `cand_queue_client`;
- signal code: `signal_code` (code, assessment) joined to `completed_assessment`;
- search: prefix match on name, email or external id (`cand_search_*`, migration 0004);
- vendor: its normalised name, `cand_queue_vendor` (partial: only candidates naming one).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from candidates.cursors import cursor_decode, cursor_encode
from candidates.models import Candidate, Signal
from checks.models import RuleSet
from checks.names import normalise_text

PAGE_SIZE = 50
TOP_SIGNALS = 3
_ROW_FIELDS = (
    "id",
    "external_id",
    "full_name",
    "email",
    "risk_score",
    "risk_level",
    "review_status",
    "assessment_status",
    "assessed_at",
    "created_at",
    "completed_assessment_id",
    "client__name",
)


@dataclass(frozen=True, slots=True)
class QueueFilters:
    status: str = Candidate.ReviewStatus.UNREVIEWED  # "" means every status
    level: str = ""
    code: str = ""
    client_id: UUID | None = None
    created_from: date | None = None
    created_to: date | None = None
    q: str = ""
    vendor: str = ""


@dataclass(frozen=True, slots=True)
class QueueRow:
    candidate: Candidate
    top_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str


def queue_queryset(filters: QueueFilters) -> QuerySet[Candidate]:
    qs = Candidate.objects.select_related("client").only(*_ROW_FIELDS)
    if filters.status:
        qs = qs.filter(review_status=filters.status)
    if filters.level:
        qs = qs.filter(risk_level=filters.level, **_score_range(filters))
    if filters.client_id:
        qs = qs.filter(client_id=filters.client_id)
    if filters.code:
        qs = qs.filter(
            completed_assessment__in=Signal.objects.filter(code=filters.code).values(
                "assessment_id"
            )
        )
    if filters.created_from:
        qs = qs.filter(created_at__gte=_day_start(filters.created_from))
    if filters.created_to:
        qs = qs.filter(created_at__lt=_day_start(filters.created_to + timedelta(days=1)))
    if filters.vendor:
        qs = qs.filter(vendor_key=normalise_text(filters.vendor)[:200])
    if filters.q:
        q = filters.q
        qs = qs.filter(
            Q(full_name__istartswith=q) | Q(email__istartswith=q) | Q(external_id__istartswith=q)
        )
    # With one status fixed this is the cand_queue order (review_status, risk desc, ...).
    return qs.order_by("-risk_score", "-created_at", "-id")


def _score_range(filters: QueueFilters) -> dict[str, int]:
    """Every score the level can hold under any rule-set version's bands (a level is stored as
    the bands of its day made it). Without this bound PostgreSQL walks the status index from
    the top score down, past every higher-level row, to reach "low": 4 s at 1M candidates.
    With it the scan starts at the first matching row. One query on the tiny RuleSet table."""
    b = RuleSet.objects.filter(status=RuleSet.Status.PUBLISHED).aggregate(  # drafts score no one
        m_lo=Min("band_medium"),
        m_hi=Max("band_medium"),
        h_lo=Min("band_high"),
        h_hi=Max("band_high"),
        c_lo=Min("band_critical"),
        c_hi=Max("band_critical"),
    )
    if b["m_lo"] is None:
        return {}
    lo, hi = {
        "low": (0, b["m_hi"] - 1),
        "medium": (b["m_lo"], b["h_hi"] - 1),
        "high": (b["h_lo"], b["c_hi"] - 1),
        "critical": (b["c_lo"], 100),
    }.get(filters.level, (0, 100))
    return {"risk_score__gte": lo, "risk_score__lte": hi}


def queue_page(*, filters: QueueFilters, cursor: str = "", size: int = PAGE_SIZE) -> QueuePage:
    qs = _after(queue_queryset(filters), cursor)
    candidates = list(qs[: size + 1])
    more = len(candidates) > size
    candidates = candidates[:size]
    top = top_signal_codes([c.completed_assessment_id for c in candidates])
    rows = [QueueRow(c, top.get(c.completed_assessment_id, ())) for c in candidates]
    return QueuePage(rows=rows, next_cursor=cursor_for(candidates[-1]) if more else "")


def queue_iter(*, filters: QueueFilters, batch: int = 1000) -> Iterator[QueueRow]:
    """Every row of the filtered queue, in order, fetched a keyset batch at a time (exports)."""
    cursor = ""
    while True:
        page = queue_page(filters=filters, cursor=cursor, size=batch)
        yield from page.rows
        if not page.next_cursor:
            return
        cursor = page.next_cursor


def top_signal_codes(assessment_ids: list[UUID | None]) -> dict[UUID, tuple[str, ...]]:
    """The codes of each assessment's top signals by contribution, in ONE query for a page."""
    ids = [i for i in assessment_ids if i is not None]
    if not ids:
        return {}
    found: dict[UUID, list[str]] = {}
    rows = (
        Signal.objects.filter(assessment_id__in=ids, contribution__gt=0)
        .order_by("assessment_id", "-contribution", "code")
        .values_list("assessment_id", "code")
    )
    for assessment_id, code in rows:
        codes = found.setdefault(assessment_id, [])
        if len(codes) < TOP_SIGNALS:
            codes.append(code)
    return {k: tuple(v) for k, v in found.items()}


def cursor_for(candidate: Candidate) -> str:
    return cursor_encode(candidate.risk_score, candidate.created_at, candidate.id)


def _after(qs: QuerySet[Candidate], cursor: str) -> QuerySet[Candidate]:
    # (risk_score, created_at, id) the cursor points after; one we did not issue is ignored.
    key = cursor_decode(cursor, int, datetime, UUID) if cursor else None
    if key is None:
        return qs
    score, created, ident = key
    # Row comparison (score, created, id) < key, spelled out so SQLite and PostgreSQL both
    # seek on the index's leading column.
    return qs.filter(
        Q(risk_score__lt=score)
        | Q(risk_score=score, created_at__lt=created)
        | Q(risk_score=score, created_at=created, id__lt=ident)
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())
