"""The probe location (``[probe] name``) on every sink: history row, alert, metric, Allure.

Records go through ``Prober.settle`` (what the runner does after each probe); alerts travel
through apprise's ``json://`` channel to a real HTTP server on loopback.
"""

from __future__ import annotations

import json
import time

from bench.support.monitoring import receiver, write_config
from monitors.chromium import WarmBrowser
from monitors.config_file import load
from monitors.history import History
from monitors.journeys import Binder
from monitors.probe import Prober
from monitors.results_allure import AllureWriter
from tests.fixtures.monitoring import probe_record

TARGET = "https://127.0.0.1:9"


def test_location_reaches_history_alert_metrics_and_allure(tmp_path):
    with receiver() as hook:
        tables = {
            "targets.t": {"base_url": TARGET},
            "accounts.a": {"cip": "C1", "password_env": "EESPRESSO_TEST_PASSWORD"},
            "alerts": {"failures_before_alert": 1, "channels": [f"json://127.0.0.1:{hook.port}/h"]},
            "probe": {"name": "chus-interne"},
        }
        monitor = {"id": "m", "target": "t", "account": "a", "every": "5m"}
        path = write_config(tmp_path / "monitors.toml", tables, [monitor],
                            history="history.sqlite", allure_results="allure")  # fmt: skip
        config = load(path)
        allure = AllureWriter(config.allure_results)
        # The browser is never launched: the record is settled as the runner would.
        prober = Prober(config, History(config.history), WarmBrowser(), Binder(), allure=allure)
        monitor = config.monitors[0]
        record = probe_record(
            target=monitor.target.base_url, cip="C1", started_at=time.time(), status="failed",
            cause="unreachable", error="connection refused", failed_step="open", duration_ms=30.0,
        )  # fmt: skip
        outcome = prober.settle(monitor, record)
        bodies = hook.wait_for(lambda b: len(b) >= 1, timeout=10)
    assert [n.probe for n in outcome.notices] == ["chus-interne"]
    assert outcome.notices[0].target == TARGET and bodies
    assert prober.history.probes("m")[0].probe == "chus-interne"
    labels = {"monitor": "m", "target": "https://127.0.0.1:9", "probe": "chus-interne"}
    assert prober.metrics.registry.get_sample_value("probe_success", labels) == 0
    results = [json.loads(p.read_text()) for p in (tmp_path / "allure").glob("*-result.json")]
    hosts = [label["value"] for r in results for label in r["labels"] if label["name"] == "host"]
    assert hosts == ["chus-interne"]
    prober.history.close()
