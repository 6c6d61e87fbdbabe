"""One webhook POST, as the contract allows it: `https://` only (plain `http://` only with
DEBUG), never to a loopback, private, link-local or reserved address unless
`VETTING_WEBHOOK_ALLOW_PRIVATE` is on, no redirects, and an overall deadline.

The host name is resolved once, every address is checked, and the connection goes to a checked
address (TLS still verifies the certificate for the name), so a DNS answer that changes between
the check and the connection cannot steer the worker inside the network. A watchdog closes the
socket at the deadline, so a receiver trickling bytes cannot hold a worker slot.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings


class Refused(Exception):
    """The destination is not allowed; nothing was sent."""


def url_problem(url: str) -> str | None:
    """Why `url` may not receive webhooks (scheme and shape only: no DNS), or None."""
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.DEBUG else ("https",)
    if parts.scheme not in allowed:
        return "webhook URLs must be https://" + (
            " (or http:// with DEBUG)" if settings.DEBUG else ""
        )
    if not parts.hostname:
        return "webhook URL has no host"
    if parts.username or parts.password:
        return "webhook URL must not carry credentials"
    return None


def post(url: str, *, body: bytes, headers: dict[str, str]) -> int:
    """POST `body`; return the status code (3xx included: redirects are not followed)."""
    problem = url_problem(url)
    if problem:
        raise Refused(problem)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    deadline = time.monotonic() + settings.VETTING_WEBHOOK_DEADLINE_SECONDS
    address = _checked_address(host, port)
    sock = socket.create_connection((address, port), timeout=_left(deadline))
    watchdog = threading.Timer(_left(deadline), _close, args=(sock,))
    watchdog.start()
    try:
        if parts.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            watchdog.args = (sock,)
        kind = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = kind(host, port, timeout=_left(deadline))
        connection.sock = sock
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # a bounded read of whatever the receiver says
        return response.status
    finally:
        watchdog.cancel()
        _close(sock)


def _checked_address(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve {host}: {exc}") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not settings.VETTING_WEBHOOK_ALLOW_PRIVATE:
        for address in addresses:
            if not _public(address):
                raise Refused(f"{host} resolves to a non-public address ({address})")
    return addresses[0]


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global is False for loopback, private, link-local, shared (100.64/10) and reserved
    # ranges; multicast can be "global" but is never a webhook receiver.
    return ip.is_global and not ip.is_multicast


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("webhook delivery deadline passed")
    return left


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
