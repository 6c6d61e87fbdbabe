"""A rules admin in a real browser: edit a draft, simulate it (progress to 100 %), publish it,
and watch the rescoring reach 100 %. Tasks run inline here, as in the embedded mode."""

import pytest
from django.contrib.auth.models import Group, User

from candidates.models import Candidate
from candidates.roles import RULES_ADMINS
from checks.rulesets import ruleset_active
from tests.browser.conftest import sign_in
from tests.dashboard.conftest import PASSWORD
from tests.rules.conftest import BAD_PHONE, scored

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_edit_simulate_publish_and_rescore(new_page):
    admin = User.objects.create_user(username="ruben", password=PASSWORD, is_staff=True)
    admin.groups.add(Group.objects.get(name=RULES_ADMINS))
    scored(phone=BAD_PHONE, review="rejected", full_name="Ann Reject")
    scored(review="cleared", full_name="Dan Clear")
    old = ruleset_active().version

    page = new_page()
    sign_in(page, "ruben", PASSWORD, "/rules/")
    page.get_by_role("button", name=f"New draft from version {old}").click()
    page.wait_for_url("**/rules/drafts/*/")
    page.get_by_label("phone.invalid points").fill("60")
    page.get_by_label("Tolerance minutes").fill("15")
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_role("status").get_by_text("Draft saved (2 changes)").is_visible()

    page.get_by_role("button", name="Simulate").click()
    page.wait_for_url("**/rules/simulations/*/")
    bar = page.get_by_role("progressbar", name="Simulation progress")
    bar.get_by_text("100 %").wait_for()
    assert bar.get_attribute("aria-valuenow") == "100"
    assert "2 / 2 candidates" in bar.inner_text()
    assert "timezone" in page.locator("main").inner_text()  # its parameter changed: re-run
    changes = page.locator("#changed").inner_text()
    assert "Ann Reject" in changes and "high (60)" in changes
    assert "0.0" in page.locator("#agreement").inner_text()  # active recall: misses Ann

    page.get_by_role("link", name="Back to the draft").click()
    page.get_by_role("link", name="Review and publish…").click()
    diff = page.locator("#diff").inner_text()
    assert "signals.phone.invalid.points" in diff and "checks.timezone.params" in diff
    page.get_by_label("Change note (what changed and why)").fill("Invalid phones weigh more")
    assert page.get_by_label("Rescore every stored candidate").is_checked()
    page.get_by_role("button", name=f"Publish as version {old + 1}").click()
    page.wait_for_url("**/rules/")
    assert page.get_by_role("heading", name=f"Active: version {old + 1}").is_visible()
    rescore = page.get_by_role("progressbar", name="Rescoring progress")
    rescore.get_by_text("100 %").wait_for()
    assert "2 / 2 candidates" in rescore.inner_text()
    assert "Invalid phones weigh more" in page.locator("main").inner_text()
    assert Candidate.objects.get(full_name="Ann Reject").risk_score == 60
