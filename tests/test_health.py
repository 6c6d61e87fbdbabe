import pytest


@pytest.mark.django_db
def test_health_reports_database_and_broker(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == ("ok" if settings.REDIS_URL else "inline")


@pytest.mark.django_db
def test_a_broker_outage_is_reported_but_the_web_node_stays_healthy(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "down"}
