"""Where webhooks may go (contract, "Webhooks"): https only (http with DEBUG), no loopback,
private, link-local or reserved destination unless the operator allows it, no redirects, an
overall deadline, nothing for a deactivated client. Real HTTP servers on loopback."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from candidates import webhooks
from candidates.models import WebhookAttempt, WebhookEvent
from tests.factories import ApiClientFactory
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_http_allowed(settings):
    settings.DEBUG = True  # the local receivers speak plain HTTP


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def _event(url: str, **client):
    hooked = ApiClientFactory(webhook_url=url, **client)
    return webhooks.webhook_event_create(
        client=hooked, type="review.updated", trigger="manual", data={"id": "x"}, candidate_id=None
    )


def _attempt(event) -> WebhookAttempt:
    return WebhookAttempt.objects.filter(event=event).latest("pk")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_url_resolving_to_loopback_is_refused(receiver, host):
    port = receiver.server.server_address[1]
    event = _event(f"http://{host}:{port}/hooks")
    assert webhooks.webhook_deliver(event_id=event.id) == "pending"
    attempt = _attempt(event)
    assert attempt.status_code is None
    assert attempt.error.startswith("refused:") and "non-public address" in attempt.error
    assert receiver.received == []  # nothing was sent


@pytest.mark.parametrize(
    "address", ["10.1.2.3", "169.254.169.254", "192.168.0.10", "100.64.0.1", "240.0.0.1", "[::1]"]
)
def test_private_link_local_and_reserved_addresses_are_refused(address):
    event = _event(f"http://{address}/hooks")
    webhooks.webhook_deliver(event_id=event.id)
    assert "non-public address" in _attempt(event).error


def test_a_redirect_to_an_internal_address_is_not_followed(settings):
    settings.VETTING_WEBHOOK_ALLOW_PRIVATE = True  # to reach the local receiver at all
    internal = Receiver()  # stands for the metadata service or an internal host
    hits: list[str] = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", internal.url)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        event = _event(f"http://127.0.0.1:{server.server_address[1]}/hooks")
        assert webhooks.webhook_deliver(event_id=event.id) == "pending"  # retried later
    finally:
        server.shutdown()
        internal.server.shutdown()
    assert hits == ["/hooks"]
    assert internal.received == []  # neither the body nor the signature went on
    attempt = _attempt(event)
    assert attempt.status_code == 302 and "redirects are not followed" in attempt.error


def test_http_is_refused_without_debug(settings, receiver):
    settings.DEBUG = False
    settings.VETTING_WEBHOOK_ALLOW_PRIVATE = True
    event = _event(receiver.url)
    webhooks.webhook_deliver(event_id=event.id)
    assert "must be https://" in _attempt(event).error
    assert receiver.received == []
    with pytest.raises(CommandError, match="must be https"):
        call_command("create_api_client", "plain", "--webhook-url", "http://ats.example/h")


def test_a_slow_receiver_is_cut_off_at_the_deadline(settings):
    settings.VETTING_WEBHOOK_ALLOW_PRIVATE = True
    settings.VETTING_WEBHOOK_DEADLINE_SECONDS = 1

    class Trickling(BaseHTTPRequestHandler):
        def do_POST(self):  # a byte every 0.2 s: no single read ever times out
            for ch in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 40:
                self.wfile.write(bytes([ch]))
                self.wfile.flush()
                time.sleep(0.2)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        event = _event(f"http://127.0.0.1:{server.server_address[1]}/hooks")
        assert webhooks.webhook_deliver(event_id=event.id) == "pending"
    finally:
        server.shutdown()
    attempt = _attempt(event)
    assert attempt.status_code is None
    assert attempt.duration_ms < 5000  # the trickle alone would take 10 s


def test_a_deactivated_client_gets_no_webhooks(receiver, settings):
    settings.VETTING_WEBHOOK_ALLOW_PRIVATE = True
    event = _event(receiver.url)
    event.client.is_active = False
    event.client.save(update_fields=["is_active"])
    assert webhooks.webhook_deliver(event_id=event.id) == "failed"  # pending one: dropped
    assert receiver.received == []
    assert not WebhookAttempt.objects.filter(event=event).exists()
    assert (
        webhooks.webhook_event_create(
            client=event.client, type="review.updated", trigger="manual", data={}, candidate_id=None
        )
        is None
    )
    assert WebhookEvent.objects.count() == 1
