"""Monitors against the real sandbox with the real journeys.

Alerts travel through apprise's ``json://`` channel to a local HTTP receiver; faults are
injected through the sandbox's admin API. Every account is fresh (a TOTP step is usable once
per account, so reusing one would make a probe wait for the next step).
"""

from __future__ import annotations

import json
import time

import pytest

from authenticator import Vault
from monitors.alerts import cause_words
from monitors.chromium import WarmBrowser
from monitors.config import load
from monitors.history import History
from monitors.journeys import Binder
from monitors.probe import Prober
from monitors.results_allure import AllureWriter
from sandbox import running_sandbox
from tests.fixtures.accounts import TestAccount, new_cip, seed_enrolled
from tests.fixtures.monitoring import receiver, write_config

pytestmark = pytest.mark.integration
# The sandbox's outage answers 503 like a reverse proxy whose portal is down: an HTTP error
# status; "unreachable" is kept for no answer at all (test_portal_down_is_unreachable).
OUTAGE_CAUSE = "http_error"
PASSWORD = "Correct-Horse-Batt1"  # 14 to 20 characters, as the seed requires


@pytest.fixture(scope="module")
def portal():
    """This module's own sandbox (faults injected here must not leak into other modules)."""
    with running_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def warm_browser():
    warm = WarmBrowser()
    yield warm
    warm.close()
    assert warm.processes() == []


@pytest.fixture
def hook():
    with receiver() as box:
        yield box


@pytest.fixture
def make(tmp_path, monkeypatch, warm_browser, hook):
    """Build a prober for one monitor on a fresh account of ``target`` (default: portal)."""
    monkeypatch.setenv("EESPRESSO_E2E_PASSWORD", PASSWORD)
    probers = []

    def build(target, *, enrolled=True, password_env="EESPRESSO_E2E_PASSWORD", thresholds=None,
              journey="later_login", verify_tls=True, allure=False, n=2, base_url=None,
              **variants):  # fmt: skip
        cip = new_cip("MON")
        vault = Vault(tmp_path / "vault")
        created = target.admin.create_account(cip, PASSWORD, enrolled=enrolled, **variants)
        if enrolled:  # what `python -m monitors enroll` does once, without the browser
            seed_enrolled(vault, TestAccount(base_url or target.url, cip, PASSWORD), created)
        monitor = {"id": f"m-{cip.lower()}", "target": "portal", "account": "probe",
                   "journey": journey, "every": "1m", "timeout": "60s"}  # fmt: skip
        if thresholds:
            monitor["thresholds"] = thresholds
        path = write_config(
            tmp_path / f"{cip}.toml",
            {
                "targets.portal": {"base_url": base_url or target.url, "verify_tls": verify_tls},
                "accounts.probe": {"cip": cip, "password_env": password_env, "vault": "vault"},
                "alerts": {
                    "failures_before_alert": n,
                    "reminder_every": "1h",
                    "channels": [f"json://127.0.0.1:{hook.port}/hook"],
                },
            },  # fmt: skip
            [monitor],
            history=f"{cip}.sqlite",
            language="en",  # the French alerts are tested in test_monitor_alert_screens.py
            **({"allure_results": "allure"} if allure else {}),
        )
        config = load(path)
        writer = AllureWriter(config.allure_results) if config.allure_results else None
        prober = Prober(config, History(config.history), warm_browser, Binder(), allure=writer)
        probers.append(prober)
        return prober, config.monitors[0]

    yield build
    for prober in probers:
        prober.history.close()


def assert_no_secret(prober: Prober, bodies: list[dict], *secrets: str) -> None:
    """Passwords never reach the history file, the alerts or the metrics (DESIGN "Secrets")."""
    from prometheus_client import generate_latest

    folder = prober.config.history.parent
    stored = b"".join(p.read_bytes() for p in folder.glob(prober.config.history.name + "*")
                      if p.is_file())  # fmt: skip
    exposed = json.dumps(bodies).encode() + generate_latest(prober.metrics.registry)
    for secret in secrets:
        assert secret.encode() not in stored + exposed


def statuses(bodies: list[dict]) -> list[str]:
    return [body["type"] for body in bodies]


def test_outage_of_five_probes_gives_one_alert_and_one_recovery(portal, make, hook):
    prober, monitor = make(portal)
    portal.admin.set_faults(outage=True)
    try:
        causes = [prober.probe(monitor).record.cause for _ in range(5)]
    finally:
        portal.admin.clear_faults()
    assert causes == [OUTAGE_CAUSE] * 5
    assert prober.probe(monitor).record.status == "ok"
    bodies = hook.wait_for(lambda b: len(b) >= 2, timeout=15)
    assert statuses(bodies) == ["failure", "success"]
    assert f"Monitor: {monitor.id}" in bodies[0]["message"]
    assert cause_words(OUTAGE_CAUSE) in bodies[0]["message"]
    assert "HTTP 503" in bodies[0]["message"]  # the journey's last error, in the alert
    assert "Failed step: " in bodies[0]["message"] and "Failed step: -" not in bodies[0]["message"]
    assert "RECOVERED" in bodies[1]["title"]
    assert_no_secret(prober, bodies, PASSWORD)


def test_one_transient_failure_raises_no_alert(portal, make, hook):
    prober, monitor = make(portal)
    portal.admin.set_faults(error_500=["/"])
    try:
        assert prober.probe(monitor).record.cause == "http_error"
    finally:
        portal.admin.clear_faults()
    assert prober.probe(monitor).record.status == "ok"
    assert hook.wait_for(lambda b: len(b) > 0, timeout=2) == []


def test_wrong_password_pauses_the_monitor_before_any_lockout(portal, make, hook, monkeypatch):
    monkeypatch.setenv("EESPRESSO_WRONG_PASSWORD", "Wrong-Horse-Battery9")
    prober, monitor = make(portal, password_env="EESPRESSO_WRONG_PASSWORD")
    outcomes = [prober.probe(monitor) for _ in range(4)]
    assert [o.record.cause if o.record else "skipped" for o in outcomes] == [
        "credentials_rejected", "credentials_rejected", "skipped", "skipped"]  # fmt: skip
    assert "paused to protect the account from lockout" in outcomes[2].skipped
    events = [e["event"] for e in portal.admin.audit(monitor.account.cip)]
    assert events == ["password_rejected", "password_rejected"]  # < 5: never locked
    assert not portal.admin.account(monitor.account.cip)["locked"]
    bodies = hook.wait_for(lambda b: len(b) >= 1, timeout=15)
    assert_no_secret(prober, bodies, "Wrong-Horse-Battery9", PASSWORD)
    assert len(bodies) == 1 and "paused to protect the account from lockout" in bodies[0][
        "message"].lower()  # fmt: skip


def test_missing_enrollment_is_reported_not_performed(portal, make):
    prober, monitor = make(portal, enrolled=False)
    record = prober.probe(monitor).record
    assert record.cause == "not_enrolled"
    assert "python -m monitors enroll --base-url" in record.error
    assert portal.admin.audit(monitor.account.cip) == []  # the portal was not even asked
    assert not portal.admin.account(monitor.account.cip)["enrolled"]


FAULTS = {
    "outage": ({"outage": True}, {}, "failed", OUTAGE_CAUSE),
    "500s": ({"error_500": ["/"]}, {}, "failed", "http_error"),
    "latency": ({"latency": {"/": 1.5}}, {"max_ms": 1000}, "failed", "slow"),
    "degraded": ({"latency": {"/": 0.6}}, {"degraded_ms": 400, "max_ms": 20000}, "degraded",
                 "slow"),
    "clock offset": ({"clock_offset": 300}, {}, "failed", "clock_skew"),
}  # fmt: skip


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_matrix(portal, make, fault):
    faults, thresholds, status, cause = FAULTS[fault]
    prober, monitor = make(portal, thresholds=thresholds or None)
    portal.admin.set_faults(**faults)
    try:
        record = prober.probe(monitor).record
    finally:
        portal.admin.clear_faults()
    assert (record.status, record.cause) == (status, cause), record.error


def test_portal_down_is_unreachable(make, portal):
    """Nothing listening at all (connection refused): the one cause that is surely unreachable."""
    from tests.fixtures.monitoring import free_port

    prober, monitor = make(portal, base_url=f"http://127.0.0.1:{free_port()}")
    record = prober.probe(monitor).record
    assert (record.status, record.cause) == ("failed", "unreachable"), record.error


def test_expired_enrollment(portal, make):
    prober, monitor = make(portal)
    portal.admin.reset_enrollment(monitor.account.cip)  # the portal wants a new QR scan
    record = prober.probe(monitor).record
    assert (record.status, record.cause) == ("failed", "unexpected_page")
    assert "enroll" in record.error


def test_lockout(make, monkeypatch):
    """A portal locking after one failure: the next probe, with the right password, says so."""
    monkeypatch.setenv("EESPRESSO_CHANGING_PASSWORD", "Wrong-Horse-Battery9")
    with running_sandbox({"LOCKOUT_THRESHOLD": 1}) as strict:
        prober, monitor = make(strict, password_env="EESPRESSO_CHANGING_PASSWORD")
        first = prober.probe(monitor).record
        monkeypatch.setenv("EESPRESSO_CHANGING_PASSWORD", PASSWORD)  # read at each probe
        second = prober.probe(monitor).record
        assert strict.admin.account(monitor.account.cip)["locked"]
    assert first.cause in ("credentials_rejected", "locked_out")
    assert (second.status, second.cause) == ("failed", "locked_out"), second.error


def test_changed_wording_variant_still_passes(portal, make):
    prober, monitor = make(portal, wording="alt", layout="two-page")
    record = prober.probe(monitor).record
    assert (record.status, record.cause) == ("ok", None), record.error


@pytest.mark.parametrize(("days", "status"), [(20, "degraded"), (3, "failed")])
def test_tls_expiry_of_an_https_target(make, days, status):
    with running_sandbox(tls_days=days) as tls_sandbox:
        prober, monitor = make(tls_sandbox, verify_tls=False)
        record = prober.probe(monitor).record
    assert (record.status, record.cause) == (status, "tls_expiring"), record.error
    labels = prober.metrics.labels(monitor.id, monitor.target.base_url)
    not_after = prober.metrics.registry.get_sample_value("probe_ssl_earliest_cert_expiry", labels)
    assert (not_after - time.time()) / 86400 == pytest.approx(days, abs=1.1)  # a Unix time
    expires_at = prober.history.expiries(monitor.id)["tls"]  # for the status page
    assert (expires_at - record.started_at) / 86400 == pytest.approx(days, abs=1.1)


def test_allure_result_per_probe(portal, make):
    prober, monitor = make(portal, allure=True)
    prober.probe(monitor)
    portal.admin.set_faults(outage=True)
    try:
        prober.probe(monitor)
    finally:
        portal.admin.clear_faults()
    folder = prober.config.allure_results
    results = sorted((json.loads(p.read_text()) for p in folder.glob("*-result.json")),
                     key=lambda r: r["start"])  # fmt: skip
    assert [r["status"] for r in results] == ["passed", "failed"]
    assert [s["name"] for s in results[0]["steps"]][0].startswith("Étape 1")
    labels = {(label["name"], label["value"]) for label in results[1]["labels"]}
    cause = prober.history.probes(monitor.id)[-1].cause
    assert ("story", "later login") in labels and ("cause", cause) in labels
    assert results[1]["statusDetails"]["message"].startswith(f"{cause}: ")
    text = "".join(p.read_text() for p in folder.iterdir())
    assert PASSWORD not in text
