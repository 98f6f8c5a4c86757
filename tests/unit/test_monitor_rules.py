"""The shipped Prometheus rules and Alertmanager example are valid and fire as intended.

promtool and amtool come with Debian's prometheus and prometheus-alertmanager packages
(installed by `make test`).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def run(*argv: str, cwd: Path) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_rules_are_valid():
    assert "SUCCESS: 12 rules found" in run("promtool", "check", "rules", "rules.yml",
                                           cwd=DEPLOY / "prometheus")  # fmt: skip


def test_rules_fire_and_resolve_as_specified():
    run("promtool", "test", "rules", "rules_test.yml", cwd=DEPLOY / "prometheus")


def test_example_configs_are_valid():
    run("promtool", "check", "config", "prometheus.example.yml", cwd=DEPLOY / "prometheus")
    out = run("amtool", "check-config", "alertmanager.example.yml", cwd=DEPLOY / "alertmanager")
    assert "SUCCESS" in out


def test_rules_on_failing_or_slow_logins_are_silent_in_maintenance_windows(tmp_path):
    """A window (probe_maintenance 1) silences every failing-login rule, the locations' too;
    promtool replays a window and its end on the shipped rules alone."""
    import yaml

    rules = yaml.safe_load((DEPLOY / "prometheus" / "rules.yml").read_text(encoding="utf-8"))
    by_name = {
        r.get("alert") or r["record"]: r["expr"] for g in rules["groups"] for r in g["rules"]
    }
    for name in (
        "EespressoLoginDown",
        "EespressoLoginDegraded",
        "EespressoProbesStale",
        "EespressoLocationFailingAlone",
        "monitor:probe_locations_failing:count",
    ):
        assert "unless on (monitor, probe) probe_maintenance == 1" in " ".join(
            by_name[name].split()
        ), name  # fmt: skip
    tests = yaml.safe_load((DEPLOY / "prometheus" / "rules_test.yml").read_text(encoding="utf-8"))
    windowed = [
        t
        for t in tests["tests"]
        if any("probe_maintenance" in s["series"] for s in t["input_series"])
    ]
    assert windowed, "rules_test.yml replays a maintenance window"  # fmt: skip
    only = {"rule_files": [str(DEPLOY / "prometheus" / "rules.yml")],
            "evaluation_interval": "1m", "tests": windowed}  # fmt: skip
    (tmp_path / "window_test.yml").write_text(yaml.safe_dump(only), encoding="utf-8")
    run("promtool", "test", "rules", "window_test.yml", cwd=tmp_path)
