"""README screenshots (docs/img/queue.png, docs/img/detail.png) of the demo, as `make demo`
shows it: `demo_seed` posts its candidates through the API's service, the pipeline assesses
them, and the pictures show what it stored. Nothing is written over.

Not a check: runs only with VETTING_SCREENSHOTS=1, e.g.
    VETTING_SCREENSHOTS=1 make test PYTEST_ARGS="tests/browser/test_screenshots.py"
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from candidates.management.commands.demo_seed import DEMO_USERS
from candidates.models import Candidate
from tests.browser.conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        os.environ.get("VETTING_SCREENSHOTS") != "1",
        reason="screenshots are made on request (VETTING_SCREENSHOTS=1)",
    ),
]
OUT = Path(__file__).resolve().parents[2] / "docs" / "img"
# Enough honest people to fill the first page behind the four rings.
DEMO_COUNT = 60
# The resume mill's member who also used a disposable mailbox.
DETAIL_EXTERNAL_ID = "demo-ring2-0"


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEBUG = True  # demo_seed refuses to load fake people otherwise
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("demo_seed", count=DEMO_COUNT, stdout=io.StringIO())
    username, password, _role = next(u for u in DEMO_USERS if u[2] == "recruiter")
    return username, password


def test_screenshots(new_page, demo):
    username, password = demo
    member = Candidate.objects.get(external_id=DETAIL_EXTERNAL_ID)
    assert member.assessment_status == "completed" and member.risk_level in ("high", "critical")
    OUT.mkdir(parents=True, exist_ok=True)
    page = new_page(1366, 860)
    sign_in(page, username, password)
    assert page.get_by_role("link", name=member.full_name).is_visible()
    page.screenshot(path=str(OUT / "queue.png"))
    page.goto(f"/candidates/{member.id}/")
    page.wait_for_load_state("networkidle")
    for signal in member.completed_assessment.signals.all():
        assert page.get_by_text(signal.message, exact=True).count() >= 1
    page.screenshot(path=str(OUT / "detail.png"), full_page=True)
    assert (OUT / "detail.png").stat().st_size > 10_000
