"""The cost bench (``bench/bench_costs.py``): its switches turn off what they name, in its
process only, and put it back; each variant still logs in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_costs  # noqa: E402

import pages.steps  # noqa: E402
from authenticator.guard import Attempt  # noqa: E402
from authenticator.vault import Vault  # noqa: E402
from pages.navigation import Navigation  # noqa: E402
from pages.screens import BaseScreen, LoginPage  # noqa: E402

pytestmark = pytest.mark.sandbox_only("the bench starts its own sandbox and enrols its accounts")


def _state() -> tuple:
    screens = BaseScreen.__subclasses__()
    return (
        Attempt.submitting,
        Attempt.proven,
        Vault.claim_step,
        pages.steps.StepWatch,
        "loaded" in Navigation.__dict__,
        {screen: screen.__dict__.get("excludes") for screen in screens},
    )


def test_the_switches_turn_off_what_they_name_and_put_it_back() -> None:
    before = _state()
    with bench_costs.without(*bench_costs.SAFEGUARDS):
        assert Attempt.submitting is not before[0] and Vault.claim_step is not before[2]
        assert pages.steps.StepWatch is not before[3]
        assert isinstance(Navigation.__dict__["loaded"], property)
        assert "LockoutPage" in LoginPage.excludes
    assert _state() == before


def test_each_variant_logs_in() -> None:
    """Run as a person runs it (its own Playwright, sandbox and accounts): a variant whose
    login fails stops the bench with its cause."""
    done = subprocess.run(
        [sys.executable, str(BENCH / "bench_costs.py"), "--samples", "1"],
        capture_output=True, text=True, timeout=300, cwd=BENCH.parent,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")][2:]
    assert [row.split(" | ")[0][2:] for row in rows] == [
        "ours",
        *(f"ours without {name}" for name in bench_costs.SAFEGUARDS),
        "ours with only guard and vault records",
        "ours without all four",
        "bare, by role and label",
        "bare",
    ]
    assert all(float(row.split(" | ")[1].removesuffix(" ms")) > 0 for row in rows)
