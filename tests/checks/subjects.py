"""The contract's example candidate (docs: /spec api-v1.md) as a Subject, and variants of it."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime
from typing import Any

from candidates.crypto import document_number_key
from checks.base import DocumentFacts, SessionFacts, Subject
from checks.mrz import mrz_ingest

NOW = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)
EXAMPLE_MRZ = (
    "P<USAERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n5841207393USA7408122F3204153<<<<<<<<<<<<<<00"
)
ICAO_TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)
ICAO_TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
ICAO_TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)


def session(
    ip: str = "73.54.120.18",
    seen_at: datetime | None = None,
    *,
    timezone: str = "America/Chicago",
    utc_offset_minutes: int | None = -360,
    kind: str = "application",
) -> SessionFacts:
    return SessionFacts(
        ip=ip,
        seen_at=seen_at or datetime(2026, 11, 20, 14, 3, tzinfo=UTC),
        kind=kind,
        user_agent="Mozilla/5.0",
        timezone=timezone,
        utc_offset_minutes=utc_offset_minutes,
    )


def document(
    *,
    mrz: str = EXAMPLE_MRZ,
    number: str = "584120739",
    issuing: str = "USA",
    expires_on: date | None = date(2032, 4, 15),
    kind: str = "passport",
) -> DocumentFacts:
    masked, facts = mrz_ingest(mrz, number_key=document_number_key) if mrz else ("", {})
    return DocumentFacts(
        kind=kind,
        issuing_country=issuing,
        number_key=document_number_key(issuing, number),
        number_last4=number[-4:],
        expires_on=expires_on,
        mrz=masked,
        mrz_facts=facts,
    )


def example(**changes: Any) -> Subject:
    subject = Subject(
        id=uuid.UUID(int=1),
        full_name="Anna Maria Eriksson",
        now=NOW,
        email="anna.eriksson@example.com",
        phone="+1 314 200 0100",
        date_of_birth=date(1974, 8, 12),
        nationality="USA",
        claimed_location={
            "country": "US",
            "region": "MO",
            "city": "St. Louis",
            "timezone": "America/Chicago",
        },
        home_address={
            "line1": "1 Main St",
            "line2": "",
            "city": "St. Louis",
            "region": "MO",
            "postal_code": "63101",
            "country": "US",
        },
        shipping_address={
            "line1": "1 Main St",
            "city": "St. Louis",
            "region": "MO",
            "postal_code": "63101",
            "country": "US",
        },
        payout_account_holder="Anna Eriksson",
        payout_bank_country="US",
        payout_routing_number="081000210",
        payout_account_key="k",
        payout_account_last4="6789",
        has_payout=True,
        sessions=(session(),),
        documents=(document(),),
    )
    return dataclasses.replace(subject, **changes)
