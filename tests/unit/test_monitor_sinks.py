"""One writer per output: a graded record goes to the sinks only, and its history row, the
expiry dates it learnt and its notices are one transaction; the metrics read the same
record (and the up-check's sample) and nothing else."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from prometheus_client import generate_latest

from bench.support.monitoring import receiver
from monitors.grading import grade
from monitors.history import Status
from monitors.results_allure import AllureWriter
from monitors.sinks import Sinks
from pages.result import Cause, JourneyResult
from tests.fixtures.monitoring import probe_record
from tests.unit.test_monitor_incidents import make_prober
from tests.unit.test_monitor_metrics_tls import samples

DAY = 86400.0
EXPIRING = {"kind": "password_expiring", "days": 5, "text": "expirera dans 5 jours"}


@pytest.fixture
def hook():
    with receiver() as box:
        yield box


def _metrics(sinks: Sinks) -> dict[tuple, float]:
    return samples(generate_latest(sinks.metrics.registry).decode())


def _journey(**fields) -> JourneyResult:
    return JourneyResult(journey="later_login", target="http://127.0.0.1:9", cip="PROBE0001",
                         ok=True, steps={"open": 120.0}, **fields)  # fmt: skip


def test_a_record_and_its_dates_are_stored_and_exported_by_one_settle(tmp_path, hook):
    prober = make_prober(tmp_path, hook)
    monitor = prober.config.monitors[0]
    started = time.time()
    record = grade(monitor, _journey(warnings=[EXPIRING]), started, prober.config.alerts,
                   tls_not_after=started + 90 * DAY)  # fmt: skip
    assert (record.status, record.cause) == (Status.DEGRADED, Cause.PASSWORD_EXPIRING)
    outcome = prober.settle(monitor, record)
    assert [n.kind for n in outcome.notices] == ["warning"]
    assert prober.history.expiries(monitor.id) == {
        "tls": started + 90 * DAY, "password": pytest.approx(started + 5 * DAY)}  # fmt: skip
    got = _metrics(prober.sinks)
    gauges = {name: value for (name, labels), value in got.items()
              if ("monitor", monitor.id) in labels}  # fmt: skip
    assert gauges["probe_ssl_earliest_cert_expiry"] == started + 90 * DAY
    assert gauges["probe_password_expiry_timestamp_seconds"] == pytest.approx(started + 5 * DAY)
    assert gauges["probe_degraded"] == 1
    prober.history.close()


def test_a_failed_transaction_stores_neither_the_row_nor_its_dates(tmp_path, hook):
    prober = make_prober(tmp_path, hook, n=1)
    monitor = prober.config.monitors[0]
    record = probe_record(monitor_id=monitor.id, status="failed", cause="unreachable",
                          started_at=time.time(), expiries={"tls": 2_000_000_000.0})  # fmt: skip
    prober.history.db.execute("DROP TABLE outbox")  # the alert cannot be queued
    with pytest.raises(sqlite3.OperationalError):
        prober.settle(monitor, record)
    assert prober.history.probes(monitor.id) == [] and prober.history.expiries(monitor.id) == {}
    prober.history.close()


def test_the_upcheck_sample_goes_through_the_sinks(tmp_path, hook):
    prober = make_prober(tmp_path, hook)
    monitor = prober.config.monitors[0]
    prober.sinks.sample(monitor, False, 0.02, 503, not_after=1_900_000_000.0)
    got = _metrics(prober.sinks)
    values = {name: value for (name, labels), value in got.items()
              if ("monitor", monitor.id) in labels}  # fmt: skip
    assert values["probe_upcheck_success"] == 0 and values["probe_http_status_code"] == 503
    assert values["probe_ssl_earliest_cert_expiry"] == 1_900_000_000
    prober.history.close()


def test_the_allure_writer_reads_the_graded_record_as_it_is(tmp_path, hook):
    prober = make_prober(tmp_path, hook)
    monitor = prober.config.monitors[0]
    record = grade(monitor, _journey(warnings=[EXPIRING]), time.time(), prober.config.alerts)
    record.probe = "site-a"
    AllureWriter(tmp_path / "allure").write(monitor, record)
    (result,) = [json.loads(p.read_text()) for p in (tmp_path / "allure").glob("*-result.json")]
    assert result["status"] == "passed"  # degraded: passed, with its cause
    labels = {(label["name"], label["value"]) for label in result["labels"]}
    assert {("cause", "password_expiring"), ("host", "site-a")} <= labels
    names = [step["name"] for step in result["steps"]]
    assert names[-1] == "Avis : le mot de passe expire dans 5 jours"
    prober.history.close()
