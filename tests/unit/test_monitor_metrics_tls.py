"""Prometheus exposition of probe results, and the TLS expiry check against a real TLS server."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from prometheus_client.parser import text_string_to_metric_families

from monitors import tls
from monitors.metrics import ProbeMetrics
from tests.fixtures.monitoring import probe_record


def samples(text: str) -> dict[tuple, float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_served_on_metrics_endpoint():
    metrics = ProbeMetrics()
    ok = probe_record(started_at=1000.0, duration_ms=900.0, steps={"open": 300.0, "login": 600.0})
    bad = probe_record(started_at=2000.0, status="failed", cause="code_rejected")
    metrics.observe(ok, "http://t")
    metrics.observe(bad, "http://t")
    metrics.observe(bad, "http://t")
    port = metrics.serve(0)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        got = samples(response.read().decode())
    labels = (("monitor", "m"), ("target", "http://t"))
    assert got[("eespresso_probe_success", labels)] == 0
    assert got[("eespresso_last_success_timestamp_seconds", labels)] == pytest.approx(1000.9)
    assert got[("eespresso_probe_failures_total", (("cause", "code_rejected"), *labels))] == 2
    step = (("le", "0.5"), ("monitor", "m"), ("step", "open"), ("target", "http://t"))
    assert got[("eespresso_probe_duration_seconds_bucket", step)] == 1
    total = (("monitor", "m"), ("step", "total"), ("target", "http://t"))
    assert got[("eespresso_probe_duration_seconds_count", total)] == 3


def _certificate(tmp_path, days: float):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem = serialization.Encoding.PEM
    pkcs8, clear = serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    key_path.write_bytes(key.private_bytes(pem, pkcs8, clear))
    return cert_path, key_path


@pytest.mark.parametrize(("days", "level"), [(90, "ok"), (20, "degraded"), (3, "failed")])
def test_tls_expiry_against_a_real_tls_server(tmp_path, days, level):
    cert_path, key_path = _certificate(tmp_path, days)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve_one() -> None:
        conn, _ = listener.accept()
        try:
            with context.wrap_socket(conn, server_side=True):
                pass
        except (ssl.SSLError, OSError):
            pass

    thread = threading.Thread(target=serve_one, daemon=True)
    thread.start()
    try:
        left = tls.seconds_left(f"https://127.0.0.1:{port}/", timeout=5)
    finally:
        thread.join(timeout=5)
        listener.close()
    assert left / 86400 == pytest.approx(days, abs=0.01)
    assert tls.grade(left) == level
