"""Health for load balancers and operators: no authentication, no personal data."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """503 when the database does not answer. A broker fault answers 200 with status `degraded`:
    saves still succeed then (assessments wait in the database for the sweep), so the web node
    serves. `?strict=1` answers 503 for it too, for load balancers that want to know."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database fault means "not healthy", never a 500 page
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    broker = _broker()
    degraded = broker == "down"
    body = {"status": "degraded" if degraded else "ok", "database": "ok", "broker": broker}
    strict = request.GET.get("strict") in ("1", "true", "yes")
    return JsonResponse(body, status=503 if degraded and strict else 200)


def _broker() -> str:
    if not settings.REDIS_URL:
        return "inline"  # embedded mode: tasks run in the web process
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except redis.RedisError:
        return "down"
    return "ok"
