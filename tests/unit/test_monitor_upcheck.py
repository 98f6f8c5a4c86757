"""The credential-free up-check against real servers on loopback: the sandbox (HTTP and HTTPS,
its outage fault), a dead port, a server that never answers, a page that is not a login page;
then the confirm-then-alert state machine with real apprise delivery to a local receiver.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.support.monitoring import free_port, receiver, write_config
from monitors.alerts import Channels
from monitors.config import Target
from monitors.config_file import load
from monitors.history import History
from monitors.metrics import ProbeMetrics
from monitors.sinks import Sinks
from monitors.upcheck import UpState, UpWatch, check, has_login_form
from sandbox import running_sandbox


@pytest.fixture(scope="module")
def portal():
    with running_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def alt_portal():
    with running_sandbox({"WORDING": "alt"}) as running:
        yield running


def page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode()


def test_recognises_the_login_form_of_both_wordings(portal, alt_portal):
    assert has_login_form(page(portal.url + "/"))  # <button>CONNEXION</button>
    assert has_login_form(page(alt_portal.url + "/"))  # <input type=submit value="Se connecter">


@pytest.mark.parametrize(
    "html",
    [
        "<h1>Bienvenue dans eEspresso</h1>",
        '<form><input type="text" name="cip"><button>Connexion</button></form>',  # no password
        '<form><input type="password"><button>Déconnexion</button></form>',  # logout, not login
        '<input type="password"><form><button type="submit">Connexion</button></form>',
        '<form><input type="password"><button type="button">Connexion</button></form>',
    ],
)
def test_pages_that_are_not_the_login_form(html):
    assert not has_login_form(html)


def test_login_form_variants_the_contract_tolerates():
    assert has_login_form('<form><input type="PASSWORD"><button>Se connecter</button></form>')
    assert has_login_form('<form><input type=password><input type=submit value="CONNEXION">')


def test_portal_up(portal):
    found = check(Target("p", portal.url))
    assert (found.ok, found.status, found.cause) == (True, 200, None)
    assert 0 < found.seconds < 10


def test_portal_outage_is_an_http_error(portal):
    portal.admin.set_faults(outage=True)
    try:
        found = check(Target("p", portal.url))
    finally:
        portal.admin.clear_faults()
    assert (found.ok, found.status, found.cause) == (False, 503, "http_error")
    assert found.error == "HTTP 503 on the login page"


def test_dead_port_is_unreachable():
    found = check(Target("p", f"http://127.0.0.1:{free_port()}"))
    assert (found.ok, found.status, found.cause) == (False, 0, "unreachable")
    assert "refused" in found.error.lower()


def test_a_server_that_never_answers_is_unreachable_within_the_timeout():
    listener = socket.create_server(("127.0.0.1", 0))  # accepts (backlog), never answers
    try:
        started = time.monotonic()
        found = check(Target("p", f"http://127.0.0.1:{listener.getsockname()[1]}"), timeout=1)
    finally:
        listener.close()
    assert (found.ok, found.cause) == (False, "unreachable")
    assert time.monotonic() - started < 5


class NotLogin(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = "<html><body><h1>Maintenance planifiée</h1></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_page_without_the_login_form_is_unexpected():
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotLogin)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        found = check(Target("p", f"http://127.0.0.1:{server.server_address[1]}"))
    finally:
        server.shutdown()
        server.server_close()
    assert (found.ok, found.status, found.cause) == (False, 200, "unexpected_page")
    assert "no login form" in found.error


def test_https_portal_reports_its_certificate_expiry():
    with running_sandbox(tls_days=3) as tls_portal:
        found = check(Target("p", tls_portal.url, verify_tls=False))
        untrusted = check(Target("p", tls_portal.url, verify_tls=True))
    assert found.ok and found.not_after is not None
    assert (found.not_after - time.time()) / 86400 == pytest.approx(3, abs=0.01)
    assert (untrusted.ok, untrusted.cause) == (False, "tls_invalid")  # self-signed


def test_an_expired_certificate_is_its_own_cause():
    with running_sandbox(tls_days=0) as tls_portal:
        time.sleep(0.01)
        found = check(Target("p", tls_portal.url, verify_tls=False))
    assert (found.ok, found.cause) == (False, "tls_expired")


# -- confirm, then alert; recovery asks for a journey ----------------------------------------


class Watch:
    """An ``UpWatch`` driven one step at a time, with its sinks and what it asked for."""

    def __init__(self, tmp_path, url: str, hook) -> None:
        tables = {
            "targets.t": {"base_url": url},
            "accounts.a": {"cip": "C1", "password_env": "EESPRESSO_TEST_PASSWORD"},
            "alerts": {"channels": [f"json://127.0.0.1:{hook.port}/hook"]},
            "probe": {"name": "site-a"},
        }
        monitor = {"id": "portal", "target": "t", "account": "a", "every": "5m"}
        self.config = load(write_config(tmp_path / "monitors.toml", tables, [monitor],
                                        history="history.sqlite"))  # fmt: skip
        self.metrics = ProbeMetrics("site-a")
        self.asked: list[str] = []
        self.watch = UpWatch(self.config, self.metrics, self.asked.append, threading.Event())
        self.history = History(self.config.history)
        channels = Channels(self.config.alerts.channels)
        self.sinks = Sinks(self.config, self.history, self.metrics, channels)
        self.monitor = self.config.monitors[0]
        self.state = UpState(due=0.0)

    def step(self) -> None:
        self.watch.step(self.monitor, self.state, self.sinks)

    def sample(self, name: str) -> float | None:
        labels = self.metrics.labels("portal", self.monitor.target.base_url)
        return self.metrics.registry.get_sample_value(name, labels)


def test_a_failure_is_confirmed_once_then_alerted_and_recovery_runs_the_journey(tmp_path, portal):
    with receiver() as hook:
        watch = Watch(tmp_path, portal.url, hook)
        portal.admin.set_faults(outage=True)
        try:
            watch.step()  # first failure: nobody is told yet
            assert watch.state.first_failure is not None and not watch.state.down
            assert watch.state.due - time.time() == pytest.approx(5, abs=1)  # confirm in 5 s
            assert watch.history.probes("portal") == [] and hook.snapshot() == []
            assert watch.sample("probe_upcheck_success") == 0
            watch.step()  # the confirmation: the incident opens at once (N is 2 by default)
            bodies = hook.wait_for(lambda b: len(b) >= 1, timeout=10)
            watch.step()  # still down: no second alert, no second row
        finally:
            portal.admin.clear_faults()
        assert len(bodies) == 1 and bodies[0]["type"] == "failure"
        assert "portal" in bodies[0]["title"]
        rows = watch.history.probes("portal")
        assert [(r.journey, r.status, r.cause, r.cip, r.probe) for r in rows] == [
            ("upcheck", "failed", "http_error", "", "site-a")]  # fmt: skip
        assert watch.history.open_incident("portal").cause == "http_error"
        assert watch.sample("probe_success") == 0
        assert watch.sample("probe_http_status_code") == 503
        assert watch.asked == []
        watch.step()  # up again: the journey is asked for; its success will send the recovery
        assert watch.asked == ["portal"] and not watch.state.down
        assert watch.sample("probe_upcheck_success") == 1
        assert len(hook.snapshot()) == 1  # no recovery notice before a journey passed
        watch.history.close()


def test_a_transient_failure_alerts_nobody(tmp_path, portal):
    with receiver() as hook:
        watch = Watch(tmp_path, portal.url, hook)
        portal.admin.set_faults(outage=True)
        try:
            watch.step()
        finally:
            portal.admin.clear_faults()
        watch.step()  # the confirmation passes
        assert watch.state.first_failure is None and not watch.state.down
        assert watch.history.probes("portal") == [] and watch.asked == []
        time.sleep(0.5)
        assert hook.snapshot() == []
        watch.history.close()


def test_the_loop_thread_stops_when_asked(tmp_path, portal):
    with receiver() as hook:
        watch = Watch(tmp_path, portal.url, hook)
        watch.watch.start()
        deadline = time.monotonic() + 10
        while watch.sample("probe_upcheck_success") is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert watch.sample("probe_upcheck_success") == 1
        watch.watch.stop.set()
        watch.watch.join()
        assert not watch.watch.thread.is_alive()
        assert json.dumps(hook.snapshot()) == "[]"
        watch.history.close()
