"""The check contract: what a check sees (`Subject`), what it returns (`Finding`), how it is shaped.

A check is a small class with a stable `name` (the part of its codes before the first dot), the
codes it may raise with a one-line description each, a `Params` dataclass of what admins may tune
(with safe defaults), and one method:

    run(subject, params, ctx) -> list[Finding]

`run` is a pure function of the candidate's data and the parameters: no transactions, no HTTP,
no settings read at import time. Cross-candidate lookups go through `ctx.links` (the link index),
never through ad-hoc queries. Malformed values are reported as findings, never raised.

A `Finding` carries the code, a sentence a recruiter understands, JSON-safe evidence and the
related candidates. The engine turns findings into scored signals with the active rule set's
points and severity: checks never decide weights.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Protocol
from uuid import UUID

from checks.countries import claimed_country
from checks.evidence import Field

# How many related candidates a signal lists (its related_count still says how many there are).
RELATED_CAP = 50
# Holders of a value are counted up to here: a count at the cap reads "1000 or more". Counting
# is an index scan as long as the count, so the cap bounds the cost of a value a VPN egress or a
# campus network gives thousands of holders (measured at 1M stored: 4.0 ms a count at 10 000).
COUNT_CAP = 1_000


@dataclass(frozen=True, slots=True)
class Related:
    candidate_id: UUID
    shared: str  # what is shared, masked where sensitive: "phone +1 314 ***-0100"


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # contract code, never renamed: "phone.voip"
    message: str  # one sentence a recruiter understands
    evidence: dict[str, Any] = field(default_factory=dict)  # facts: value, reference, source
    related: tuple[Related, ...] = ()
    related_count: int | None = None  # the full number when `related` is capped


@dataclass(frozen=True, slots=True)
class SessionFacts:
    ip: str
    seen_at: datetime
    kind: str
    user_agent: str = ""
    timezone: str = ""
    utc_offset_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    kind: str
    issuing_country: str
    number_key: str
    number_last4: str
    expires_on: date | None = None
    mrz: str = ""  # document-number field masked
    mrz_facts: dict[str, Any] = field(default_factory=dict)  # judged on ingest, before masking
    image_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class ObservationFacts:
    code: str
    note: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ContactChangeFacts:
    field: str  # phone, email, home_address, shipping_address, payout
    changed_at: datetime
    stage: str  # the candidate's stage after the change ("" when unknown)
    replaced: bool  # an earlier value existed (setting a first value is no churn)


@dataclass(frozen=True, slots=True)
class Subject:
    """Everything a check may read about one candidate, loaded once per assessment."""

    id: UUID
    full_name: str
    now: datetime
    email: str = ""
    phone: str = ""
    date_of_birth: date | None = None
    nationality: str = ""  # read only to compare with documents, never scored by itself
    claimed_location: dict[str, Any] = field(default_factory=dict)
    home_address: dict[str, Any] = field(default_factory=dict)
    shipping_address: dict[str, Any] = field(default_factory=dict)
    payout_account_holder: str = ""
    payout_bank_country: str = ""
    payout_iban_country: str = ""  # from a valid IBAN, which names its bank's country
    payout_routing_number: str = ""
    payout_account_key: str = ""
    payout_account_last4: str = ""
    has_payout: bool = False
    sessions: tuple[SessionFacts, ...] = ()
    documents: tuple[DocumentFacts, ...] = ()
    observations: tuple[ObservationFacts, ...] = ()
    resume_text: str = ""
    photo_id: UUID | None = None
    # v1.1 (read for consistency and reuse only, like everything else here)
    stage: str = ""
    vendor: str = ""
    payout_method: str = ""
    referred_by: dict[str, Any] = field(default_factory=dict)
    references: tuple[dict[str, Any], ...] = ()
    resume_metadata: dict[str, Any] = field(default_factory=dict)
    contact_changes: tuple[ContactChangeFacts, ...] = ()
    # The vendor's other candidates of the same client: (assessed, assessed high or critical)
    vendor_record: tuple[int, int] | None = None
    # The candidate's own link keys (kind, value, display) as the links layer stored them, read
    # with the rest of the subject; None when not loaded (the link check then asks the index).
    link_keys: tuple[tuple[str, str, str], ...] | None = None

    @property
    def claimed_country(self) -> str:
        return claimed_country(self.claimed_location, self.home_address)

    @property
    def claimed_timezone(self) -> str:
        return (self.claimed_location or {}).get("timezone") or ""


Pair = tuple[str, str]  # (link kind, normalised value)
Holders = dict[Pair, tuple[list[tuple[UUID, str]], int]]


class LinkLookup(Protocol):
    """Cross-candidate lookups the link checks make; the links layer implements it
    (links.index.LinkIndex). Every call is an index range scan with a limit."""

    def holders_many(
        self,
        pairs: Iterable[Pair],
        *,
        exclude: UUID | None,
        limit: int,
        after: UUID | None = None,
        count: bool = True,
    ) -> Holders:
        """{(kind, value): ([(candidate, display)...] up to `limit`, total count)}."""
        ...

    def holders_lookup(
        self,
        groups: Sequence[tuple[Iterable[Pair], int, bool]],
        *,
        exclude: UUID | None,
        allowlist: Iterable[Pair] = (),
    ) -> tuple[list[Holders], set[Pair]]:
        """`holders_many` for each (pairs, limit, count) group, and which `allowlist` pairs the
        allowlist table holds (left out of the answers), in one query."""
        ...

    def holders_of_keys(
        self, candidate_ids: Iterable[UUID], kinds: Iterable[str], *, limit: int
    ) -> Holders:
        """The holders (up to `limit`, uncounted) of every value of `kinds` the candidates hold,
        allowlisted values left out: one query on PostgreSQL."""
        ...

    def keys_of(
        self, candidate_ids: Iterable[UUID], kinds: Iterable[str] | None = None
    ) -> list[tuple[UUID, str, str, str]]:
        """(candidate, kind, value, display) of the given candidates' keys."""
        ...

    def allowlisted(self, pairs: Iterable[Pair]) -> set[Pair]: ...

    def resume_texts(self, candidate_ids: Iterable[UUID]) -> dict[UUID, str]: ...

    def risk_levels(self, candidate_ids: Iterable[UUID]) -> dict[UUID, str]:
        """The candidates' current risk level ("" before their first assessment)."""
        ...


@dataclass(slots=True)
class Context:
    """What the engine hands every check besides the subject."""

    links: LinkLookup | None = None  # None where a check runs alone (tests)


@dataclass(frozen=True, slots=True)
class Code:
    """A signal code as the catalogue shows it. Points and severity here are the defaults that
    a rule-set migration copies; the active rule set decides what an assessment applies."""

    description: str
    points: int
    severity: str  # info | low | medium | high | critical
    guidance: str = ""  # the public guidance this follows


class Check:
    name: ClassVar[str]
    codes: ClassVar[dict[str, Code]]
    reads_links: ClassVar[bool] = False  # True if `run` looks at other candidates (ctx.links)
    # How the evidence it writes reads: a label (and unit) per key (checks.evidence).
    evidence_fields: ClassVar[dict[str, Field]] = {}

    @dataclass(frozen=True)
    class Params:
        pass

    def run(self, subject: Subject, params: Any, ctx: Context) -> list[Finding]:
        raise NotImplementedError

    @classmethod
    def params_from(cls, raw: dict[str, Any] | None) -> Any:
        """Build Params from a rule set's JSON, keeping defaults for what it does not set."""
        names = {f.name for f in dataclasses.fields(cls.Params)}
        return cls.Params(**{k: v for k, v in (raw or {}).items() if k in names})
