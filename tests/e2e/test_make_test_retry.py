"""``make test`` re-runs its failed tests once with their Playwright traces kept, and still fails.

Tracing every browser test would cost about half again their CPU, so traces are off by default
(as in pytest-playwright) and a failing run pays for them only on its failures, as Playwright
Test's ``trace: on-first-retry``. A small project of its own (one test that passes, one that
fails in a page) goes through the real Makefile, pytest, pytest-playwright and Chromium.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CONFTEST = """
import pytest
from pages import browser

@pytest.fixture(scope="session")
def browser_type_launch_args():
    return browser.launch_args()
"""

TESTS = """
import os

def _ran(name):
    with open(os.path.join(os.path.dirname(__file__), "ran.txt"), "a") as ran:
        ran.write(name + "\\n")

def test_passes():
    _ran("passes")

def test_fails_in_a_page(page):
    _ran("fails")
    page.set_content("<h1>Accueil</h1>")
    assert page.title() == "not this page"
"""


def test_a_failed_test_runs_once_more_with_its_trace_kept_and_the_run_still_fails(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_two.py").write_text(TESTS, encoding="utf-8")
    args = f"-c {tmp_path}/pytest.ini --rootdir {tmp_path} --output {tmp_path}/test-results"
    done = subprocess.run(
        ["make", "--no-print-directory", "test", f"PYTEST_ARGS={args} {tmp_path}/test_two.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode != 0, done.stdout[-3000:]
    assert "re-running the failed tests once to keep their traces" in done.stdout
    assert done.stdout.rstrip().splitlines()[-1].startswith("make test: FAILED")
    # The passing test ran once, the failing one twice, traced the second time only.
    ran = (tmp_path / "ran.txt").read_text(encoding="utf-8").split()
    assert sorted(ran) == ["fails", "fails", "passes"], ran
    traces = list((tmp_path / "test-results").rglob("trace.zip"))
    assert len(traces) == 1 and "fails-in-a-page" in str(traces[0]), traces
