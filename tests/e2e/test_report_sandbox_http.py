"""End to end without a browser journey: real pytest runs against the sandbox, then html + gate.

A small real pytest file (tests/fixtures/allure/http_login_journey.py) logs into a sandbox
started with ``sandbox.running.running_sandbox`` over HTTP, once with the right password and
once with a password the portal refuses. Both results folders go through ``python -m reports
gate`` and ``html`` as subprocesses: the first passes, the second fails on the critical journey
with the cause in words, and its report shows the failure under « Credentials refused ».
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import pyotp
import pytest

from sandbox import running_sandbox
from tests.fixtures.allure.support import FIXTURES, offline_report, run_python

JOURNEY = FIXTURES / "http_login_journey.py"


def run_journey(work: Path, name: str, env: dict[str, str]) -> Path:
    """Run the HTTP journey file with pytest into ``work/name``; return the results folder."""
    folder = work / name
    folder.mkdir()
    shutil.copy(JOURNEY, folder / "test_http_login.py")
    results = work / f"{name}-results"
    run_python("-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", os.devnull,
           f"--alluredir={results}", "test_http_login.py", cwd=folder, env=env)  # fmt: skip
    return results


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    work = tmp_path_factory.mktemp("http")
    secret, password = pyotp.random_base32(), secrets.token_urlsafe(12)
    with running_sandbox() as portal:
        portal.admin.create_account("REPORT01", password, enrolled=True, secret=secret)
        env = {"REPORTS_E2E_URL": portal.url, "REPORTS_E2E_CIP": "REPORT01",
               "REPORTS_E2E_SECRET": secret, "REPORTS_E2E_PASSWORD": password}  # fmt: skip
        good = run_journey(work, "good", env)
        refused = run_journey(work, "refused", {**env, "REPORTS_E2E_PASSWORD": password + "x"})
    return work, good, refused, [secret, password]


def policy(work: Path) -> Path:
    path = work / "gate.toml"  # this journey file has no first access: only later login
    path.write_text('[journeys]\nrequired = ["later login"]\n[allure]\nmin_tests = 1\n')
    return path


def test_a_good_login_passes_the_gate(runs):
    work, good, _, _ = runs
    gate = run_python(
        "-m", "reports", "gate", "--results", str(good), "--policy", str(policy(work)),
        "--language", "en",
    )  # fmt: skip
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert "PASS  journey[later login]: 1 test passed" in gate.stdout.splitlines()


def test_refused_credentials_fail_the_gate_and_show_in_the_report(runs, playwright):
    work, good, refused, used = runs
    summary, history, report = work / "gate.md", work / "history.jsonl", work / "report"
    gate = run_python("-m", "reports", "gate", "--results", str(refused), "--policy",
                  str(policy(work)), "--summary", str(summary))  # fmt: skip
    assert gate.returncode == 1, gate.stdout + gate.stderr
    lines = gate.stdout.splitlines()  # in French, the gate's default
    assert (
        "ÉCHEC   journey[later login]\u00a0: non réussi\u00a0: test_later_login_over_http"
        " (en échec\u00a0: Mot de passe refusé (credentials_rejected))"
    ) in lines
    assert lines[-1] == "contrôle\u00a0: ÉCHEC (4 sur 6 en échec)"
    assert "| en échec | Mot de passe refusé (credentials_rejected) |" in summary.read_text()

    for results in (good, refused):  # two runs into one history: the report has a trend
        html = run_python("-m", "reports", "html", "--results", str(results), "--out", str(report),
                      "--history", str(history))  # fmt: skip
        assert html.returncode == 0, html.stderr
    assert len(history.read_text().splitlines()) == 2
    with offline_report(playwright, report / "index.html") as (page, outside):
        page.get_by_text("test_later_login_over_http").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Categories").first.click()
        page.get_by_text("Credentials refused").wait_for()
    assert outside == []
    written = [summary.read_text(), history.read_text(), gate.stdout]
    assert not [s for s in used if any(s in text for text in written)]
