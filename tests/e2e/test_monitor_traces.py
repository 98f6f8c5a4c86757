"""A failed probe that can be replayed: its scrubbed trace is kept, named and attached.

Real sandbox (started here, served like any portal, with the account guard of a real target),
real Chromium, real apprise (``json://`` to a local receiver), real Allure results and the
real ``python -m reports scan-secrets`` as a process. A probe that passes under
``retain-on-failure`` keeps no trace; one that fails on a portal error (the sandbox's
``error_500`` on the home page) keeps one, private, named on its history row and in its
alert, beside the failed request, and attached to its Allure result. The probe's web vitals
reach ``/metrics`` per step.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import urllib.request
from pathlib import Path

import allure
import pytest

from bench.support.monitoring import receiver
from monitors.chromium import WarmBrowser
from monitors.history import History
from monitors.journeys import Binder
from monitors.probe import Prober
from monitors.results_allure import AllureWriter
from sandbox import running_sandbox
from tests.fixtures.monitoring import alerting_monitor

pytestmark = [pytest.mark.integration, allure.feature("Monitors"), allure.story("traces")]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Correct-Horse-Batt2"  # 14 to 20 characters, as the seed requires
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def portal():
    """This module's own sandbox (its faults must not leak into other modules)."""
    with running_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def warm_browser():
    warm = WarmBrowser()
    yield warm
    warm.close()


def scan_secrets(folder: Path, ledger: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EESPRESSO_")}
    argv = ["scan-secrets", str(folder), "--values-file", str(ledger)]
    return subprocess.run([sys.executable, "-m", "reports", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip


def prober_for(portal, warm_browser, tmp_path: Path, hook_port: int, language: str):
    config, account = alerting_monitor(portal, tmp_path, hook_port, "traced", PASSWORD,
                                       "EESPRESSO_TRACES_PASSWORD", language=language,
                                       keep_traces="7d", traces_max_mb=50)  # fmt: skip
    allure_folder = tmp_path / "allure-results"
    prober = Prober(config, History(config.history), warm_browser, Binder(),
                    allure=AllureWriter(allure_folder))  # fmt: skip
    return prober, config.monitors[0], account, allure_folder


def metrics_text(prober: Prober) -> str:
    port = prober.metrics.serve(0)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        return answer.read().decode()


def test_a_failed_probe_leaves_a_private_trace_named_in_its_row_alert_and_allure_result(
    portal, warm_browser, tmp_path, monkeypatch
):
    monkeypatch.setenv("EESPRESSO_TRACES_PASSWORD", PASSWORD)
    with receiver() as hook:
        prober, monitor, account, allure_folder = prober_for(
            portal, warm_browser, tmp_path, hook.port, "fr"
        )
        try:
            passed = prober.probe(monitor).record
            assert passed.status == "ok", passed.error
            assert passed.trace == "" and prober.traces.traces() == []  # retain-on-failure
            assert set(passed.network) >= {"open", "login", "code"}
            text = metrics_text(prober)
            for vital in ("lcp", "fcp", "cls", "ttfb"):
                assert f'probe_browser_web_vital_{vital}{{monitor="traced",' in text
            assert 'step="open"' in text and "probe_step_failed_requests{" in text
            portal.admin.set_faults(error_500=["/accueil"])
            try:
                failed = prober.probe(monitor).record
            finally:
                portal.admin.clear_faults()
            bodies = hook.wait_for(lambda b: len(b) >= 1, timeout=30)
            rows = prober.history.probes(monitor.id)
        finally:
            prober.history.close()
    assert failed.status == "failed" and failed.trace, failed.error
    trace = Path(failed.trace)
    assert prober.traces.traces() == [trace]
    assert stat.S_IMODE(trace.stat().st_mode) == 0o600
    for folder in (trace.parent, prober.traces.folder):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert rows[-1].trace == failed.trace  # on the history row
    assert {"method": "GET", "path": "/accueil", "status": 500, "error": ""} in (
        rows[-1].network["code"]["failed"]
    )
    message = bodies[0]["message"]
    assert f"Trace à rejouer (secrets retirés){NBSP}: {failed.trace}" in message, message
    assert f"Requête en échec{NBSP}: GET /accueil a répondu 500" in message, message
    assert not bodies[0].get("attachments") or all(
        f["mimetype"] == "image/png" for f in bodies[0]["attachments"]
    )  # the trace is named, never inlined
    results = [json.loads(p.read_text()) for p in allure_folder.glob("*-result.json")]
    failing = next(r for r in results if r["status"] == "failed")
    assert [(a["name"], a["type"]) for a in failing["attachments"]] == [
        ("trace.zip", "application/zip")
    ]
    attached = allure_folder / failing["attachments"][0]["source"]
    assert attached.read_bytes() == trace.read_bytes()
    code_step = next(s for s in failing["steps"] if s["name"].startswith("Étape 6"))
    assert "ttfb_ms" in {p["name"] for p in code_step["parameters"]}
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text(
        json.dumps({"kind": "password", "value": PASSWORD}) + "\n"
        + json.dumps({"kind": "uri", "value": account.otp.to_uri()}) + "\n"
    )  # fmt: skip
    for folder in (prober.traces.folder, allure_folder):
        done = scan_secrets(folder, ledger)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "0 finding(s)" in done.stdout.splitlines()[-1]
    allure.attach.file(str(trace), "trace.zip", "application/zip", "zip")
