"""Shared fixtures. Tests run on the database and broker named by DATABASE_URL / REDIS_URL
(`make test` points them at local PostgreSQL and Redis)."""

import os
import uuid

import pytest

# This run's own Celery queue, so a worker started by the tests takes only this run's tasks.
# pytest-django may load settings before this file, so `make test` also sets it; the worker
# tests read the queue from the Celery app, so both stay in step either way.
os.environ.setdefault("VETTING_QUEUE", f"test-{uuid.uuid4().hex[:12]}")

from tests.factories import ApiClientFactory
from tests.webhook_receiver import WEBHOOK_SECRET, Receiver
from vetting.celery import app as celery_app


@pytest.fixture(autouse=True)
def _inline_tasks():
    """Tasks run inline unless a test starts a real worker (see tests/test_worker.py)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests sign users in but do not test password storage: a fast hasher saves a second or
    so of PBKDF2 per user created or signed in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client_factory(db):
    from candidates.api_clients import api_client_create

    def make(name="ats", webhook_url=""):
        client, key, _secret = api_client_create(name=name, webhook_url=webhook_url)
        return client, key

    return make


@pytest.fixture
def loopback_webhooks(settings):
    """These receivers speak plain HTTP on 127.0.0.1, which production refuses
    (tests/test_webhook_destinations.py): DEBUG and the operator's setting allow it here."""
    settings.DEBUG = True
    settings.VETTING_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def hooked(receiver, loopback_webhooks):
    return ApiClientFactory(webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET)
