"""Static files as production serves them: `collectstatic` with DEBUG off (manifest storage,
hashed names), gunicorn with DEBUG off, and every stylesheet and script a page links answers 200.
"""

import subprocess
import sys
import urllib.request
from html.parser import HTMLParser

import pytest

from tests.production.servers import ROOT, database_url, gunicorn, production_env

pytestmark = pytest.mark.django_db


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") in ("stylesheet", "icon") and a.get("href"):
            self.urls.append(a["href"])
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])


def _assets(url: str) -> list[str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        parser = _Assets()
        parser.feed(response.read().decode())
    return parser.urls


@pytest.fixture(scope="module")
def production_site(django_db_setup, django_db_blocker, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("static")
    with django_db_blocker.unblock():
        env = production_env(DATABASE_URL=database_url(), STATIC_ROOT=str(tmp / "static"))
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The command the README and the Dockerfile run: it used to fail on swagger-ui.css's map.
    assert collected.returncode == 0, collected.stderr[-2000:]
    assert (tmp / "static" / "staticfiles.json").exists()  # the manifest production reads
    with gunicorn(env, tmp / "gunicorn.log") as base:
        yield base


@pytest.mark.parametrize("page", ["/accounts/login/", "/api/docs/"])
def test_every_asset_a_production_page_links_answers_200(production_site, page):
    urls = _assets(production_site + page)
    assert any(u.endswith(".css") for u in urls) and any(u.endswith(".js") for u in urls), urls
    for url in urls:
        full = url if url.startswith("http") else production_site + url
        with urllib.request.urlopen(full, timeout=30) as response:
            assert response.status == 200, url
            assert response.read(), url


def test_pages_link_the_hashed_names_from_the_manifest(production_site):
    urls = _assets(production_site + "/accounts/login/")
    app_css = [u for u in urls if "/css/app." in u]
    # css/app.<hash>.css: long-cacheable, and proof that the manifest storage is what served it.
    assert app_css and app_css[0] != "/static/css/app.css", urls
