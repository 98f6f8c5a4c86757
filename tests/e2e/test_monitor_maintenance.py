"""Maintenance windows and checks after login, on the real sandbox with the real journeys.

A real ``Prober`` runs ``later_login`` in a warm Chromium against this module's own sandbox;
alerts travel through apprise's ``json://`` channel to a local HTTP receiver, windows are
opened and ended with the command line, and ``/metrics`` and ``/status`` are read over HTTP
from the runner's own server. Every probe uses a fresh account (a TOTP step is usable once).
"""

from __future__ import annotations

import urllib.request

import pytest

from authenticator import Vault
from bench.support.accounts import new_cip
from bench.support.monitoring import receiver, write_config
from monitors.__main__ import main
from monitors.alerts import cause_words
from monitors.config_file import load
from monitors.history import History
from monitors.journeys import Binder
from monitors.probe import Prober
from monitors.status import summarise
from monitors.status_page import render_page
from monitors.web import CachedPage
from sandbox import running_sandbox
from tests.fixtures.accounts import TestAccount, seed_enrolled

pytestmark = pytest.mark.integration
PASSWORD = "Correct-Horse-Batt1"
PAGES = [
    {"id": "paie", "link": "talons de paie", "expect": "^mes talons de paie$", "timeout": "10s"},
    {"id": "dossier", "link": "mon dossier", "expect": "^mon dossier$", "timeout": "10s"},
]


@pytest.fixture(scope="module")
def portal():
    """This module's own sandbox: the faults injected here must not reach other modules."""
    with running_sandbox() as running:
        yield running


@pytest.fixture
def hook():
    with receiver() as box:
        yield box


@pytest.fixture
def make(tmp_path, monkeypatch, portal, warm_browser, hook):
    """A prober of one monitor on a fresh enrolled account; its config file's path."""
    monkeypatch.setenv("EESPRESSO_E2E_PASSWORD", PASSWORD)
    probers = []

    def build(*, n: int = 2, after_login: list[dict] | None = None):
        cip = new_cip("MNT")
        created = portal.admin.create_account(cip, PASSWORD, enrolled=True)
        seed_enrolled(Vault(tmp_path / "vault"), TestAccount(portal.url, cip, PASSWORD), created)
        monitor = {"id": f"m-{cip.lower()}", "target": "portal", "account": "probe",
                   "every": "1m", "timeout": "60s"}  # fmt: skip
        path = write_config(
            tmp_path / f"{cip}.toml",
            {
                "targets.portal": {"base_url": portal.url},
                "accounts.probe": {
                    "cip": cip,
                    "password_env": "EESPRESSO_E2E_PASSWORD",
                    "vault": "vault",
                },
                "alerts": {
                    "failures_before_alert": n,
                    "channels": [f"json://127.0.0.1:{hook.port}/hook"],
                },
            },  # fmt: skip
            [monitor],
            history=f"{cip}.sqlite",
            language="en",
        )
        if after_login:  # array-of-tables under the monitor: [[monitors.after_login]]
            with path.open("a", encoding="utf-8") as file:
                for check in after_login:
                    file.write("[[monitors.after_login]]\n")
                    file.writelines(f'{key} = "{value}"\n' for key, value in check.items())
        config = load(path)
        prober = Prober(config, History(config.history), warm_browser, Binder())
        probers.append(prober)
        return prober, config.monitors[0], str(path)

    yield build
    for prober in probers:
        prober.history.close()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read().decode()


def maintenance(*argv: str) -> None:
    assert main(["maintenance", *argv]) == 0


def test_a_failing_probe_inside_a_window_alerts_nobody_and_after_it_alerts_at_once(
    portal, make, hook
):
    prober, monitor, config = make(n=3)
    # The runner's /status, rendered afresh for each request (the runner caches it).
    page = CachedPage(lambda: render_page(summarise(prober.config)), max_age=0, min_age=0)
    base = f"http://127.0.0.1:{prober.metrics.serve(0, status_page=page)}"
    maintenance("start", "--for", "1h", "--reason", "eEspresso 26.4 release",
                "--monitor", monitor.id, "--config", config)  # fmt: skip
    assert f'probe_maintenance{{monitor="{monitor.id}"' in fetch(base + "/metrics")
    portal.admin.set_faults(outage=True)
    try:
        inside = [prober.probe(monitor).record for _ in range(3)]
        assert [(r.status, r.cause, r.maintenance) for r in inside] == [
            ("failed", "http_error", True)
        ] * 3
        metrics = fetch(base + "/metrics")
        assert any(line.startswith(f'probe_maintenance{{monitor="{monitor.id}"')
                   and line.endswith(" 1.0") for line in metrics.splitlines())  # fmt: skip
        status = fetch(base + "/status")
        assert "In maintenance until" in status and "eEspresso 26.4 release" in status
        assert "in maintenance, not in uptime" in status
        assert hook.wait_for(lambda b: len(b) > 0, timeout=2) == []  # nobody paged
        maintenance("end", "--monitor", monitor.id, "--config", config)
        after = prober.probe(monitor)  # the deployment overran: still down
    finally:
        portal.admin.clear_faults()
    assert after.record.cause == "http_error" and not after.record.maintenance
    assert [n.kind for n in after.notices] == ["alert"]  # at once, not after 3 more failures
    bodies = hook.wait_for(lambda b: len(b) >= 1, timeout=15)
    assert len(bodies) == 1 and bodies[0]["type"] == "failure"
    assert cause_words("http_error") in bodies[0]["message"]
    assert "(4 failed probes)" in bodies[0]["message"]  # since the window's first failure
    metrics = fetch(base + "/metrics")
    assert any(line.startswith(f'probe_maintenance{{monitor="{monitor.id}"')
               and line.endswith(" 0.0") for line in metrics.splitlines())  # fmt: skip
    assert "In maintenance until" not in fetch(base + "/status")


def test_pages_after_login_pass_as_timed_steps(portal, make):
    prober, monitor, _ = make(after_login=PAGES)
    record = prober.probe(monitor).record
    assert record.status == "ok", record.error
    steps = ["open", "login", "code", "home", "app.paie", "app.dossier", "logout"]
    assert list(record.steps) == steps
    assert all(ms > 0 for ms in record.steps.values())
    assert portal.admin.open_sessions(monitor.account.cip) == 0


def test_a_broken_page_after_login_fails_with_its_own_cause_and_alert(portal, make, hook):
    prober, monitor, _ = make(n=1, after_login=PAGES)
    portal.admin.set_faults(broken_pages=["/talons-de-paie"])
    try:
        outcome = prober.probe(monitor)
    finally:
        portal.admin.clear_faults()
    record = outcome.record
    assert (record.status, record.cause) == ("failed", "app_check_failed"), record.error
    assert record.failed_step == "Page après la connexion : « talons de paie »"
    assert "page « talons de paie » (paie)" in record.error
    assert "« Service temporairement indisponible »" in record.error  # the page's heading
    assert "« ^mes talons de paie$ » not shown within 10 s" in record.error
    assert list(record.steps) == ["open", "login", "code", "home", "app.paie", "logout"]
    assert portal.admin.open_sessions(monitor.account.cip) == 0  # logged out all the same
    bodies = hook.wait_for(lambda b: len(b) >= 1, timeout=15)
    assert "Application page failing" in bodies[0]["title"]
    assert "Service temporairement indisponible" in bodies[0]["message"]
    assert "failure-app.paie.png" in bodies[0]["message"]  # the broken page's masked screen
    kept = {p.name for p in prober.screens.folder.rglob("*.png")}
    assert "home.png" in kept and "app.paie.png" not in kept  # a failure is no last success
