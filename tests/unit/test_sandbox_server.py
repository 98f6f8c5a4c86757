"""The sandbox on real loopback sockets: running_sandbox, HTTPS, the CLI, concurrency."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar

import pyotp
import pytest
from cryptography import x509

from sandbox import running_sandbox
from sandbox.client import AdminClient, AdminError

PASSWORD = "Motdepasse-2024!"


def fetch(url: str, context: ssl.SSLContext | None = None):
    with urllib.request.urlopen(url, timeout=10, context=context) as response:
        return response.status, response.headers, response.read().decode()


def test_running_sandbox_serves_the_login_page_many_times_in_one_process():
    ports = set()
    for _ in range(5):
        with running_sandbox() as sandbox:
            assert sandbox.url.startswith("http://127.0.0.1:") and not sandbox.url.endswith("/")
            status, headers, body = fetch(sandbox.url + "/")
            assert status == 200 and "CONNEXION" in body
            assert len(headers.get_all("Date")) == 1
            ports.add(sandbox.url)
        with pytest.raises(urllib.error.URLError):
            fetch(sandbox.url + "/")  # stopped: the port no longer answers
    assert len(ports) >= 2


def test_admin_client_round_trip_and_401_with_a_wrong_token():
    with running_sandbox({"WORDING": "alt"}) as sandbox:
        state = sandbox.admin.create_account("gagnon02", PASSWORD, qr="svg", digits=8)
        assert state["qr"] == "svg" and state["digits"] == 8 and state["wording"] == "alt"
        assert sandbox.admin.account("gagnon02")["enrolled"] is False
        assert "admin_token" not in repr(sandbox) and sandbox.admin_token not in repr(sandbox.admin)
        with pytest.raises(AdminError) as error:
            AdminClient(sandbox.url, "not-the-token").account("gagnon02")
        assert error.value.status == 401


class Browserless:
    """A cookie-keeping urllib opener that fills the portal's forms over the socket."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.csrf = ""

    def open(self, path: str, form: dict[str, str] | None = None) -> str:
        data = None
        if form is not None:
            data = urllib.parse.urlencode({"csrf_token": self.csrf, **form}).encode()
        with self.opener.open(self.url + path, data=data, timeout=10) as response:
            body = response.read().decode()
        if 'name="csrf_token" value="' in body:
            self.csrf = body.split('name="csrf_token" value="')[1].split('"')[0]
        return body


def test_concurrent_full_logins_over_the_socket_all_succeed():
    with running_sandbox() as sandbox:
        secrets = {}
        for i in range(8):
            cip = f"user{i:02d}"
            secrets[cip] = sandbox.admin.create_account(cip, PASSWORD, enrolled=True)["secret"]
        failures: list[str] = []

        def login(cip: str) -> None:
            browser = Browserless(sandbox.url)
            browser.open("/")
            browser.open("/connexion", {"cip": cip, "password": PASSWORD})
            body = browser.open("/verification", {"code": pyotp.TOTP(secrets[cip]).now()})
            if "Bienvenue dans eEspresso" not in body:
                failures.append(cip)

        threads = [threading.Thread(target=login, args=(cip,)) for cip in secrets]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert failures == []
        events = [e["event"] for e in sandbox.admin.audit()]
        assert events.count("login_ok") == 8


def test_tls_mode_serves_https_with_a_certificate_of_the_chosen_validity():
    with running_sandbox(tls_days=3) as sandbox:
        assert sandbox.url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=str(sandbox.cert_file))
        status, headers, body = fetch(sandbox.url + "/", context)
        assert status == 200 and "CONNEXION" in body
        assert "Secure" in headers["Set-Cookie"] and len(headers.get_all("Date")) == 1
        cert = x509.load_pem_x509_certificate(sandbox.cert_file.read_bytes())
        expected = datetime.now(UTC) + timedelta(days=3)
        assert abs(cert.not_valid_after_utc - expected) < timedelta(minutes=5)
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
            fetch(sandbox.url + "/", ssl.create_default_context())
        assert sandbox.admin.create_account("roy03", PASSWORD)["cip"] == "roy03"


def test_tls_mode_keeps_serving_while_a_client_stalls_in_the_handshake():
    with running_sandbox(tls_days=1) as sandbox:
        port = int(sandbox.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as stalled:
            stalled.sendall(b"")  # connected, never says hello
            context = ssl.create_default_context(cafile=str(sandbox.cert_file))
            assert fetch(sandbox.url + "/", context)[0] == 200


def test_date_header_follows_the_injected_clock_offset():
    with running_sandbox() as sandbox:
        sandbox.admin.set_faults(clock_offset=3600)
        _, headers, _ = fetch(sandbox.url + "/")
        served = parsedate_to_datetime(headers["Date"])
        skew = (served - datetime.now(UTC)).total_seconds()
        assert 3590 < skew < 3610


def test_cli_serve_port_0_prints_url_token_and_a_working_demo_account():
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "serve", "--port", "0", "--demo-account"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split()[-1].rstrip("/")
        token = process.stdout.readline().split()[-1]
        demo = process.stdout.readline().split()
        assert url.startswith("http://127.0.0.1:") and len(token) >= 16
        cip, password = demo[3], demo[-1]
        browser = Browserless(url)
        assert "CONNEXION" in browser.open("/")
        body = browser.open("/connexion", {"cip": cip, "password": password})
        assert "Code sur votre appareil mobile" in body
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_cli_rejects_a_negative_certificate_validity_with_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "serve", "--port", "0", "--tls", "--cert-days", "-1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --cert-days must be 0 or more"


def test_starting_and_stopping_leaves_no_thread_or_port_behind():
    with running_sandbox():
        pass  # first start imports and warms up
    before = threading.active_count()
    for _ in range(10):
        with running_sandbox() as sandbox:
            fetch(sandbox.url + "/")
    assert threading.active_count() == before
    port = int(sandbox.url.rsplit(":", 1)[1])
    with socket.socket() as probe:
        # SO_REUSEADDR ignores TIME_WAIT connections but not a socket still listening.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
        probe.listen()


def test_cli_tls_mode_prints_the_certificate_and_serves_https_with_variants():
    command = [sys.executable, "-m", "sandbox", "serve", "--port", "0", "--tls"]
    command += ["--cert-days", "5", "--wording", "alt", "--digits", "8", "--demo-account"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().split()[-1].rstrip("/")
        token = process.stdout.readline().split()[-1]
        cert_file = process.stdout.readline().split()[1]
        assert url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=cert_file)
        assert "Se connecter" in fetch(url + "/", context)[2]
        demo = AdminClient(url, token, cafile=cert_file).account("demo0001")
        assert demo["digits"] == 8 and demo["wording"] == "alt"
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_a_long_injected_latency_does_not_hold_the_shutdown():
    answers: list[int] = []
    with running_sandbox() as sandbox:
        sandbox.admin.set_faults(latency={"/": 100.0})
        core = sandbox.app.extensions["sandbox"]
        entered, pause = threading.Event(), core.pause
        core.pause = lambda seconds: (entered.set(), pause(seconds))  # observe, then sleep

        def slow_request() -> None:
            with urllib.request.urlopen(sandbox.url + "/", timeout=60) as response:
                answers.append(response.status)

        client = threading.Thread(target=slow_request)
        client.start()
        assert entered.wait(timeout=30)  # the request is inside the server, sleeping
    client.join(timeout=30)
    assert not client.is_alive()  # far less than the 100 s latency
    assert answers == [200]
