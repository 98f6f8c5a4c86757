"""Incidents, alerts and account safety, with real apprise delivery to a local receiver.

Probe records are fed to ``Prober.settle`` (what the runner does after each journey); the
notices travel through apprise's ``json://`` channel to a real HTTP server on loopback.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from monitors import safety
from monitors.alerts import Channels, Notice
from monitors.chromium import WarmBrowser
from monitors.config import load
from monitors.history import History, ProbeRecord
from monitors.journeys import Binder
from monitors.probe import Prober
from tests.fixtures.monitoring import receiver

TARGET = "http://127.0.0.1:9"
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


def test_two_rejections_pause_the_monitor_until_resumed(tmp_path, hook):
    prober = make_prober(tmp_path, hook, n=5)  # the pause alerts even below N
    t0 = time.time() - 600
    assert probe(prober, t0, cause="credentials_rejected").notices == ()
    notices = probe(prober, t0 + 60, cause="credentials_rejected").notices
    assert [(n.kind, n.paused) for n in notices] == [("alert", True)]
    body = hook.wait_for(lambda b: len(b) >= 1, timeout=10)[0]
    assert body["title"] == "[eEspresso] EN PAUSE login-a\u00a0: Mot de passe refusé"
    assert "en pause pour protéger le compte du verrouillage" in body["message"]
    assert "« python -m monitors resume login-a »" in body["message"].replace("\u00a0", " ")
    outcome = prober.probe(prober.config.monitor("login-a"))  # no browser: it must not run
    assert outcome.record is None and "paused to protect the account" in outcome.skipped
    labels = prober.metrics.labels("login-a", TARGET)
    assert prober.metrics.registry.get_sample_value("probe_account_paused", labels) == 1
    assert prober.history.resume("login-a")
    assert not prober.history.resume("login-a")
    assert prober.history.paused("login-a") is None


def test_a_success_between_rejections_does_not_pause(tmp_path, hook):
    prober = make_prober(tmp_path, hook)
    t0 = time.time() - 600
    probe(prober, t0, cause="code_rejected")
    probe(prober, t0 + 60, status="ok")
    probe(prober, t0 + 120, cause="code_rejected")
    assert prober.history.paused("login-a") is None


def test_login_budget_is_shared_by_the_account_and_survives_restart(tmp_path, hook):
    """3 failed logins per account per 15 minutes, whoever made them, whatever the config."""
    prober = make_prober(tmp_path, hook, n=10)
    now = time.time()
    # locked_out counts against the budget but does not pause: only the budget protects here.
    probe(prober, now - 800, cause="locked_out", monitor="login-a")
    probe(prober, now - 400, cause="locked_out", monitor="login-b")
    assert safety.budget_exhausted(prober.history, TARGET, "PROBE0001", now) is None
    probe(prober, now - 10, cause="locked_out", monitor="login-a")
    retry_at = safety.budget_exhausted(prober.history, TARGET, "PROBE0001", now)
    assert retry_at == pytest.approx(now - 800 + 900)
    prober.history.close()
    again = make_prober(tmp_path, hook, n=10)
    outcome = again.probe(again.config.monitor("login-b"))
    assert outcome.record is None and "3 failed logins" in outcome.skipped
    assert safety.budget_exhausted(again.history, TARGET, "PROBE0001", now + 120) is None


HOLDER = """
import sys, time
sys.path.insert(0, {root!r})
from monitors import safety
from pathlib import Path
lock = safety.account_lock(Path(sys.argv[1]), {target!r}, "PROBE0001")
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_account_lock_is_shared_across_processes(tmp_path, hook):
    prober = make_prober(tmp_path, hook)
    root = str(Path(__file__).resolve().parents[2])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(root=root, target=TARGET), str(prober.lock_dir)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        lock = safety.account_lock(prober.lock_dir, TARGET, "PROBE0001")
        with pytest.raises(safety.AccountBusy):
            safety.acquire(lock, timeout_s=0.3)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    safety.acquire(lock, timeout_s=5).release()  # free again once the holder is gone


def test_an_unreachable_channel_is_logged_not_fatal(tmp_path, hook, caplog):
    from tests.fixtures.monitoring import free_port

    channels = Channels([f"json://127.0.0.1:{free_port()}/nobody"])
    notice = Notice("alert", "login-a", TARGET, "unreachable", time.time())
    assert channels.send(notice) is False
    assert "alert for login-a not delivered" in caplog.text


def test_an_undelivered_alert_is_sent_with_the_next_failed_probe(tmp_path, hook):
    from tests.fixtures.monitoring import free_port

    port = free_port()
    prober = make_prober(tmp_path, hook)
    prober.channels = Channels([f"json://127.0.0.1:{port}/hook"])  # nobody listens yet
    t0 = time.time() - 600
    probe(prober, t0)
    assert [n.kind for n in probe(prober, t0 + 60).notices] == ["alert"]  # not delivered
    with receiver(port) as late:
        assert [n.kind for n in probe(prober, t0 + 120).notices] == ["alert"]  # again
        assert probe(prober, t0 + 180).notices == ()  # delivered once: no storm
        bodies = late.wait_for(lambda b: len(b) >= 1, timeout=10)
    assert [b["type"] for b in bodies] == ["failure"]
