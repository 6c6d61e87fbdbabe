"""A local webhook receiver for the webhook tests. The fixtures built on it (`receiver`,
`hooked`, `loopback_webhooks`) are in tests/conftest.py."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WEBHOOK_SECRET = "whsec_test_secret"


class Receiver:
    """Collects POSTs; answers each with the next status code in `codes` (then 200)."""

    def __init__(self):
        self.received: list[dict] = []
        self.codes: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.codes.pop(0) if receiver.codes else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/vetting"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
