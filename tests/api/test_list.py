"""The list: summaries, cursor pagination, filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from candidates.models import Candidate
from tests.api.conftest import assert_error
from tests.factories import CandidateFactory

URL = "/api/v1/candidates/"


@pytest.fixture
def many(api):
    base = datetime(2026, 11, 1, tzinfo=UTC)
    made = []
    for i in range(25):
        c = CandidateFactory(client=api.client, external_id=f"c-{i:02d}")
        # Pairs share a created_at so the id tie-break is exercised.
        Candidate.objects.filter(pk=c.pk).update(created_at=base + timedelta(minutes=i // 2))
        made.append(c.pk)
    return made


def _walk(api, params):
    seen, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = api.get(URL, query).json()
        seen += [r["id"] for r in body["results"]]
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return seen
        cursor = body["next_cursor"]


def test_pages_cover_everything_once_in_order(api, other_api, many):
    CandidateFactory(client=other_api.client)
    ids = _walk(api, {"limit": "7"})
    expected = list(
        Candidate.objects.filter(client=api.client)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
    )
    assert ids == [str(pk) for pk in expected]
    assert len(ids) == 25


def test_pagination_is_stable_while_new_candidates_arrive(api, many):
    first = api.get(URL, {"limit": "10"}).json()
    CandidateFactory(client=api.client, external_id="late")  # newest: must not shift pages
    rest = _walk(api, {"limit": "10", "cursor": first["next_cursor"]})
    all_ids = [r["id"] for r in first["results"]] + rest
    assert len(all_ids) == len(set(all_ids)) == 25


def test_summary_shape_hides_images_and_unassessed_score(api, many):
    row = api.get(URL, {"limit": "1"}).json()["results"][0]
    assert set(row) >= {
        "id",
        "external_id",
        "created_at",
        "updated_at",
        "risk_score",
        "risk_level",
        "assessment_status",
        "review_status",
        "assessed_at",
    }
    assert "photo" not in row and "documents" not in row
    assert row["risk_score"] is None and row["assessed_at"] is None


def test_filters(api, many):
    now = datetime.now(UTC)
    Candidate.objects.filter(external_id="c-03").update(
        risk_score=80, risk_level="critical", assessed_at=now, assessment_status="completed"
    )
    Candidate.objects.filter(external_id="c-04").update(
        risk_score=30, risk_level="medium", assessed_at=now, review_status="escalated"
    )

    def ext(params):
        return [r["external_id"] for r in api.get(URL, params).json()["results"]]

    assert ext({"external_id": "c-07"}) == ["c-07"]
    assert ext({"risk_level": "critical"}) == ["c-03"]
    assert ext({"review_status": "escalated"}) == ["c-04"]
    assert ext({"assessment_status": "completed"}) == ["c-03"]
    assert ext({"min_score": "30"}) == ["c-04", "c-03"]
    assert ext({"min_score": "0"}) == ["c-04", "c-03"]  # unassessed never match a score
    soon = (now - timedelta(seconds=1)).isoformat()
    assert len(ext({"updated_since": soon, "limit": "200"})) >= 2
    assert ext({"updated_since": "2999-01-01T00:00:00Z"}) == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"min_score": "101"}, "min_score"),
        ({"min_score": "1.5"}, "min_score"),
        ({"risk_level": "extreme"}, "risk_level"),
        ({"review_status": ""}, "review_status"),
        ({"assessment_status": "x"}, "assessment_status"),
        ({"updated_since": "2026-11-01T00:00:00"}, "updated_since"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": "bm90fGEtdXVpZA"}, "cursor"),
        ({"cursor": "%%%"}, "cursor"),
        ({"colour": "red"}, "colour"),
        ({"external_id": "a\x00b"}, "external_id"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(api, params, field):
    error = assert_error(api.get(URL, params), 400, "validation_error")
    assert field in error["fields"]


def test_list_is_a_fixed_number_of_queries(api, many, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert len(api.get(URL, {"limit": "200"}).json()["results"]) == 25
