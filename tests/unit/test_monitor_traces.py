"""Kept traces: the config keys and their errors, pruning by age and by total size, and the
alert lines that name the trace and the failed request, in both languages."""

from __future__ import annotations

import os
import stat
import textwrap
from pathlib import Path

import pytest

from monitors.alerts import Notice, body, trace_link
from monitors.config import TracePolicy
from monitors.config_file import load
from monitors.history import ProbeRecord
from monitors.incidents import _evidence
from monitors.step_network import first_failed_request, medians
from monitors.toml_reader import ConfigError
from monitors.traces import MB, TraceStore
from pages.step_titles import STEP_TITLES

NBSP = "\u00a0"
BASE = """
history = "history.sqlite"
{top}
[targets.portal]
base_url = "http://127.0.0.1:8080/"
[accounts.probe]
cip = "PROBE0001"
password_env = "EESPRESSO_TEST_PASSWORD"
[[monitors]]
id = "login-1"
target = "portal"
account = "probe"
every = "2m"
{monitor}
"""


def config(tmp_path: Path, top: str = "", monitor: str = ""):
    path = tmp_path / "monitors.toml"
    path.write_text(textwrap.dedent(BASE.format(top=top, monitor=monitor)), encoding="utf-8")
    return load(path)


def test_defaults_keep_failures_for_fourteen_days_with_actions_and_network(tmp_path):
    loaded = config(tmp_path)
    assert loaded.monitors[0].trace == "retain-on-failure"
    assert loaded.monitors[0].trace_detail == "actions"
    assert loaded.traces == TracePolicy(keep_s=14 * 86400.0, max_mb=500.0)


def test_values_are_read(tmp_path):
    monitor = 'trace = "on"\ntrace_detail = "screencast"'
    loaded = config(tmp_path, 'keep_traces = "3d"\ntraces_max_mb = 20', monitor)
    assert (loaded.monitors[0].trace, loaded.monitors[0].trace_detail) == ("on", "screencast")
    assert loaded.traces == TracePolicy(keep_s=3 * 86400.0, max_mb=20)


@pytest.mark.parametrize(
    ("top", "monitor", "message"),
    [
        (
            "",
            'trace = "always"',
            r"monitors\[0\]\.trace: 'always' is unknown; use one of off, on,"
            r" retain-on-failure$",
        ),
        ("", "trace = true", r"monitors\[0\]\.trace: expected str, got bool True$"),
        (
            "",
            'trace_detail = "video"',
            r"monitors\[0\]\.trace_detail: 'video' is unknown; use one of actions, snapshots,"
            r" screencast$",
        ),
        ('keep_traces = "forever"', "", r"keep_traces: 'forever' is not a duration; write e\.g\."),
        ('keep_traces = "5m"', "", r"keep_traces: '5m' is out of range; use \"1h\" to \"366d\"$"),
        ("traces_max_mb = 0", "", r"traces_max_mb: 0 is out of range; use 1 to 1e\+06$"),
        ("traces_max_mb = nan", "", r"traces_max_mb: nan is out of range"),
    ],
)
def test_a_bad_value_is_one_line_that_says_what_to_write(tmp_path, top, monitor, message):
    with pytest.raises(ConfigError, match=message) as info:
        config(tmp_path, top, monitor)
    assert "\n" not in str(info.value)


def kept(store: TraceStore, name: str, size: int, age_s: float, now: float) -> Path:
    path = store.path_for("login-1", now - age_s).with_name(name)
    path.write_bytes(b"z" * size)
    os.utime(path, (now - age_s, now - age_s))
    return path


def test_new_traces_go_into_private_folders(tmp_path):
    store = TraceStore(tmp_path / "h.traces")
    (tmp_path / "h.traces").mkdir(mode=0o755)
    os.chmod(tmp_path / "h.traces", 0o755)  # made looser earlier: tightened
    path = store.path_for("login 1/x", 1_700_000_000.25)
    assert path == tmp_path / "h.traces" / "login_1_x" / "20231114T221320.250Z.zip"
    for folder in (path.parent, store.folder):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_pruning_drops_what_is_older_than_keep_traces(tmp_path):
    now = 1_800_000_000.0
    store = TraceStore(tmp_path / "t", TracePolicy(keep_s=86400.0, max_mb=10))
    old = kept(store, "old.zip", 10, 86400.0 + 60, now)
    young = kept(store, "young.zip", 10, 86400.0 - 60, now)
    assert store.prune(now) == [old]
    assert store.traces() == [young]


def test_pruning_drops_the_oldest_until_the_rest_fit(tmp_path):
    now = 1_800_000_000.0
    store = TraceStore(tmp_path / "t", TracePolicy(keep_s=30 * 86400.0, max_mb=1))
    oldest = kept(store, "a.zip", MB // 2, 300, now)
    middle = kept(store, "b.zip", MB // 2, 200, now)
    newest = kept(store, "c.zip", MB // 2, 100, now)
    assert store.prune(now) == [oldest]
    assert store.traces() == [middle, newest]
    assert store.prune(now) == []


FAILED = ProbeRecord(
    monitor_id="login-1", target="https://portal.example/", cip="C1", journey="later_login",
    started_at=1.0, failed_step=STEP_TITLES["login"],
    trace="/var/lib/probe/h.traces/login-1/20300101T000000.000Z.zip",
    network={
        "open": {"failed": [{"method": "GET", "path": "/favicon.ico", "status": 404, "error": ""}]},
        "login": {"failed": [
            {"method": "POST", "path": "/realms/r/login-actions/authenticate", "status": 502,
             "error": ""},
            {"method": "GET", "path": "/later", "status": 500, "error": ""},
        ]},
    },
)  # fmt: skip


def notice(**fields: object) -> Notice:
    return Notice(kind="alert", monitor_id="login-1", target="https://portal.example/",
                  cause="http_error", since=1.0, failures=1, **fields)  # fmt: skip


def test_the_alert_names_the_first_failed_request_of_the_failed_step_and_the_trace():
    evidence = _evidence(FAILED)
    assert evidence == {
        "trace": FAILED.trace,
        "request": "POST /realms/r/login-actions/authenticate",
        "request_status": 502,
        "request_error": "",
    }
    fr, en = (body(notice(**evidence), language) for language in ("fr", "en"))
    assert ("Requête en échec" + NBSP + ": POST /realms/r/login-actions/authenticate a répondu 502"
            in fr)  # fmt: skip
    assert "Failed request: POST /realms/r/login-actions/authenticate answered 502" in en
    assert f"Trace à rejouer (secrets retirés){NBSP}: {FAILED.trace} (à ouvrir avec" in fr
    assert f"Trace to replay (secrets removed): {FAILED.trace} (open it with" in en


def test_a_request_without_an_answer_says_why():
    lines = body(notice(request="GET /accueil", request_error="net::ERR_CONNECTION_RESET"), "en")
    assert "Failed request: GET /accueil got no answer (net::ERR_CONNECTION_RESET)" in lines


def test_with_a_report_url_the_trace_is_a_link_under_its_traces_folder():
    link = trace_link(FAILED.trace, "https://ci.example/rapport/")
    assert link == "https://ci.example/rapport/traces/login-1/20300101T000000.000Z.zip"
    shown = body(notice(trace=FAILED.trace), "en", "https://ci.example/rapport/")
    assert link in shown and "/var/lib/probe" not in shown


def test_a_passed_probe_or_a_probe_without_failed_requests_names_none():
    assert _evidence(ProbeRecord(**{**FAILED.__dict__, "status": "ok", "cause": None})) == {}
    quiet = ProbeRecord(**{**FAILED.__dict__, "network": {}, "trace": ""})
    assert _evidence(quiet) == {"trace": ""}
    assert first_failed_request("", FAILED.network) is None
    assert "Trace" not in body(notice(**_evidence(quiet)), "en")


def test_status_page_medians_skip_steps_the_browser_did_not_measure():
    networks = [{"open": {"vitals": {"lcp_ms": v, "ttfb_ms": None}}} for v in (100.0, 300.0, 200.0)]
    assert medians(networks, "lcp_ms") == {"open": 200.0}
    assert medians(networks, "ttfb_ms") == {}
