"""Identity documents: MRZ validity, MRZ against the profile and document fields, expiry.

The MRZ was judged on ingest (`checks.mrz.mrz_ingest`), before its number was masked; its facts
are read here. Nationality is read only to compare the MRZ with the profile, never scored alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from checks.base import Check, Code, Context, DocumentFacts, Finding, Subject
from checks.evidence import Field
from checks.guidance import FBI_2023, FBI_2025, FBI_2025_DOCUMENTS
from checks.identifiers import country_alpha3
from checks.mrz import mrz_parse
from checks.names import names_match
from checks.params import param

SOURCE = "ICAO Doc 9303 (Parts 3-6)"


class DocumentsCheck(Check):
    name = "document"
    evidence_fields = {
        "document_kind": Field("Document"),
        "format": Field("MRZ format"),
        "errors": Field("Failures"),
        "check_digits": Field("Check digits"),
        "fields": Field("Disagreeing fields", hidden=True),  # the differences say it all
        "differences": Field("Differences"),
        "name": Field("Name"),
        "birth_date": Field("Birth date"),
        "nationality": Field("Nationality"),
        "issuing_country": Field("Issuing country"),
        "number": Field("Number"),
        "expiry_date": Field("Expiry date"),
        "mrz": Field("MRZ"),
        "profile": Field("Profile"),
        "document": Field("Document fields"),
        "mrz_last4": Field("MRZ number ending"),
        "document_last4": Field("Document number ending"),
        "expires_on": Field("Expired on"),
        "read_from": Field("Read from"),
        "number_last4": Field("Number ending"),
        "source": Field("Source"),
    }
    codes = {
        "document.mrz_invalid": Code(
            "The MRZ's structure or check digits fail", 40, "high", FBI_2023
        ),
        "document.mrz_mismatch": Code(
            "The MRZ's name, birth date, nationality, number or expiry disagree with the profile "
            "or the document's fields",
            45,
            "high",
            FBI_2025,
        ),
        "document.expired": Code(
            "The identity document has expired", 15, "low", FBI_2025_DOCUMENTS
        ),
    }

    @dataclass(frozen=True)
    class Params:
        compare_name: bool = param(True, "Compare the MRZ name with the candidate's name")

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        findings: list[Finding] = []
        today = subject.now.date()
        for doc in subject.documents:
            facts = _facts(doc, today)
            if facts and facts.get("valid") is False:
                findings.append(
                    Finding(
                        "document.mrz_invalid",
                        f"The {_label(doc)}'s MRZ fails: {'; '.join(facts.get('errors', [])[:3])}",
                        {
                            "document_kind": doc.kind,
                            "format": facts.get("format"),
                            "errors": facts.get("errors", []),
                            "check_digits": facts.get("check_digits", {}),
                            "source": SOURCE,
                        },
                    )
                )
            if facts.get("format"):
                findings += _mismatch(subject, doc, facts, params)
            findings += _expired(doc, facts, today)
        return findings


def _label(doc: DocumentFacts) -> str:
    return doc.kind.replace("_", " ")


def _facts(doc: DocumentFacts, today: date) -> dict[str, Any]:
    if doc.mrz_facts:
        return doc.mrz_facts
    return mrz_parse(doc.mrz, today=today) if doc.mrz else {}


def _differences(
    subject: Subject, doc: DocumentFacts, facts: dict[str, Any], params: DocumentsCheck.Params
) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    mrz_name = f"{facts.get('given_names', '')} {facts.get('surname', '')}".strip()
    if (
        params.compare_name
        and mrz_name
        and subject.full_name
        and not names_match(
            subject.full_name, mrz_name, truncated=bool(facts.get("names_truncated"))
        )
    ):
        found["name"] = {"mrz": mrz_name, "profile": subject.full_name}
    birth = facts.get("birth_date")
    if birth and subject.date_of_birth and birth != subject.date_of_birth.isoformat():
        found["birth_date"] = {"mrz": birth, "profile": subject.date_of_birth.isoformat()}
    nationality = facts.get("nationality")
    if (
        nationality
        and subject.nationality
        and country_alpha3(nationality) != country_alpha3(subject.nationality)
    ):
        found["nationality"] = {"mrz": nationality, "profile": subject.nationality}
    issuing = facts.get("issuing_state")
    if (
        issuing
        and doc.issuing_country
        and country_alpha3(issuing) != country_alpha3(doc.issuing_country)
    ):
        found["issuing_country"] = {"mrz": issuing, "document": doc.issuing_country}
    key = facts.get("number_key")
    if key and doc.number_key and key != doc.number_key:
        found["number"] = {
            "mrz_last4": facts.get("number_last4", ""),
            "document_last4": doc.number_last4,
        }
    expiry = facts.get("expiry_date")
    if expiry and doc.expires_on and expiry != doc.expires_on.isoformat():
        found["expiry_date"] = {"mrz": expiry, "document": doc.expires_on.isoformat()}
    return found


def _mismatch(
    subject: Subject, doc: DocumentFacts, facts: dict[str, Any], params: DocumentsCheck.Params
) -> list[Finding]:
    found = _differences(subject, doc, facts, params)
    if not found:
        return []
    return [
        Finding(
            "document.mrz_mismatch",
            f"The {_label(doc)}'s MRZ disagrees on {', '.join(found).replace('_', ' ')}",
            {
                "document_kind": doc.kind,
                "fields": sorted(found),
                "differences": found,
                "source": SOURCE,
            },
        )
    ]


def _expired(doc: DocumentFacts, facts: dict[str, Any], today: date) -> list[Finding]:
    expires = doc.expires_on
    source = "document"
    if expires is None and facts.get("expiry_date"):
        expires, source = date.fromisoformat(facts["expiry_date"]), "mrz"
    if expires is None or expires >= today:
        return []
    return [
        Finding(
            "document.expired",
            f"The {_label(doc)} expired on {expires.isoformat()}",
            {
                "document_kind": doc.kind,
                "expires_on": expires.isoformat(),
                "read_from": source,
                "number_last4": doc.number_last4,
            },
        )
    ]
