"""TLS certificate expiry of https targets.

The certificate is fetched without verifying it: a self-signed or privately signed portal
certificate still has an expiry date ops must hear about, and whether the browser trusts it
is the journey's business (``verify_tls`` in the config).
"""

from __future__ import annotations

import socket
import ssl
from datetime import UTC, datetime
from urllib.parse import urlsplit

from cryptography import x509

from monitors.history import Status

WARN_DAYS = 30
CRITICAL_DAYS = 7


def seconds_left(base_url: str, *, timeout: float = 10.0, now: datetime | None = None) -> float:
    """Seconds until the server certificate's notAfter (negative once expired)."""
    return not_after(base_url, timeout=timeout) - (now or datetime.now(UTC)).timestamp()


def not_after(base_url: str, *, timeout: float = 10.0) -> float:
    """The server certificate's notAfter as Unix time (what ``probe_ssl_earliest_cert_expiry``
    reports); ``OSError`` when the server cannot be reached or speaks no TLS."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "", parts.port or 443
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((host, port), timeout=timeout) as sock,
        context.wrap_socket(sock, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    cert = x509.load_der_x509_certificate(der)
    return cert.not_valid_after_utc.timestamp()


def grade(seconds: float) -> Status:
    """``ok``, ``degraded`` (under 30 days) or ``failed`` (under 7 days)."""
    days = seconds / 86400
    if days < CRITICAL_DAYS:
        return Status.FAILED
    return Status.DEGRADED if days < WARN_DAYS else Status.OK
