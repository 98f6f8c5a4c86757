"""Incidents, alerts and the account guard in the runner, with real apprise delivery.

Probe records are fed to ``Prober.settle`` (what the runner does after each journey); the
notices travel through apprise's ``json://`` channel to a real HTTP server on loopback.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from authenticator.guard import AccountGuard, account_identity
from bench.support.monitoring import receiver
from monitors.alerts import Channels, Notice
from monitors.chromium import WarmBrowser
from monitors.config_file import load
from monitors.history import History, ProbeRecord
from monitors.journeys import Binder
from monitors.probe import Prober
from tests.fixtures.monitoring import probe_record, refuse

TARGET = "http://127.0.0.1:9"
ACCOUNT = account_identity(TARGET, "PROBE0001")
CONFIG = """
history = "history.sqlite"
language = "{language}"
report_url = "https://ci.example/report/"
[targets.portal]
base_url = "{target}"
[accounts.probe]
cip = "PROBE0001"
password_env = "EESPRESSO_TEST_PASSWORD"
[alerts]
failures_before_alert = {n}
reminder_every = "{reminder}"
recovery_notice = {recovery}
channels = ["json://127.0.0.1:{port}/hook"]
[[monitors]]
id = "login-a"
target = "portal"
account = "probe"
every = "1m"
[[monitors]]
id = "login-b"
target = "portal"
account = "probe"
every = "1m"
"""


@pytest.fixture
def hook():
    with receiver() as box:
        yield box


def make_prober(
    tmp_path: Path, hook, *, n=2, reminder="1h", recovery="true", language="fr"
) -> Prober:
    text = CONFIG.format(target=TARGET, n=n, reminder=reminder, recovery=recovery, port=hook.port,
                         language=language)  # fmt: skip
    (tmp_path / "monitors.toml").write_text(textwrap.dedent(text))
    config = load(tmp_path / "monitors.toml")
    # The browser is never launched here: every path below stops before the journey.
    return Prober(config, History(config.history), WarmBrowser(), Binder(journeys={}))


def probe(prober: Prober, at: float, status="failed", cause="unreachable", monitor="login-a"):
    failed = status != "ok"
    record = ProbeRecord(
        monitor_id=monitor,
        target=TARGET,
        cip="PROBE0001",
        journey="later_login",
        started_at=at,
        status=status,
        cause=cause if failed else None,
        error=f"{cause} at {at:.0f}" if failed else "",
        failed_step="Étape 1 : Ouvrir le portail" if failed else "",
        duration_ms=250.0,
        steps={"open": 250.0},
    )
    return prober.settle(prober.config.monitor(monitor), record)


def kinds(bodies: list[dict]) -> list[str]:
    return [b["type"] for b in bodies]


NBSP = "\u00a0"
# What an alert and its recovery say, per language (wording/catalogue.py).
OUTAGE_WORDS = {
    "fr": {
        "title": f"[eEspresso] PANNE login-a{NBSP}: Portail injoignable",
        "lines": (f"Sonde{NBSP}: login-a", f"Cible{NBSP}: {TARGET}",
                  f"Cause{NBSP}: Portail injoignable (unreachable)",
                  f"Que faire{NBSP}: Le portail ne répond pas à son adresse{NBSP}: vérifiez",
                  f"Depuis{NBSP}: ", "(2 sondes en échec)",
                  f"Dernière erreur{NBSP}: unreachable at",
                  f"Étape en échec{NBSP}: Étape 1",
                  f"Rapport{NBSP}: https://ci.example/report/"),
        "recovery": "[eEspresso] RÉTABLI login-a",
        "recovered": ("Rétabli le ", "après 5 min", f"La cause était{NBSP}: Portail injoignable"),
    },
    "en": {
        "title": "[eEspresso] DOWN login-a: Portal unreachable",
        "lines": ("Monitor: login-a", f"Target: {TARGET}",
                  "Cause: Portal unreachable (unreachable)",
                  "What to do: The portal does not answer at its address: check", "Since: ",
                  "(2 failed probes)", "Last error: unreachable at", "Failed step: Étape 1",
                  "Report: https://ci.example/report/"),
        "recovery": "[eEspresso] RECOVERED login-a",
        "recovered": ("Recovered at: ", "after 5 min", "Cause was: Portal unreachable"),
    },
}  # fmt: skip


@pytest.mark.parametrize("language", ["fr", "en"])
def test_outage_of_five_probes_gives_one_alert_and_one_recovery(tmp_path, hook, language):
    prober = make_prober(tmp_path, hook, language=language)
    words = OUTAGE_WORDS[language]
    t0 = time.time() - 3600
    sent = [probe(prober, t0 + 60 * i).notices for i in range(5)]
    assert [len(n) for n in sent] == [0, 1, 0, 0, 0]
    recovery = probe(prober, t0 + 300, status="ok").notices
    assert [n.kind for n in recovery] == ["recovery"]
    bodies = hook.wait_for(lambda b: len(b) >= 2, timeout=10)
    assert kinds(bodies) == ["failure", "success"]
    alert = bodies[0]
    assert alert["title"] == words["title"]
    for needed in words["lines"]:
        assert needed in alert["message"], (needed, alert["message"])
    since = time.strftime("%Y-%m-%d %H:%M", time.gmtime(t0))
    assert since in alert["message"]  # the incident dates from the FIRST failure
    assert alert["attachments"] == []  # no journey ran: no screen to show
    assert bodies[1]["title"] == words["recovery"]
    for needed in words["recovered"]:
        assert needed in bodies[1]["message"]
    assert prober.history.open_incident("login-a") is None


def test_one_transient_failure_raises_nothing(tmp_path, hook):
    prober = make_prober(tmp_path, hook)
    t0 = time.time() - 600
    assert probe(prober, t0).notices == ()
    assert probe(prober, t0 + 60, status="ok").notices == ()
    time.sleep(0.5)
    assert hook.snapshot() == []


def test_reminders_at_the_interval_and_no_storm(tmp_path, hook):
    prober = make_prober(tmp_path, hook, reminder="5m")
    t0 = time.time() - 7200
    kinds_sent = [[n.kind for n in probe(prober, t0 + 60 * i).notices] for i in range(13)]
    # alert at the 2nd failure (t0+60), reminders 5 min after each notice: t0+360, t0+660.
    flat = [(i, k) for i, ks in enumerate(kinds_sent) for k in ks]
    assert flat == [(1, "alert"), (6, "reminder"), (11, "reminder")]


def test_incident_survives_a_restart(tmp_path, hook):
    prober = make_prober(tmp_path, hook)
    t0 = time.time() - 3600
    probe(prober, t0)
    probe(prober, t0 + 60)
    prober.history.close()
    again = make_prober(tmp_path, hook)  # a new runner process on the same history
    assert probe(again, t0 + 120).notices == ()
    assert [n.kind for n in probe(again, t0 + 180, status="ok").notices] == ["recovery"]
    assert kinds(hook.wait_for(lambda b: len(b) >= 2, timeout=10)) == ["failure", "success"]


def test_no_recovery_notice_when_disabled(tmp_path, hook):
    prober = make_prober(tmp_path, hook, recovery="false")
    t0 = time.time() - 600
    probe(prober, t0)
    probe(prober, t0 + 60)
    assert probe(prober, t0 + 120, status="ok").notices == ()
    assert prober.history.open_incident("login-a") is None


def test_degraded_is_up(tmp_path, hook):
    prober = make_prober(tmp_path, hook, n=1)
    t0 = time.time() - 600
    assert [n.kind for n in probe(prober, t0).notices] == ["alert"]
    assert [n.kind for n in probe(prober, t0 + 60, status="degraded", cause="slow").notices] == [
        "recovery"]  # fmt: skip


def test_a_pause_opens_the_incident_at_once_and_says_how_to_resume(tmp_path, hook):
    prober = make_prober(tmp_path, hook, n=5)  # the pause alerts even below N
    record = probe_record(monitor_id="login-a", target=TARGET, cip="PROBE0001",
                          started_at=time.time(), status="failed", cause="credentials_rejected",
                          error="refused", failed_step="Étape 2", duration_ms=10.0)  # fmt: skip
    notices = prober.settle(prober.config.monitor("login-a"), record, paused_now=True).notices
    assert [(n.kind, n.paused) for n in notices] == [("alert", True)]
    body = hook.wait_for(lambda b: len(b) >= 1, timeout=10)[0]
    assert body["title"] == "[eEspresso] EN PAUSE login-a\u00a0: Mot de passe refusé"
    assert "en pause pour protéger le compte du verrouillage" in body["message"]
    assert "« python -m monitors resume login-a »" in body["message"].replace("\u00a0", " ")
    labels = prober.metrics.labels("login-a", TARGET)
    assert prober.metrics.registry.get_sample_value("probe_account_paused", labels) == 1


def test_leftover_submissions_pause_once_then_every_monitor_skips(tmp_path, hook):
    """Another config (its own history, a laxer budget) left 3 unproven submissions on the
    account: the next probe of any monitor pauses it, alerts once, and nobody logs in."""
    prober = make_prober(tmp_path, hook, n=5)
    monitor = prober.config.monitor("login-a")
    other_config = AccountGuard(prober.guard.path, max_unproven=4)
    refuse(other_config, account_identity("HTTP://127.0.0.1:9/", "probe0001"), times=3)
    first = prober.probe(monitor)  # no browser: a paused account is never attempted
    assert first.record is not None and first.record.cause == "account_paused"
    assert [(n.kind, n.paused) for n in first.notices] == [("alert", True)]
    later = [prober.probe(prober.config.monitor(m)) for m in ("login-b", "login-a")]
    assert [o.record for o in later] == [None, None]
    assert all("3 unproven submissions in 15 min" in o.skipped for o in later)
    assert "python -m monitors resume --base-url http://127.0.0.1:9 --cip PROBE0001" in (
        later[0].skipped)  # fmt: skip
    bodies = hook.wait_for(lambda b: len(b) >= 2, timeout=3)
    assert len(bodies) == 1 and bodies[0]["title"].startswith("[eEspresso] EN PAUSE login-a")


HOLDER = """
import sys, time
from authenticator.guard import AccountGuard
with AccountGuard(sys.argv[1]).attempt(sys.argv[2]):
    print("held", flush=True)
    time.sleep(60)
"""


def test_an_account_in_use_by_another_process_is_skipped(tmp_path, hook):
    prober = make_prober(tmp_path, hook)
    monitor = prober.config.monitor("login-a")
    argv = [sys.executable, "-c", HOLDER, str(prober.guard.path), monitor.identity]
    holder = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monitor = dataclasses.replace(monitor, timeout_s=1.0)
        outcome = prober.probe(monitor)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert outcome.record is None and "another process is logging in as" in outcome.skipped


def test_an_unreachable_channel_is_logged_not_fatal(tmp_path, hook, caplog):
    from bench.support.monitoring import free_port

    channels = Channels([f"json://127.0.0.1:{free_port()}/nobody"])
    notice = Notice("alert", "login-a", TARGET, "unreachable", time.time())
    assert channels.send(notice) is False
    assert "alert for login-a not delivered" in caplog.text


def test_an_undelivered_alert_is_sent_with_the_next_failed_probe(tmp_path, hook):
    from bench.support.monitoring import free_port

    port = free_port()
    prober = make_prober(tmp_path, hook)
    prober.channels = Channels([f"json://127.0.0.1:{port}/hook"])  # nobody listens yet
    t0 = time.time() - 600
    probe(prober, t0)
    second = probe(prober, t0 + 60)
    assert ([n.kind for n in second.notices], second.delivered) == (["alert"], ())  # queued
    assert probe(prober, t0 + 90).notices == ()  # still queued: not queued twice
    with receiver(port) as late:
        third = probe(prober, t0 + 120)
        assert (third.notices, [n.kind for n in third.delivered]) == ((), ["alert"])
        assert probe(prober, t0 + 180).delivered == ()  # delivered once: no storm
        bodies = late.wait_for(lambda b: len(b) >= 1, timeout=10)
    assert [b["type"] for b in bodies] == ["failure"]
    assert [(state, attempts) for state, _, attempts, _ in prober.history.outbox()] == [("sent", 3)]


def test_an_alert_queued_before_a_recovery_is_dropped(tmp_path, hook):
    from bench.support.monitoring import free_port

    prober = make_prober(tmp_path, hook)
    prober.channels = Channels([f"json://127.0.0.1:{free_port()}/hook"])  # nobody listens
    t0 = time.time() - 600
    probe(prober, t0)
    probe(prober, t0 + 60)  # alert queued, not delivered
    assert probe(prober, t0 + 120, status="ok").notices == ()  # no recovery of an unknown alert
    assert [state for state, *_ in prober.history.outbox()] == ["dropped"]


def test_a_channel_down_gets_the_alert_later_and_the_others_only_once(tmp_path, hook):
    from bench.support.monitoring import free_port

    port = free_port()
    prober = make_prober(tmp_path, hook)
    prober.channels = Channels([f"json://127.0.0.1:{hook.port}/hook",
                                f"json://127.0.0.1:{port}/late"])  # fmt: skip
    t0 = time.time() - 600
    probe(prober, t0)
    assert [n.kind for n in probe(prober, t0 + 60).delivered] == ["alert"]  # by the first
    with receiver(port) as late:
        probe(prober, t0 + 120)
        assert [b["_path"] for b in late.wait_for(lambda b: len(b) >= 1, timeout=10)] == ["/late"]
    assert [b["_path"] for b in hook.wait_for(lambda b: len(b) >= 2, timeout=2)] == ["/hook"]
    assert {state for state, *_ in prober.history.outbox()} == {"sent"}
