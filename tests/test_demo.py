"""The demo as `make demo` loads it, through the API's serializer, service and the pipeline:
the honest people stay low with v1.1's fields filled in, and the staffing vendor's bench (ring 4)
shows each v1.1 link and history signal on the members it is built around. Nothing here is
written by hand: the signals are what the checks stored."""

import io

import pytest
from django.core.management import call_command

from candidates.demo import VENDOR_BENCH
from candidates.models import Candidate, ContactChange

# Assessments run after each write commits, as in `make demo`.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

V1_1_LINKS = {
    "link.payout_holder_shared",
    "link.reference_shared",
    "link.resume_metadata_shared",
}


def _codes(external_id: str) -> set[str]:
    candidate = Candidate.objects.get(external_id=external_id)
    assert candidate.assessment_status == "completed", external_id
    return set(candidate.completed_assessment.signals.values_list("code", flat=True))


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEBUG = True  # demo_seed refuses to load fake people otherwise
    settings.MEDIA_ROOT = str(tmp_path / "media")
    out = io.StringIO()
    call_command("demo_seed", count=30, stdout=out)
    return out.getvalue()


def test_the_vendor_bench_shows_every_v1_1_link_and_history_signal(demo):
    members = [f"demo-ring4-{k}" for k in range(len(VENDOR_BENCH))]
    codes = {external_id: _codes(external_id) for external_id in members}
    for external_id in members:
        assert codes[external_id] >= V1_1_LINKS, (external_id, codes[external_id])
    # Referred by the bench's first member, who is linked to them: the three others only.
    assert [e for e in members if "link.referral_ring" in codes[e]] == members[1:]
    # The later writes: a payout switched at the offer stage, a phone replaced three times.
    assert "history.payout_changed_late" in codes["demo-ring4-3"]
    assert "history.contact_churn" in codes["demo-ring4-2"]
    assert ContactChange.objects.filter(candidate__external_id="demo-ring4-2").count() == 3
    bench = Candidate.objects.filter(external_id__in=members)
    assert set(bench.values_list("risk_level", flat=True)) <= {"high", "critical"}
    assert set(bench.values_list("vendor", flat=True)) == {"Brightpath Staffing LLC"}


def test_honest_people_carry_v1_1_fields_and_stay_low(demo):
    honest = Candidate.objects.filter(external_id__regex=r"^demo-\d+$")
    assert honest.count() == 30 - 16  # the four rings hold 16
    assert set(honest.values_list("risk_level", flat=True)) == {"low"}
    assert honest.exclude(stage="").count() == honest.count()
    assert honest.exclude(vendor="").exists() and honest.filter(vendor="").exists()
    assert honest.filter(referred_by__isnull=False).exists()


def test_a_second_run_changes_nothing(demo):
    before = dict(Candidate.objects.values_list("external_id", "assessment_seq"))
    call_command("demo_seed", count=30, stdout=io.StringIO())
    assert dict(Candidate.objects.values_list("external_id", "assessment_seq")) == before
