"""ICAO 9303 machine-readable zones (owned by the identity-checks work).

`mrz_ingest` runs when a document is stored: it judges what masking will destroy (the check
digits over the document number) and returns the MRZ with its document-number field masked.
"""

from __future__ import annotations

from typing import Any


def mrz_ingest(mrz: str) -> tuple[str, dict[str, Any]]:
    """Return (MRZ with the document number masked, facts judged before masking)."""
    return mrz, {}
