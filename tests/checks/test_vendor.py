"""vendor.flagged_share from the vendor's record (pure: the numbers subject_load counts)."""

from __future__ import annotations

from checks.base import Context
from checks.vendor import VendorCheck
from tests.checks.subjects import example

ENGINE_CASES = {
    "vendor.flagged_share": {"vendor": "Northwind Staffing", "vendor_record": (12, 5)},
}


def _codes(vendor: str, record, **params) -> set[str]:
    subject = example(vendor=vendor, vendor_record=record)
    return {f.code for f in VendorCheck().run(subject, VendorCheck.Params(**params), Context())}


def test_fires_on_an_unusual_share_with_enough_candidates():
    assert _codes("Northwind", (10, 3)) == {"vendor.flagged_share"}
    assert _codes("Northwind", (10, 2)) == set()  # 20 %: below the share
    assert _codes("Northwind", (9, 9)) == set()  # too few to judge a vendor
    assert _codes("Northwind", (2, 2), min_assessed=2) == {"vendor.flagged_share"}


def test_no_vendor_or_no_record_is_quiet():
    assert _codes("", (50, 50)) == set()
    assert _codes("Northwind", None) == set()
