"""/metrics: Prometheus text for a bearer of VETTING_METRICS_TOKEN only (the contract's rule)."""

import pytest

pytestmark = pytest.mark.django_db


def test_metrics_are_off_without_a_token(client, settings):
    settings.VETTING_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token(client, settings):
    settings.VETTING_METRICS_TOKEN = "s3cret-metrics-token"
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_metrics_count_requests_by_route_and_report_unfinished_work(client, settings):
    settings.VETTING_METRICS_TOKEN = "s3cret-metrics-token"
    client.get("/healthz")
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'vetting_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert 'vetting_assessments_unfinished{status="pending"}' in text
    assert "vetting_webhook_events_pending" in text
