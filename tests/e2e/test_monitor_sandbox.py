"""Monitors against the real sandbox with the real journeys.

Alerts travel through apprise's ``json://`` channel to a local HTTP receiver; faults are
injected through the sandbox's admin API. Every account is fresh (a TOTP step is usable once
per account, so reusing one would make a probe wait for the next step).
"""

from __future__ import annotations

import dataclasses
import json
import time
import zipfile

import pytest

from authenticator import Vault
from bench.support.accounts import new_cip
from bench.support.monitoring import receiver, write_config
from monitors.alerts import cause_words
from monitors.config_file import load
from monitors.history import History
from monitors.journeys import Binder
from monitors.probe import Prober
from monitors.results_allure import AllureWriter
from pages.profile import shipped
from sandbox import running_sandbox
from tests.fixtures.accounts import TestAccount, seed_enrolled
from tests.fixtures.prometheus import wait_until

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
              account_of=None, profile=None, **variants):  # fmt: skip
        """``account_of``: another config for the account of that monitor (nothing created);
        ``profile``: the target's portal profile file."""
        cip = account_of.account.cip if account_of else new_cip("MON")
        vault = Vault(tmp_path / "vault")
        if account_of is None:
            created = target.admin.create_account(cip, PASSWORD, enrolled=enrolled, **variants)
        if enrolled:  # what `python -m monitors enroll` does once, without the browser
            seed_enrolled(vault, TestAccount(base_url or target.url, cip, PASSWORD), created)
        monitor = {"id": f"m-{cip.lower()}", "target": "portal", "account": "probe",
                   "journey": journey, "every": "1m", "timeout": "60s"}  # fmt: skip
        if thresholds:
            monitor["thresholds"] = thresholds
        name = f"{cip}-{len(probers)}"
        path = write_config(
            tmp_path / f"{name}.toml",
            {
                "targets.portal": {
                    "base_url": base_url or target.url,
                    "verify_tls": verify_tls,
                    **({"profile": profile} if profile else {}),
                },
                "accounts.probe": {"cip": cip, "password_env": password_env, "vault": "vault"},
                "alerts": {
                    "failures_before_alert": n,
                    "reminder_every": "1h",
                    "channels": [f"json://127.0.0.1:{hook.port}/hook"],
                },
            },  # fmt: skip
            [monitor],
            history=f"{name}.sqlite",
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


def test_twenty_probes_leave_no_session_open(portal, make):
    """Every probe logs out: ten accounts probed twice each (in turn, so that no probe waits
    for its account's next TOTP step) keep no session open on the portal."""
    built = [make(portal) for _ in range(10)]
    records = [prober.probe(monitor).record for _ in range(2) for prober, monitor in built]
    assert [r.status for r in records] == ["ok"] * 20
    assert all("logout" in r.steps and r.warnings == [] for r in records)
    assert [portal.admin.open_sessions(m.account.cip) for _, m in built] == [0] * 10


def test_a_failed_logout_is_a_warning_not_a_failed_login(portal, make, hook):
    prober, monitor = make(portal, allure=True)
    portal.admin.set_faults(error_500=["/deconnexion"])
    try:
        record = prober.probe(monitor).record
    finally:
        portal.admin.clear_faults()
    assert record.status == "ok" and record.cause is None
    (warning,) = record.warnings
    assert warning["kind"] == "logout_failed" and "HTTP 500" in warning["text"]
    assert prober.history.probes(monitor.id)[-1].warnings == [warning]  # the history's column
    assert portal.admin.open_sessions(monitor.account.cip) == 1  # the session it could not end
    (result,) = [json.loads(p.read_text()) for p in prober.config.allure_results.glob("*.json")
                 if p.name.endswith("-result.json")]  # fmt: skip
    assert result["status"] == "passed"
    assert any(s["name"].startswith("Avis : la déconnexion") for s in result["steps"])
    assert hook.wait_for(lambda b: len(b) > 0, timeout=2) == []  # no alert for a warning


def test_one_transient_failure_raises_no_alert(portal, make, hook):
    prober, monitor = make(portal)
    portal.admin.set_faults(error_500=["/"])
    try:
        assert prober.probe(monitor).record.cause == "http_error"
    finally:
        portal.admin.clear_faults()
    assert prober.probe(monitor).record.status == "ok"
    assert hook.wait_for(lambda b: len(b) > 0, timeout=2) == []


WRONG = "Wrong-Horse-Battery9"


def failed_logins(portal, cip: str) -> list[str]:
    return [e["event"] for e in portal.admin.audit(cip) if e["event"].endswith("_rejected")]


def test_wrong_password_pauses_the_account_before_any_lockout(portal, make, hook, monkeypatch):
    monkeypatch.setenv("EESPRESSO_WRONG_PASSWORD", WRONG)
    prober, monitor = make(portal, password_env="EESPRESSO_WRONG_PASSWORD")
    outcomes = [prober.probe(monitor) for _ in range(5)]
    assert [o.record.cause if o.record else "skipped" for o in outcomes] == [
        "credentials_rejected"] * 3 + ["skipped"] * 2  # fmt: skip
    assert "paused to protect the account from lockout" in outcomes[3].skipped
    assert failed_logins(portal, monitor.account.cip) == ["password_rejected"] * 3  # < 5
    assert not portal.admin.account(monitor.account.cip)["locked"]
    bodies = hook.wait_for(lambda b: len(b) >= 3, timeout=5)
    assert_no_secret(prober, bodies, WRONG, PASSWORD)
    titles = [body["title"] for body in bodies]
    assert len(titles) == 2 and "DOWN" in titles[0]  # the incident (2 failures), then...
    assert "PAUSED" in titles[1] and "lockout" in bodies[1]["message"].lower()  # ...one pause


def test_a_refusal_answered_after_the_timeout_counts_too(portal, make, monkeypatch):
    """The portal refuses the password, but too late: cause slow, the refusal still counts.

    The bounds follow what a probe takes on this machine now (a busy one takes longer): the
    page wait (half the probe's timeout) is four times an unhindered probe, room for the load
    to grow meanwhile, and the refusal comes later than that wait."""
    reference, good = make(portal)
    record = reference.probe(good).record
    assert record.status == "ok"
    unhindered = record.duration_ms / 1000  # from the page ready, as the timeout counts
    page_wait = max(4.0, 4 * unhindered)
    latency = page_wait + max(2.0, unhindered)
    monkeypatch.setenv("EESPRESSO_WRONG_PASSWORD", WRONG)
    prober, monitor = make(portal, password_env="EESPRESSO_WRONG_PASSWORD")
    monitor = dataclasses.replace(monitor, timeout_s=2 * page_wait)
    portal.admin.set_faults(latency={"/connexion": latency})
    try:
        outcomes = [prober.probe(monitor) for _ in range(5)]
    finally:
        portal.admin.clear_faults()
    assert [o.record.cause if o.record else "skipped" for o in outcomes] == [
        "slow"] * 3 + ["skipped"] * 2  # fmt: skip
    # the last refusal lands once its latency is over
    wait_until(lambda: len(failed_logins(portal, monitor.account.cip)) >= 3, timeout=2 * latency)
    assert failed_logins(portal, monitor.account.cip) == ["password_rejected"] * 3
    assert not portal.admin.account(monitor.account.cip)["locked"]


def test_a_refusal_without_role_alert_counts_too(portal, make, monkeypatch):
    """The portal refuses the password without announcing it (no ``role="alert"``): whatever
    the journey makes of that page, the submission was not proven, so it counts."""
    monkeypatch.setenv("EESPRESSO_WRONG_PASSWORD", WRONG)
    prober, monitor = make(portal, password_env="EESPRESSO_WRONG_PASSWORD", a11y="faulty")
    outcomes = [prober.probe(monitor) for _ in range(5)]
    assert [o.record is None for o in outcomes] == [False] * 3 + [True] * 2  # then paused
    assert all(o.record.cause != "ok" for o in outcomes[:3])
    assert failed_logins(portal, monitor.account.cip) == ["password_rejected"] * 3
    assert not portal.admin.account(monitor.account.cip)["locked"]


def test_one_account_under_four_spellings_and_configs_has_one_budget(portal, make, monkeypatch):
    """Each config has its own history; the machine's guard knows they are one account."""
    monkeypatch.setenv("EESPRESSO_WRONG_PASSWORD", WRONG)
    first, monitor = make(portal, password_env="EESPRESSO_WRONG_PASSWORD")
    port = portal.url.rsplit(":", 1)[1]
    probers = [(first, monitor)] + [
        make(portal, password_env="EESPRESSO_WRONG_PASSWORD", base_url=spelling,
             account_of=monitor, enrolled=False)
        for spelling in (f"HTTP://127.0.0.1:{port}/", f"http://127.0.0.1:{port}//",
                         portal.url + "/")
    ]  # fmt: skip
    assert len({m.identity for _, m in probers}) == 1
    assert len({prober.config.history for prober, _ in probers}) == 4
    outcomes = [prober.probe(m) for _ in range(2) for prober, m in probers]
    assert [o.record.cause for o in outcomes if o.record] == ["credentials_rejected"] * 3
    assert failed_logins(portal, monitor.account.cip) == ["password_rejected"] * 3
    assert not portal.admin.account(monitor.account.cip)["locked"]


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
    from bench.support.monitoring import free_port

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
    text = "".join(p.read_text() for p in folder.iterdir() if p.suffix != ".zip")
    assert PASSWORD not in text
    # The failed probe's scrubbed trace (retain-on-failure, the default) is attached, and
    # nothing in it holds the password.
    (trace,) = folder.glob("*-attachment.zip")
    assert [a["name"] for a in results[1]["attachments"]] == ["trace.zip"]
    with zipfile.ZipFile(trace) as archive:
        assert not any(PASSWORD.encode() in archive.read(name) for name in archive.namelist())


def test_a_password_about_to_expire_degrades_the_probe_and_warns_once(portal, make, hook):
    prober, monitor = make(portal, notices="all", expiry_days=4)
    records = [prober.probe(monitor).record for _ in range(2)]
    assert [r.status for r in records] == ["degraded", "degraded"]
    assert [r.cause for r in records] == ["password_expiring", "password_expiring"]
    stored = prober.history.probes(monitor.id)
    assert [w["kind"] for w in stored[0].warnings] == [
        "password_expiring", "maintenance_announced", "remember_device"]  # fmt: skip
    assert stored[0].warnings[0]["days"] == 4
    days_left = (prober.history.expiries(monitor.id)["password"] - time.time()) / 86400
    assert 3.9 < days_left <= 4.0  # the status page and the metric read this date
    bodies = hook.wait_for(lambda b: len(b) >= 1, timeout=10)
    assert statuses(bodies) == ["warning"]
    assert "expires in 4 days" in bodies[0]["message"]
    assert_no_secret(prober, bodies, PASSWORD)


def test_a_targets_profile_lets_the_probe_read_a_wording_the_suite_does_not_know(make):
    with running_sandbox({"WORDING": "other"}) as other:
        prober, monitor = make(other, profile=str(shipped("sandbox-other.toml")))
        assert prober.probe(monitor).record.status == "ok"
        blind, blind_monitor = make(other)  # the built-in profile: stopped before any POST
        record = blind.probe(blind_monitor).record
        assert record.cause == "unexpected_page" and "finds no user_name" in record.error
        assert other.admin.audit(blind_monitor.account.cip) == []
