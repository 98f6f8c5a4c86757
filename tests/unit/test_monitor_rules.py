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
