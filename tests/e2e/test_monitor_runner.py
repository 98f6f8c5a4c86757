"""The runner's own machinery with a real Chromium: warm browser, fresh contexts, hard timeout,
relaunch after a crash, SIGTERM without orphan Chromium or leftover temporary folders, the
up-check loop beside the journeys.

The journey here is a real probe function of this file (open the page, read its heading)
against a real local HTTP server, so these tests do not depend on the portal's page objects;
the portal journeys are exercised in test_monitor_sandbox.py.
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from authenticator import Vault
from bench.support.monitoring import every
from bench.support.processes import runner_process
from monitors.chromium import WarmBrowser, marked_pids, throwaway_profiles
from monitors.config_file import load
from monitors.history import History
from monitors.journeys import Binder
from monitors.probe import Prober
from monitors.runner import Runner
from pages.result import Cause, JourneyResult
from tests.fixtures.monitoring import simple_config

UP = b"""<html><body><h1>Bienvenue dans eEspresso</h1>
<form method="post"><label>Mot de passe <input type="password"></label>
<button>CONNEXION</button></form></body></html>"""
DOWN = b"<html><body><h1>Service indisponible</h1></body></html>"


class Portal(BaseHTTPRequestHandler):
    mode = "up"  # up | hang | down

    def do_GET(self) -> None:  # noqa: N802
        if Portal.mode == "hang":
            time.sleep(20)
        body = DOWN if Portal.mode == "down" else UP
        self.send_response(503 if Portal.mode == "down" else 200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def open_home(page, account, vault, *, limits, **_options) -> JourneyResult:
    """A real, tiny journey: open the portal and check its heading."""
    base_url = account.base_url
    result = JourneyResult(journey="first_access", target=base_url, cip=account.cip)
    started = time.perf_counter()
    try:
        page.goto(base_url, timeout=limits.timeout_ms)
        heading = page.get_by_role("heading").first.inner_text(timeout=limits.timeout_ms)
        result.ok = "eEspresso" in heading
        result.cause = None if result.ok else Cause.UNEXPECTED_PAGE
    except PlaywrightError as exc:
        result.cause, result.error = Cause.UNREACHABLE, str(exc).splitlines()[0]
        result.failed_step = "open"
    result.steps["open"] = (time.perf_counter() - started) * 1000
    result.duration_ms = result.steps["open"]
    return result


def stuck(page, account, vault, **_options) -> JourneyResult:
    """A journey that ignores its time limits (a bug): only the hard timeout can end it."""
    page.goto(account.base_url, timeout=0)
    return JourneyResult(journey="first_access", target=account.base_url, cip=account.cip, ok=True)


@pytest.fixture
def portal():
    Portal.mode = "up"
    server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_runner(tmp_path, monkeypatch):
    monkeypatch.setenv("EESPRESSO_RUNNER_TEST_PASSWORD", "Not-Used-By-This-Journey-1")
    made = []

    def make(url: str, every_s: float = 1.0, timeout: str = "30s", journey=open_home,
             up_every: str = "15s") -> Runner:  # fmt: skip
        monitor = {"id": "home", "journey": "first_access", "every": "30s", "timeout": timeout,
                   "up_every": up_every}  # fmt: skip
        path = simple_config(tmp_path / "monitors.toml", [monitor], base_url=url,
                             password_env="EESPRESSO_RUNNER_TEST_PASSWORD",
                             history="history.sqlite")  # fmt: skip
        config = every(load(path), every_s)
        browser = WarmBrowser()
        binder = Binder(
            journeys={"first_access": journey}, open_vault=lambda _: Vault(tmp_path / "vault")
        )
        prober = Prober(config, History(config.history), browser, binder)
        runner = Runner(config, prober, out=io.StringIO())
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.prober.browser.close()
        runner.prober.history.close()
        assert runner.prober.browser.processes() == []


def test_once_with_a_warm_browser_and_fresh_contexts(portal, make_runner):
    runner = make_runner(portal)
    settled = []
    runner.listeners.append(settled.append)  # as the status page's cache listens
    assert runner.run_once(), runner.out.getvalue()
    assert runner.run_forever(max_probes=3) == 3
    probes = runner.prober.history.probes("home")
    assert [p.status for p in probes] == ["ok"] * 4
    assert [outcome.record.status for outcome in settled] == ["ok"] * 4
    assert runner.prober.browser.launches == 1  # one warm browser for every probe
    lines = runner.out.getvalue().splitlines()
    assert len(lines) == 4 and all("home" in line and " OK " in line for line in lines)


def test_hard_timeout_kills_the_browser_and_the_next_probe_relaunches_it(
    portal, make_runner, tmp_path
):
    runner = make_runner(portal, timeout="3s", journey=stuck)
    Portal.mode = "hang"
    outcome = runner.prober.probe(runner.config.monitors[0])  # the hang is 20 s, the limit 3
    assert outcome.record.status == "failed" and outcome.record.cause == "probe_error"
    assert "timeout" in outcome.record.error
    Portal.mode = "up"
    runner.prober.binder = Binder(
        journeys={"first_access": open_home}, open_vault=lambda _: Vault(tmp_path / "vault")
    )
    assert runner.prober.probe(runner.config.monitors[0]).record.status == "ok"
    assert runner.prober.browser.launches == 2


def test_crashed_browser_is_relaunched(portal, make_runner):
    runner = make_runner(portal)
    assert runner.run_once()
    for pid in marked_pids(runner.prober.browser.marker):
        os.kill(pid, signal.SIGKILL)  # Chromium dies between two probes
    time.sleep(0.5)
    assert runner.run_once()
    assert runner.prober.browser.launches == 2


def test_a_browser_whose_driver_died_first_leaves_no_profile_behind():
    """Playwright's driver removes the browser's profile once the browser exits; a driver that
    ended first (a runner stopping right after killing its browser) cannot: ``close`` does."""
    browser = WarmBrowser()
    try:
        browser.submit(lambda: browser.new_context().close()).result(timeout=120)
        (profile,) = throwaway_profiles(browser.marker)
        assert profile.is_dir()
        (chromium,) = marked_pids(browser.marker)
        stat = Path(f"/proc/{chromium}/stat").read_text(encoding="ascii")
        os.kill(int(stat.rsplit(")", 1)[1].split()[1]), signal.SIGKILL)  # its driver
    finally:
        browser.close()
    assert not profile.exists()


def test_sigterm_stops_cleanly_without_orphan_chromium(portal, make_runner):
    runner = make_runner(portal, every_s=1.0)
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    runner.install_signal_handlers()
    cancelled = threading.Event()

    def terminate_after_first_probe() -> None:
        deadline = time.monotonic() + 120  # bounded: a busy machine launches Chromium slowly
        while not runner.out.getvalue() and time.monotonic() < deadline:
            if cancelled.wait(0.1):
                return
        os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_after_first_probe, daemon=True)
    killer.start()
    try:
        done = runner.run_forever(max_probes=1000)
    finally:
        cancelled.set()
        killer.join(timeout=10)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    assert 1 <= done < 1000
    runner.prober.browser.close()
    assert runner.prober.browser.processes() == []


def test_upcheck_alerts_between_journeys_and_its_recovery_runs_the_journey_at_once(
    portal, make_runner
):
    Portal.mode = "down"
    runner = make_runner(portal, every_s=3600.0, up_every="5s")  # one journey an hour, at start
    finished = threading.Event()

    def portal_back_once_the_outage_is_confirmed() -> None:
        """Bring the portal back after the up-check's alert; stop the runner past 120 s."""
        with History(runner.config.history) as history:  # this thread's own connection
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not finished.wait(0.2):
                if any(p.journey == "upcheck" for p in history.probes("home")):
                    Portal.mode = "up"
                    break
        if not finished.wait(60):
            runner.stop.set()

    helper = threading.Thread(target=portal_back_once_the_outage_is_confirmed, daemon=True)
    helper.start()
    try:
        done = runner.run_forever(max_probes=2)  # the journey at start, then the one asked for
    finally:
        finished.set()
        helper.join(timeout=10)
    probes = [(p.journey, p.status, p.cause) for p in runner.prober.history.probes("home")]
    assert done == 2
    assert sorted(probes[:2]) == [
        ("first_access", "failed", "unexpected_page"),  # the journey at start: portal down
        ("upcheck", "failed", "http_error"),  # failed, confirmed 5 s later: alert
    ]
    assert probes[2:] == [("first_access", "ok", None)]  # up again: at once, not in an hour
    assert runner.prober.history.open_incident("home") is None  # the journey closed it
    lines = runner.out.getvalue().splitlines()
    assert any("FAILED" in line and "HTTP 503 on the login page" in line for line in lines)


#: What the browser side leaves in TMPDIR: Chromium's shared memory files (the full browser),
#: Playwright's profile folder (either browser). Playwright's artifacts folder (downloads,
#: empty here) is its driver's, removed by the driver when it outlives the browser.
BROWSER_TEMPORARIES = ("org.chromium.Chromium.*", "playwright_chromiumdev_profile-*")


def _browser_temporaries(folder: Path) -> list[str]:
    return sorted(p.name for pattern in BROWSER_TEMPORARIES for p in folder.rglob(pattern))


def test_sigterm_leaves_no_chromium_folder_in_tmpdir(tmp_path, portal):
    """A real ``python -m monitors run``, stopped by SIGTERM after its first probe: Chromium is
    killed, not closed, so only the runner can remove what it left in TMPDIR."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    Portal.mode = "down"  # a page without the login form: the journey submits nothing
    config = simple_config(tmp_path / "monitors.toml",
                           [{"id": "tmpdir-probe", "journey": "first_access", "every": "30s"}],
                           base_url=portal, password_env="EESPRESSO_TMPDIR_TEST_PASSWORD",
                           history="history.sqlite")  # fmt: skip
    env = {"TMPDIR": str(tmpdir), "EESPRESSO_TMPDIR_TEST_PASSWORD": "Not-Submitted-Here-1",
           "EESPRESSO_GUARD": str(tmp_path / "guard.sqlite"),
           "EESPRESSO_VAULT": str(tmp_path / "vault")}  # fmt: skip
    with runner_process(config, env) as runner:
        runner.wait_for_line("tmpdir-probe", timeout=180)
        during = _browser_temporaries(tmpdir)
        code = runner.close()
    assert during  # the browser did use TMPDIR while it ran
    assert code == 0
    assert _browser_temporaries(tmpdir) == []
    assert list(tmpdir.glob("eespresso-chromium-*")) == []
