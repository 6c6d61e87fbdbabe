"""Health for load balancers and operators: no authentication, no personal data."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """200 while the database answers. A broker fault is reported but keeps the 200: saves still
    succeed then (assessments wait in the database for the sweep), so the web node is healthy."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database fault means "not healthy", never a 500 page
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    body = {"status": "ok", "database": "ok", "broker": _broker()}
    return JsonResponse(body)


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
