"""The submitting vendor's record: a staffing firm whose candidates are assessed high or critical
unusually often.

Contract IT work through third-party staffing firms removes the employer from the hiring, and
the FBI asks employers to make sure such firms vet their workers. This reads the vendor's record
with the same client, never the candidate's own traits: how many of the vendor's other
candidates have a completed assessment, and how many of those came out high or critical. A
minimum count keeps one bad candidate from tainting a vendor; the candidate's own level is left
out, so the signal cannot feed itself. It weighs little: it says where to look, not who.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.base import Check, Code, Context, Finding, Subject
from checks.evidence import Field
from checks.guidance import FBI_2024_STAFFING


class VendorCheck(Check):
    name = "vendor"
    evidence_fields = {
        "vendor": Field("Vendor"),
        "assessed": Field("Other assessed candidates"),
        "flagged": Field("Of them high or critical"),
        "share": Field("Share high or critical", "share"),
        "min_assessed": Field("Candidates needed to judge"),
        "min_share": Field("Share that counts", "share"),
    }
    codes = {
        "vendor.flagged_share": Code(
            "The submitting vendor's candidates are assessed high or critical unusually often",
            15,
            "low",
            FBI_2024_STAFFING,
        ),
    }

    @dataclass(frozen=True)
    class Params:
        min_assessed: int = 10  # the vendor's other assessed candidates needed to judge it
        min_share: float = 0.3  # of them assessed high or critical

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        record = subject.vendor_record
        if not subject.vendor or record is None:
            return []
        assessed, flagged = record
        if assessed < max(1, params.min_assessed) or flagged / assessed < params.min_share:
            return []
        return [
            Finding(
                "vendor.flagged_share",
                f"{flagged} of the {assessed} other assessed candidates from {subject.vendor!r} "
                f"are high or critical risk ({flagged / assessed:.0%})",
                {
                    "vendor": subject.vendor,
                    "assessed": assessed,
                    "flagged": flagged,
                    "share": round(flagged / assessed, 3),
                    "min_assessed": params.min_assessed,
                    "min_share": params.min_share,
                },
            )
        ]
