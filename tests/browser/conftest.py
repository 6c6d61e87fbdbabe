"""Browser tests: Playwright's sync API driving Debian's Chromium against `live_server`.

Playwright's own browser download is never used. Its sync API runs an event loop in this
thread, so Django's async-safety guard is relaxed for these tests only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = next(
    (
        p
        for p in (
            os.environ.get("CHROMIUM_PATH"),
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            shutil.which("chromium"),
        )
        if p and os.path.exists(p)
    ),
    None,
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    if CHROMIUM is None:
        pytest.skip("No Chromium binary (install Debian's 'chromium' or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    """A fresh browser context per user; pages close with the test."""
    contexts = []

    def make(width: int = 1366, height: int = 900):
        context = chromium.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, username: str, password: str, next_path: str = "/") -> None:
    page.goto(next_path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
