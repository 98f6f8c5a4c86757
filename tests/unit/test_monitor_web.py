"""The runner's HTTP endpoint on a real socket: ``/status`` for people beside ``/metrics``."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from monitors.config import load
from monitors.metrics import ProbeMetrics
from monitors.status import summarise
from monitors.status_page import render_page
from monitors.web import REFRESH_S
from tests.fixtures.monitor_history import seeded_config


def get(port: int, path: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_status_and_metrics_share_the_port(tmp_path):
    config = load(seeded_config(tmp_path, "fr"))
    metrics = ProbeMetrics()
    metrics.seed("login-a", config.monitors[0].target.base_url, None, paused=True)
    pages = []

    def page() -> str:
        pages.append(1)
        return render_page(summarise(config), refresh_s=REFRESH_S)

    port = metrics.serve(0, status_page=page)
    code, kind, html = get(port, "/status")
    assert (code, kind) == (200, "text/html; charset=utf-8")
    assert f"<meta http-equiv='refresh' content='{REFRESH_S}'>" in html
    assert "État des sondes eEspresso" in html
    assert f"Cette page se recharge toutes les {REFRESH_S} s." in html
    assert get(port, "/status/")[0] == 200 and len(pages) == 2  # rendered at each request
    code, kind, text = get(port, "/metrics")
    assert code == 200 and kind.startswith("text/plain") and "# HELP" in text
    assert 'monitor="login-a"' in text


def test_a_broken_status_page_leaves_the_metrics_up(tmp_path, caplog):
    def broken() -> str:
        raise OSError("disk I/O error")

    port = ProbeMetrics().serve(0, status_page=broken)
    code, kind, text = get(port, "/status")
    assert (code, text) == (503, "status page unavailable: see the runner's log")
    assert "status page failed" in caplog.text
    assert get(port, "/metrics")[0] == 200


@pytest.mark.parametrize("path", ["/metrics", "/status"])
def test_without_a_status_page_every_path_is_the_metrics(path):
    port = ProbeMetrics().serve(0)
    code, _, text = get(port, path)
    assert code == 200 and "# HELP" in text
