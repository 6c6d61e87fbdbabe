"""The audit log page (the rules workspace: tests/rules/)."""

import pytest

from candidates.models import AuditEvent
from candidates.services import audit_record

pytestmark = pytest.mark.django_db


def test_auditor_filters_the_audit_log(client, auditor, recruiter, flagged):
    audit_record(
        action="review.decided",
        candidate_id=flagged.id,
        user=recruiter,
        detail={"status": "cleared"},
    )
    audit_record(action="candidate.viewed", candidate_id=flagged.id, user=recruiter)
    client.force_login(auditor)
    response = client.get("/audit/", {"action": "review.decided", "user": "rita"})
    events = response.context["events"]
    assert [e.action for e in events] == ["review.decided"]
    assert "status: cleared" in response.content.decode()


def test_audit_log_pages_by_keyset(client, auditor):
    AuditEvent.objects.bulk_create([AuditEvent(action=f"test.{i}") for i in range(105)])
    assert 100 < AuditEvent.objects.count() <= 200  # two pages
    client.force_login(auditor)
    first = client.get("/audit/")
    assert len(first.context["events"]) == 100 and first.context["next_after"]
    second = client.get("/audit/", {"after": first.context["next_after"]})
    pages = [*first.context["events"], *second.context["events"]]
    # Every event once, with whatever the module's posted candidates wrote besides these.
    assert len(pages) == len({e.id for e in pages})
    assert {e.id for e in pages} == set(AuditEvent.objects.values_list("id", flat=True))


def test_superuser_sees_audit_log(client, superuser):
    client.force_login(superuser)
    assert client.get("/audit/").status_code == 200
