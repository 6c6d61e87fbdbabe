import pytest


@pytest.mark.django_db
def test_health_reports_database_and_broker(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == ("ok" if settings.REDIS_URL else "inline")
    assert client.get("/healthz?strict=1").status_code == 200


@pytest.mark.django_db
def test_a_broker_outage_is_degraded_but_the_web_node_stays_healthy(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "down"}


@pytest.mark.django_db
def test_strict_health_answers_503_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz?strict=1")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
