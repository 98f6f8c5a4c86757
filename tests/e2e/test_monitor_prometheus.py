"""Probes → Prometheus → Alertmanager → webhook, and the CLI with a Pushgateway.

Real Debian binaries on loopback with temporary data folders and one-second intervals; the
shipped rules with their ``for:`` shortened. The probes are real journeys against the sandbox
with faults injected through its admin API.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from authenticator import Vault
from bench.support.accounts import new_cip
from bench.support.monitoring import free_port, receiver, write_config
from monitors.chromium import WarmBrowser, process_tree
from monitors.config import default_probe_name
from monitors.config_file import load
from monitors.history import History
from monitors.journeys import Binder
from monitors.probe import Prober
from sandbox import running_sandbox
from tests.fixtures.accounts import TestAccount, seed_enrolled
from tests.fixtures.prometheus import alertmanager, prometheus, pushgateway, query, wait_until

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Correct-Horse-Batt1"


@pytest.fixture(scope="module")
def portal():
    """This module's own sandbox (faults injected here must not leak into other modules)."""
    with running_sandbox() as running:
        yield running


def enrolled_config(tmp_path: Path, portal, **metrics) -> Path:
    cip = new_cip("PROM")
    created = portal.admin.create_account(cip, PASSWORD, enrolled=True)
    seed_enrolled(Vault(tmp_path / "vault"), TestAccount(portal.url, cip, PASSWORD), created)
    return write_config(
        tmp_path / "monitors.toml",
        {
            "targets.sandbox": {"base_url": portal.url},
            "accounts.probe": {
                "cip": cip,
                "password_env": "EESPRESSO_PROM_PASSWORD",
                "vault": "vault",
            },
            "metrics": metrics,
        },  # fmt: skip
        [
            {
                "id": "sandbox-login",
                "target": "sandbox",
                "account": "probe",
                "every": "30s",
                "timeout": "60s",
            }
        ],  # fmt: skip
        history="history.sqlite",
    )


def alerts(bodies: list[dict], status: str) -> list[dict]:
    return [
        alert for body in bodies for alert in body.get("alerts", [])
        if alert["status"] == status and alert["labels"]["alertname"] == "EespressoLoginDown"
    ]  # fmt: skip


def test_outage_fires_the_rule_and_alertmanager_delivers_then_resolves(
    tmp_path, portal, monkeypatch
):
    monkeypatch.setenv("EESPRESSO_PROM_PASSWORD", PASSWORD)
    config = load(enrolled_config(tmp_path, portal))
    browser = WarmBrowser()
    prober = Prober(config, History(config.history), browser, Binder())
    monitor = config.monitors[0]
    port = prober.metrics.serve(0)
    with (
        receiver() as hook,
        alertmanager(tmp_path, f"{hook.url}/alertmanager") as am,
        prometheus(tmp_path, [f"127.0.0.1:{port}"], alertmanager_port=am.port) as prom,
    ):
        try:
            portal.admin.set_faults(outage=True)
            try:
                assert prober.probe(monitor).record.status == "failed"
            finally:
                portal.admin.clear_faults()
            assert wait_until(lambda: query(prom, "probe_success == 0"), timeout=20)
            bodies = hook.wait_for(lambda b: alerts(b, "firing"), timeout=45)
            firing = alerts(bodies, "firing")
            assert firing, f"no firing alert delivered; got {bodies}"
            assert firing[0]["labels"]["monitor"] == "sandbox-login"
            assert firing[0]["labels"]["severity"] == "critical"

            assert prober.probe(monitor).record.status == "ok"
            bodies = hook.wait_for(lambda b: alerts(b, "resolved"), timeout=45)
            assert alerts(bodies, "resolved"), f"no resolved notification; got {bodies}"
        finally:
            browser.close()
            prober.history.close()


def cli(config: Path, *extra: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "monitors", "run", "--config", str(config), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_once_pushes_to_the_pushgateway_and_exits_0_or_1(tmp_path, portal):
    env = {**os.environ, "EESPRESSO_PROM_PASSWORD": PASSWORD}
    with pushgateway(tmp_path) as gateway:
        config = enrolled_config(tmp_path, portal, pushgateway=gateway.url)
        portal.admin.set_faults(outage=True)
        try:
            down = cli(config, "--once", env=env)
            out, err = down.communicate(timeout=120)
        finally:
            portal.admin.clear_faults()
        assert down.returncode == 1, err
        assert "sandbox-login" in out and "FAILED" in out
        with prometheus(tmp_path, [f"127.0.0.1:{gateway.port}"], honor_labels=True) as prom:
            success = 'probe_success{monitor="sandbox-login"}'
            got = wait_until(lambda: query(prom, success), timeout=20)
            assert got and got[0]["value"][1] == "0"
            # pushed under the location's own group, its label kept (honor_labels)
            assert got[0]["metric"]["probe"] == default_probe_name()
            up = cli(config, "--once", env=env)
            out, err = up.communicate(timeout=120)
            assert up.returncode == 0, err
            assert " OK " in out
            assert wait_until(lambda: query(prom, f"{success} == 1"), timeout=20)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""  # the process ended since it was listed (a short-lived helper)


def test_sigterm_stops_the_cli_runner_without_orphan_chromium(tmp_path, portal):
    env = {**os.environ, "EESPRESSO_PROM_PASSWORD": PASSWORD}
    config = enrolled_config(tmp_path, portal, port=free_port())
    runner = cli(config, env=env)
    try:
        assert runner.stdout is not None
        first = runner.stdout.readline()  # "metrics on http://127.0.0.1:PORT/metrics"
        assert first.startswith("metrics on http://127.0.0.1:"), first
        assert "sandbox-login" in runner.stdout.readline()  # the first probe's progress line
        chromium = {p for p in process_tree([runner.pid]) if "chrom" in _command_line(p)}
        assert chromium, "the runner should keep a warm Chromium"
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=30) == 0
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in chromium) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p for p in chromium if _alive(p)], "Chromium outlived the runner"
