"""Run inside the copied project (`manage.py shell < probe.py`): what a user of the new check sees.
Prints one JSON line."""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from candidates.api_clients import api_client_create

_client, key, _secret = api_client_create(name="probe")
auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
http = Client(HTTP_HOST="localhost")
catalogue = http.get("/api/v1/signals/", **auth).json()["results"]
entry = next((row for row in catalogue if row["code"] == "throwaway.name_has_digits"), None)

admin = get_user_model().objects.create_user("rules", password="unused-password-123")
admin.groups.add(Group.objects.get(name="Rules admins"))
browser = Client(HTTP_HOST="localhost")
browser.force_login(admin)
# The rules workspace: a new draft lists every registered check and code with its settings.
rules_page = browser.post("/rules/drafts/new/", follow=True).content.decode()

posted = http.post(
    "/api/v1/candidates/",
    {"external_id": "probe-1", "full_name": "Anna 2 Eriksson"},
    content_type="application/json",
    **auth,
)
candidate = http.get(f"/api/v1/candidates/{posted.json()['id']}/", **auth).json()
signals = {s["code"]: s for s in (candidate["assessment"] or {}).get("signals") or []}
print(
    "PROBE "
    + json.dumps(
        {
            "catalogue": entry,
            "on_rules_page": "throwaway.name_has_digits" in rules_page,
            "status": candidate["assessment"]["status"],
            "signal": signals.get("throwaway.name_has_digits"),
        }
    )
)
