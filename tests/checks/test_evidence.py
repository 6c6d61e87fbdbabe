"""Evidence reads as facts: labels and units from the check's declaration, one value per list item,
internal keys left to the API. Cases are the evidence the real checks write."""

from __future__ import annotations

import uuid

from checks.base import Context
from checks.evidence import evidence_lines
from checks.registry import CHECKS, evidence_fields_for
from checks.timezone import TimezoneCheck
from tests.checks.subjects import example, session


def _lines(code: str, evidence: dict) -> dict[str, tuple[str, ...]]:
    return {line.label: line.values for line in evidence_lines(evidence_fields_for(code), evidence)}


def test_timezone_sessions_are_one_line_each_with_offsets_as_utc():
    disagreeing = [session(timezone="Asia/Pyongyang", utc_offset_minutes=540) for _ in range(2)]
    disagreeing.append(session(ip="73.54.120.19", timezone="Asia/Seoul", utc_offset_minutes=540))
    subject = example(sessions=tuple(disagreeing))
    [finding] = TimezoneCheck().run(subject, TimezoneCheck.Params(), Context())
    lines = _lines("timezone.mismatch", finding.evidence)
    sessions = lines["Sessions that disagree"]
    assert len(sessions) == len(finding.evidence["sessions"]) >= 2
    assert all("UTC+09:00" in line and "UTC" in line for line in sessions)
    assert any("browser time zone Asia/Seoul" in line for line in sessions)
    assert lines["Time zones of the claimed location"] == ("America/Chicago",)


def test_link_evidence_shows_what_is_shared_not_internal_keys():
    other = str(uuid.uuid4())
    address = {
        "values": [
            {
                "shared": "1 Main St, St. Louis, US",
                "allowlist_key": "us|63101|st louis|1 main st",
                "holders": 2,
            }
        ]
    }
    assert _lines("link.address_shared", address) == {
        "Shared values": ("shared 1 Main St, St. Louis, US · other holders 2 candidates",)
    }
    near = {"bits_apart": {other: 2}}
    assert _lines("link.document_image_duplicate", near) == {}  # the related list names them
    for code in ("link.address_shared", "link.document_image_duplicate"):
        rendered = repr(_lines(code, {**address, **near}))
        assert other not in rendered and "us|63101" not in rendered


def test_merged_instances_are_numbered():
    evidence = {"instances": [{"ip": "167.99.14.200"}, {"ip": "167.99.14.201"}]}
    assert _lines("ip.hosting_provider", evidence) == {
        "IP address (1)": ("167.99.14.200",),
        "IP address (2)": ("167.99.14.201",),
    }


def test_every_check_declares_labels_for_the_keys_its_cases_write():
    """A code's evidence keys (from each check's engine cases) all have a declared label."""
    from tests.checks.test_engine import CASES

    by_name = {c.name: c for c in CHECKS}
    for code, changes in CASES.items():
        check = by_name[code.split(".", 1)[0]]
        findings = check.run(example(**changes), check.params_from(None), Context())
        for finding in findings:
            if finding.code == code:
                assert set(finding.evidence) <= set(check.evidence_fields), code


def test_night_hours_read_as_a_clock_range():
    lines = _lines("timezone.off_hours_activity", {"night_hours": [0, 6], "night_sessions": 3})
    assert lines["Night hours (local)"] == ("00:00 to 06:00",)
