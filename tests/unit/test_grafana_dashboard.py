"""The Grafana dashboard (deploy/grafana/eespresso.json) queries only what the runner exports,
and every query is PromQL that Prometheus's own parser accepts and a real Prometheus evaluates.

Grafana's variables are replaced by values of their kind first (``$monitor`` by a regular
expression, ``$__rate_interval`` by a duration). The parse check is ``promtool check rules``
on a rule file holding each query as a recording rule; the metric names are compared with the
``/metrics`` of a real ``python -m monitors run`` (whose monitor never opens a browser: a
cron slot once a year, up-checks of a sandbox every 5 s).
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bench.support.monitoring import free_port, write_config
from bench.support.processes import runner_process
from sandbox import running_sandbox
from tests.fixtures.prometheus import prometheus, query, wait_until

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "eespresso.json"
GRAFANA_VARIABLES = {
    "$__rate_interval": "2m",
    "$__interval": "1m",
    "$__range": "1d",
    "$monitor": ".*",
    "$probe": ".*",
}
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"),
            "summary": ("_sum", "_count")}  # fmt: skip
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
            "unless", "bool", "offset", "inf", "nan"}  # fmt: skip


def promql(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def queries() -> list[str]:
    """Every panel query, and the selectors inside the variables' ``label_values(...)``."""
    board = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    found = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    for variable in board["templating"]["list"]:
        if variable["type"] == "query":
            inner = re.fullmatch(r"label_values\((.+),\s*\w+\)", variable["query"]["query"])
            assert inner, variable["query"]
            found.append(inner.group(1))
    return [promql(expr) for expr in found]


def metric_names(expr: str) -> set[str]:
    """Metric names an expression selects: identifiers that are not functions, keywords,
    label names (inside braces or a grouping clause), durations or numbers."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # range selectors
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    names = re.findall(r"(?<![\w.])([A-Za-z_:][\w:]*)\b(?!\s*\()", expr)
    return {name for name in names if name.lower() not in KEYWORDS}


def test_the_dashboard_has_a_query_for_each_thing_ops_asked_for():
    names = set().union(*(metric_names(q) for q in queries()))
    for wanted in ("probe_success", "probe_step_duration_seconds", "probe_failures_total",
                   "probe_ssl_earliest_cert_expiry", "probe_password_expiry_timestamp_seconds",
                   "probe_account_paused", "probe_browser_web_vital_lcp",
                   "probe_browser_web_vital_fcp", "probe_browser_web_vital_cls",
                   "probe_browser_web_vital_ttfb", "probe_step_failed_requests"):  # fmt: skip
        assert wanted in names


def promtool_parse(tmp_path: Path, exprs: list[str]) -> subprocess.CompletedProcess:
    rules = [{"record": f"dashboard:query_{i}", "expr": expr} for i, expr in enumerate(exprs)]
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(json.dumps({"groups": [{"name": "dashboard", "rules": rules}]}))  # JSON is YAML
    return subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True,
                          text=True, timeout=60)  # fmt: skip


def test_every_query_parses(tmp_path):
    exprs = queries()
    done = promtool_parse(tmp_path, exprs)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {len(exprs)} rules found" in done.stdout


def test_the_parse_check_rejects_a_broken_query(tmp_path):
    done = promtool_parse(tmp_path, ["sum by (monitor (probe_success)"])
    assert done.returncode != 0 and "parse error" in (done.stdout + done.stderr)


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    """A real long-lived runner with up-checks of a real sandbox, and its /metrics text."""
    folder = tmp_path_factory.mktemp("dashboard")
    with running_sandbox() as portal:
        port = free_port()
        config = write_config(
            folder / "monitors.toml",
            {
                "accounts.probe": {"cip": "DASH0001", "password_env": "EESPRESSO_DASH_PASSWORD"},
                "targets.portal": {"base_url": portal.url, "up_every": "5s"},
                "metrics": {"port": port},
                "probe": {"name": "site-a"},
            },
            [{"id": "m", "target": "portal", "account": "probe", "cron": "0 0 1 1 *"}],
            history="history.sqlite",
        )
        with runner_process(config, {"EESPRESSO_DASH_PASSWORD": "Not-Used-Here-1234"}) as run:
            assert run.metrics_port() == port
            url = f"http://127.0.0.1:{port}/metrics"

            def text() -> str:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    return answer.read().decode()

            assert wait_until(lambda: "probe_upcheck_success{" in text(), timeout=30)
            yield folder, port, text()


def exported(text: str) -> set[str]:
    names = set()
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ()))
    return names


def test_queries_name_only_metrics_the_runner_exports(runner):
    _folder, _port, text = runner
    names = exported(text)
    assert "probe_password_expiry_timestamp_seconds" in names  # declared before any value
    for expr in queries():
        assert metric_names(expr) <= names, (expr, metric_names(expr) - names)


def test_the_runner_metrics_pass_promtool_lint(runner):
    _folder, _port, text = runner
    done = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.integration
def test_every_query_evaluates_on_a_real_prometheus_scraping_the_runner(runner):
    folder, port, _text = runner
    with prometheus(folder, [f"127.0.0.1:{port}"]) as prom:
        assert wait_until(lambda: query(prom, "probe_upcheck_success"), timeout=30)
        for expr in queries():
            answer = prom.get_json("/api/v1/query", query=expr)
            assert answer["status"] == "success", (expr, answer)
        upcheck = [expr for expr in queries() if "probe_upcheck_success" in expr]
        assert upcheck and query(prom, upcheck[0])  # the up-check panel has data
