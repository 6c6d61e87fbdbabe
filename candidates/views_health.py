from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """Liveness plus a database round trip; no authentication, no personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database fault means "not healthy", never a 500 page
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})
