"""The README and docs/ link only to files a clone of the repository has (never ../shared)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_stay_in_the_repository(page):
    targets = [t for t in LINK.findall(page.read_text()) if not re.match(r"^[a-z]+:|^#", t)]
    for target in targets:
        path = (page.parent / target.split("#", 1)[0]).resolve()
        assert path.is_relative_to(ROOT), f"{page.name} links outside the repository: {target}"
        assert path.exists(), f"{page.name} links to a missing file: {target}"


def test_the_webhook_verification_in_the_api_reference_works():
    """The snippet integrators copy accepts a real signature and refuses a tampered one."""
    from candidates.webhooks import signature_header

    text = (ROOT / "docs" / "api.md").read_text()
    snippet = re.search(r"```python\n(import hashlib.*?)```", text, re.DOTALL).group(1)
    namespace: dict = {}
    exec(snippet, namespace)
    verify = namespace["verify"]
    body, now = b'{"id":"evt_1","type":"assessment.completed"}', int(time.time())
    header = signature_header(secret="s3cret", body=body, timestamp=now)
    assert verify("s3cret", body, header)
    assert not verify("s3cret", body + b" ", header)
    assert not verify("other", body, header)
    stale = signature_header(secret="s3cret", body=body, timestamp=now - 3600)
    assert not verify("s3cret", body, stale)
