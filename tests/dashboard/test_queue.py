"""The review queue: order, filters, search, keyset pages, polling fragment and CSV export.

Candidates are posted through the API's service and assessed by the pipeline (tests/posting.py).
"""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.dashboard.queue import QueueFilters, queue_page
from candidates.models import Candidate
from candidates.services import review_decide
from checks.rulesets import ruleset_active, ruleset_save_new_version
from tests.factories import ApiClientFactory
from tests.posting import payload, post

pytestmark = pytest.mark.django_db

# A New Jersey number (libphonenumber's US example) for someone who claims Chicago: the phone
# check's only finding is a low-scored time-zone mismatch. One number per candidate.
NEW_JERSEY = "+1 201 555 01{:02d}"
# UK VoIP numbers (libphonenumber's example range) for a US claim: voip, country, time zone.
UK_VOIP = "+44 56 1234 56{:02d}"


def _low(ats, name: str, n: int, **fields) -> Candidate:
    return post(ats, payload(name, phone=NEW_JERSEY.format(n), **fields))


def _risky(ats, name: str, n: int, **fields) -> Candidate:
    return post(ats, payload(name, phone=UK_VOIP.format(n), **fields))


@pytest.fixture
def queue_data(flagged, ats, recruiter):
    low = _low(ats, "Lena Low", 1, external_id="ats-low-1")
    decided = _risky(ats, "Dora Decided", 90)
    review_decide(candidate=decided, status="cleared", note="", user=recruiter)
    assert (low.risk_level, decided.risk_level) == ("low", "high")
    return {"flagged": flagged, "low": low, "decided": decided}


def _names(response) -> list[str]:
    return [row.candidate.full_name for row in response.context["page"].rows]


def test_queue_orders_unreviewed_by_risk_with_top_signals(client, recruiter, queue_data):
    client.force_login(recruiter)
    response = client.get("/")
    names = _names(response)
    assert names.index("Alex Flagged") < names.index("Lena Low")
    assert "Dora Decided" not in names  # the default view is the unreviewed work
    scores = [row.candidate.risk_score for row in response.context["page"].rows]
    assert scores == sorted(scores, reverse=True)
    alex = next(r for r in response.context["page"].rows if r.candidate.full_name == "Alex Flagged")
    # Top 3 by contribution, highest first (ties by code), as the assessment stored them.
    stored = alex.candidate.completed_assessment.signals.all()
    ranked = sorted(stored, key=lambda s: (-s.contribution, s.code))
    assert len(ranked) > 3 and alex.top_codes == tuple(s.code for s in ranked[:3])
    assert all(code.encode() in response.content for code in alex.top_codes)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "low"}, {"Lena Low"}),
        ({"code": "link.resume_duplicate"}, {"Alex Flagged", "Boris Twin"}),
        ({"code": "link.phone_shared"}, {"Alex Flagged", "Boris Twin", "Carla Other"}),
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
    mine = post(other_client, payload("Gina Green"))
    client.force_login(recruiter)
    assert _names(client.get("/", {"client": str(other_client.id)})) == ["Gina Green"]
    Candidate.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(days=40))
    day = (timezone.now() - timedelta(days=40)).date().isoformat()
    assert _names(client.get("/", {"created_from": day, "created_to": day})) == ["Gina Green"]


def test_queue_filters_by_vendor_written_any_way(client, recruiter, queue_data):
    Candidate.objects.filter(pk=queue_data["low"].pk).update(
        vendor="Northwind Staffing, LLC", vendor_key="NORTHWIND STAFFING LLC"
    )
    client.force_login(recruiter)
    assert _names(client.get("/", {"vendor": "northwind staffing llc"})) == ["Lena Low"]
    assert _names(client.get("/", {"vendor": "Contoso"})) == []


def test_search_treats_wildcards_as_text(client, recruiter, queue_data):
    client.force_login(recruiter)
    assert _names(client.get("/", {"q": "%"})) == []
    assert _names(client.get("/", {"q": "_ena"})) == []


def test_keyset_pages_cover_every_row_once(ats):
    # Three levels of risk: none, a low time-zone mismatch, a high VoIP phone.
    for i in range(7):
        if i % 3 == 0:
            post(ats, payload(f"Page {i}"))
        elif i % 3 == 1:
            _low(ats, f"Page {i}", 10 + i)
        else:
            _risky(ats, f"Page {i}", 10 + i)
    seen, cursor = [], ""
    while True:
        page = queue_page(filters=QueueFilters(q="Page"), cursor=cursor, size=3)
        seen += [r.candidate.id for r in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 7
    order = dict(Candidate.objects.filter(pk__in=seen).values_list("id", "risk_score"))
    assert len(set(order.values())) == 3
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


def test_new_assessment_appears_on_next_poll(client, recruiter, queue_data, ats):
    client.force_login(recruiter)
    poll = {"fragment": "rows"}
    assert b"Nina Newcomer" not in client.get("/", poll, headers={"HX-Request": "true"}).content
    _risky(ats, "Nina Newcomer", 91)
    body = client.get("/", poll, headers={"HX-Request": "true"}).content
    assert b"Nina Newcomer" in body


def test_csv_export_streams_the_filtered_view(client, recruiter, queue_data, ats):
    _low(ats, '=HYPERLINK("http://evil")', 2)
    client.force_login(recruiter)
    response = client.get("/queue.csv", {"level": "low"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["full_name"] for r in rows} == {"Lena Low", '\'=HYPERLINK("http://evil")'}
    assert {r["top_signals"] for r in rows} == {"phone.timezone_mismatch"}


def test_queue_query_count_is_bounded(client, recruiter, ats, django_assert_max_num_queries):
    for i in range(12):  # more rows than the bound: one query per row would fail it
        _low(ats, f"Bulk {i}", 20 + i, email=f"bulk{i}@mailinator.com")
    client.force_login(recruiter)
    client.get("/")  # warm the session and permission caches like a real browser would
    with django_assert_max_num_queries(8):
        response = client.get("/", {"level": "medium"})
    rows = response.context["page"].rows
    assert len(rows) == 12 and all(len(r.top_codes) == 2 for r in rows)


def test_level_filter_keeps_levels_stored_under_older_bands(ats):
    def elsewhere(n: int) -> dict[str, str]:
        """A shipping address of one's own in another city: address.shipping_mismatch alone."""
        return {"line1": f"{n} Elm St", "city": "Denver", "postal_code": "80202", "country": "US"}

    default = ruleset_active()
    # Under a version whose medium band starts at 35, a score of 30 is stored as "low".
    ruleset_save_new_version(base=default, bands={"medium": 35}, note="wider low")
    old_low = post(ats, payload("Old Low", shipping_address=elsewhere(1)))
    ruleset_save_new_version(base=ruleset_active(), bands={"medium": 25}, note="back")
    medium = post(ats, payload("Plain Medium", shipping_address=elsewhere(2)))
    assert (old_low.risk_score, old_low.risk_level) == (30, "low")
    assert (medium.risk_score, medium.risk_level) == (30, "medium")
    rows = queue_page(filters=QueueFilters(level="low")).rows
    assert [r.candidate.full_name for r in rows] == ["Old Low"]
    rows = queue_page(filters=QueueFilters(level="medium")).rows
    assert [r.candidate.full_name for r in rows] == ["Plain Medium"]
