"""Prometheus exposition under the blackbox / Synthetic Monitoring names, and the TLS expiry
check against a real TLS server."""

from __future__ import annotations

import datetime as dt
import re
import socket
import ssl
import threading
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from monitors import tls
from monitors.config import default_probe_name
from monitors.metrics import ProbeMetrics, public_url
from tests.fixtures.monitoring import probe_record


def samples(text: str) -> dict[tuple, float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def scrape(metrics: ProbeMetrics) -> dict[tuple, float]:
    port = metrics.serve(0)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return samples(response.read().decode())


def test_conventional_names_and_labels_on_the_metrics_endpoint():
    metrics = ProbeMetrics("chus-interne")
    ok = probe_record(started_at=1000.0, duration_ms=900.0, steps={"open": 300.0, "login": 600.0},
                      code_wait_ms=12_000.0)  # fmt: skip
    bad = probe_record(started_at=2000.0, status="failed", cause="code_rejected", duration_ms=250.0)
    ok.expiries = {"tls": 1_900_000_000.0, "password": 1_800_000_000.0}
    metrics.observe(ok, "http://t")
    metrics.observe(bad, "http://t")
    metrics.observe(bad, "http://t")
    metrics.set_paused("m", "http://t", True)
    metrics.observe_upcheck("m", "http://t", False, 0.02, 503)
    got = scrape(metrics)
    labels = (("monitor", "m"), ("probe", "chus-interne"), ("target", "http://t"))
    assert got[("probe_success", labels)] == 0
    assert got[("probe_duration_seconds", labels)] == pytest.approx(0.25)  # the last probe's
    assert got[("probe_all_success_sum", labels)] == 1  # 1 of 3 probes passed
    assert got[("probe_all_success_count", labels)] == 3
    assert got[("probe_all_duration_seconds_count", labels)] == 3
    assert got[("probe_all_duration_seconds_bucket", (("le", "1.0"), *labels))] == 3
    assert got[("probe_last_success_timestamp_seconds", labels)] == pytest.approx(1000.9)
    assert got[("probe_failures_total", (("cause", "code_rejected"), *labels))] == 2
    step = (("monitor", "m"), ("probe", "chus-interne"), ("step", "open"), ("target", "http://t"))
    assert got[("probe_step_duration_seconds", step)] == pytest.approx(0.3)
    assert got[("probe_totp_wait_seconds", labels)] == 0  # the last probe did not wait
    assert got[("probe_ssl_earliest_cert_expiry", labels)] == 1_900_000_000
    assert got[("probe_password_expiry_timestamp_seconds", labels)] == 1_800_000_000
    assert got[("probe_account_paused", labels)] == 1
    assert got[("probe_upcheck_success", labels)] == 0
    assert got[("probe_http_status_code", labels)] == 503
    assert not [name for name, _ in got if name.startswith("eespresso_")]


def test_target_label_never_carries_credentials():
    metrics = ProbeMetrics("site-b")
    url = "https://ops:S3cret-Value@portal.example:8443/acces?token=abc#top"
    metrics.observe(probe_record(target=url, duration_ms=5.0), url)
    text = generate_latest(metrics.registry).decode()
    assert "S3cret-Value" not in text and "ops:" not in text and "token" not in text
    assert 'target="https://portal.example:8443/acces"' in text


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://ops:pw@portal.example/", "https://portal.example/"),
        ("https://portal.example:8443/a?token=x#f", "https://portal.example:8443/a"),
        ("http://[::1]:8080/", "http://[::1]:8080/"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_public_url_drops_credentials_query_and_fragment(url, shown):
    assert public_url(url) == shown


def test_default_location_is_the_host_name_made_label_safe():
    assert ProbeMetrics().probe == default_probe_name()
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}", default_probe_name())


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
