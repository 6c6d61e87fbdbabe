"""The review queue: order, filters, search, keyset pages, polling fragment and CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.dashboard.queue import QueueFilters, queue_page
from candidates.models import Candidate
from tests.dashboard.conftest import assessed
from tests.factories import ApiClientFactory, CandidateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_data(flagged):
    low = CandidateFactory(full_name="Lena Low", external_id="ats-low-1")
    assessed(low, [("email.disposable", 10, [])])
    decided = CandidateFactory(full_name="Dora Decided")
    assessed(decided, [("phone.voip", 90, [])])
    Candidate.objects.filter(pk=decided.pk).update(review_status="cleared")
    return {"flagged": flagged, "low": low, "decided": decided}


def _names(response) -> list[str]:
    return [row.candidate.full_name for row in response.context["page"].rows]


def test_queue_orders_unreviewed_by_risk_with_top_signals(client, recruiter, queue_data):
    client.force_login(recruiter)
    response = client.get("/")
    names = _names(response)
    assert names.index("Alex Flagged") < names.index("Lena Low")
    assert "Dora Decided" not in names  # the default view is the unreviewed work
    row = response.context["page"].rows[0]
    assert row.candidate.full_name == "Alex Flagged"
    # Top 3 by contribution, highest first.
    assert row.top_codes == ("link.phone_shared", "link.resume_duplicate", "phone.voip")
    assert b"link.phone_shared" in response.content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "low"}, {"Lena Low"}),
        ({"code": "link.resume_duplicate"}, {"Alex Flagged"}),
        ({"q": "lena"}, {"Lena Low"}),
        ({"q": "ATS-LOW"}, {"Lena Low"}),
        ({"status": "cleared"}, {"Dora Decided"}),
    ],
)
def test_queue_filters(client, recruiter, queue_data, params, expected):
    client.force_login(recruiter)
    assert set(_names(client.get("/", params))) == expected


def test_queue_filters_by_client_and_dates(client, recruiter, queue_data):
    other_client = ApiClientFactory(name="Greenhouse")
    mine = CandidateFactory(full_name="Gina Green", client=other_client)
    client.force_login(recruiter)
    assert _names(client.get("/", {"client": str(other_client.id)})) == ["Gina Green"]
    Candidate.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(days=40))
    day = (timezone.now() - timedelta(days=40)).date().isoformat()
    assert _names(client.get("/", {"created_from": day, "created_to": day})) == ["Gina Green"]


def test_search_treats_wildcards_as_text(client, recruiter, queue_data):
    client.force_login(recruiter)
    assert _names(client.get("/", {"q": "%"})) == []
    assert _names(client.get("/", {"q": "_ena"})) == []


def test_keyset_pages_cover_every_row_once(db):
    for i in range(7):
        c = CandidateFactory(full_name=f"Page {i}")
        assessed(c, [("phone.voip", 10 + (i % 3) * 10, [])])
    seen, cursor = [], ""
    while True:
        page = queue_page(filters=QueueFilters(), cursor=cursor, size=3)
        seen += [r.candidate.id for r in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 7
    scores = list(Candidate.objects.filter(pk__in=seen).values_list("id", "risk_score"))
    order = {cid: score for cid, score in scores}
    assert [order[i] for i in seen] == sorted(order.values(), reverse=True)


def test_garbage_cursor_shows_first_page(client, recruiter, queue_data):
    client.force_login(recruiter)
    assert "Alex Flagged" in _names(client.get("/", {"after": "not-a-cursor"}))


def test_polling_fragment_returns_rows_only(client, recruiter, queue_data):
    client.force_login(recruiter)
    response = client.get("/", {"fragment": "rows"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Alex Flagged" in body and "<tr>" in body
    assert "<html" not in body and "<form" not in body


def test_new_assessment_appears_on_next_poll(client, recruiter, queue_data):
    client.force_login(recruiter)
    newcomer = CandidateFactory(full_name="Nina Newcomer")
    assessed(newcomer, [("phone.voip", 95, [])])
    body = client.get("/", {"fragment": "rows"}, headers={"HX-Request": "true"}).content
    assert b"Nina Newcomer" in body


def test_csv_export_streams_the_filtered_view(client, recruiter, queue_data):
    hostile = CandidateFactory(full_name='=HYPERLINK("http://evil")')
    assessed(hostile, [("phone.voip", 10, [])])
    client.force_login(recruiter)
    response = client.get("/queue.csv", {"level": "low"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["full_name"] for r in rows} == {"Lena Low", '\'=HYPERLINK("http://evil")'}
    assert rows[0]["top_signals"] in ("email.disposable", "phone.voip")


def test_queue_query_count_is_bounded(client, recruiter, django_assert_max_num_queries):
    for i in range(30):
        c = CandidateFactory(full_name=f"Bulk {i}")
        assessed(c, [("phone.voip", 20, []), ("email.disposable", 30, [])])
    client.force_login(recruiter)
    client.get("/")  # warm the session and permission caches like a real browser would
    with django_assert_max_num_queries(8):
        response = client.get("/", {"level": "medium"})
    assert len(response.context["page"].rows) == 30


def test_level_filter_keeps_levels_stored_under_older_bands(db):
    from checks.rulesets import ruleset_active, ruleset_save_new_version

    # Under a version whose medium band starts at 35, a score of 30 was stored as "low".
    ruleset_save_new_version(base=ruleset_active(), bands={"medium": 35}, note="wider low")
    old_low = CandidateFactory(full_name="Old Low")
    Candidate.objects.filter(pk=old_low.pk).update(risk_score=30, risk_level="low")
    medium = CandidateFactory(full_name="Plain Medium")
    Candidate.objects.filter(pk=medium.pk).update(risk_score=30, risk_level="medium")
    rows = queue_page(filters=QueueFilters(level="low")).rows
    assert [r.candidate.full_name for r in rows] == ["Old Low"]
    rows = queue_page(filters=QueueFilters(level="medium")).rows
    assert [r.candidate.full_name for r in rows] == ["Plain Medium"]
