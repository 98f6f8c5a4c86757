"""End to end: a real pytest run of the smoke set against the sandbox, then html and gate.

The E2E suite's ``smoke`` tests (one first access, one later login) run in a subprocess with
``--alluredir``; their own fixtures start the sandbox (``sandbox.running.running_sandbox``) and
the system Chromium. The results then go through ``python -m reports html`` and ``gate`` as a
release manager would run them, and the rendered report is opened offline in Chromium. The run's
secret ledger proves that no password, TOTP secret or otpauth URI reached the report, its
history, the summary or the JUnit file.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.fixtures.allure.support import offline_report, run_python

LEDGER_ENV = "EESPRESSO_SECRET_LEDGER"
# Allure's single-file report embeds its data as d("name","<base64>") calls.
ENVIRONMENT_WIDGET = "widgets/allure_environment.json"
_EMBEDDED = re.compile(r'd\("([^"]+)","([A-Za-z0-9+/=]*)"\)')


def embedded_file(index: Path, name: str) -> str:
    """One data file the report embeds, decoded."""
    for found, value in _EMBEDDED.findall(index.read_text(encoding="utf-8")):
        if found == name:
            return base64.b64decode(value).decode("utf-8")
    raise AssertionError(f"the report embeds no {name}")


def shown_after_reload(page: Page, text: str) -> None:
    """Wait for ``text``; Allure's page fetches each widget's data once, and on a loaded
    machine a widget may stay empty: one reload, then the text must show."""
    try:
        page.get_by_text(text).wait_for(timeout=15_000)
    except PlaywrightTimeoutError:
        page.reload()
        try:
            page.get_by_text(text).wait_for(timeout=30_000)
        except PlaywrightTimeoutError:
            body = page.inner_text("body")[:1500]
            raise AssertionError(f"{text!r} not shown; the page reads:\n{body}") from None


def embedded_text(index: Path) -> str:
    """The report's page plus every data file it embeds, decoded."""
    html = index.read_text(encoding="utf-8")
    parts = [html]
    for _, value in _EMBEDDED.findall(html):
        try:
            parts.append(base64.b64decode(value).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            continue
    return "\n".join(parts)


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    """Allure results of ``pytest -m smoke`` on the E2E suite, and the secrets it used."""
    work = tmp_path_factory.mktemp("smoke")
    results, ledger = work / "allure-results", work / "secrets.jsonl"
    done = run_python(
        "-m", "pytest", "-m", "smoke", "-p", "no:cacheprovider", "-q",
        f"--alluredir={results}", "tests/e2e",
        env={LEDGER_ENV: str(ledger)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    secrets = [json.loads(line)["value"] for line in ledger.read_text().splitlines()]
    assert secrets, "the smoke run recorded no secret: the ledger check would prove nothing"
    return work, results, secrets


def test_smoke_results_render_pass_the_gate_and_open_offline(smoke_run, playwright):
    work, results, secrets = smoke_run
    report, history = work / "report", work / "history.jsonl"
    summary, junit = work / "gate.md", work / "gate.xml"

    html = run_python("-m", "reports", "html", "--results", str(results), "--out", str(report),
               "--history", str(history))  # fmt: skip
    assert html.returncode == 0, html.stderr
    index = report / "index.html"
    assert html.stdout.strip() == f"report: {index}"

    gate = run_python("-m", "reports", "gate", "--results", str(results), "--summary", str(summary),
               "--junit", str(junit), "--report-url", index.as_uri(),
               "--language", "en")  # fmt: skip
    lines = gate.stdout.splitlines()
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert "PASS  journey[first access]: 1 test passed" in lines
    assert "PASS  journey[later login]: 1 test passed" in lines
    assert lines[-1] == "gate: PASS (0 of 7 failed)"
    assert f"[HTML report]({index.as_uri()})" in summary.read_text()
    assert len(ET.parse(junit).getroot().findall("./testsuite/testcase")) == 7

    environment = {row["name"] for row in json.loads(embedded_file(index, ENVIRONMENT_WIDGET))}
    assert {"target", "browser", "browser.version", "suite.version"} <= environment

    with offline_report(playwright, index) as (page, outside):
        shown_after_reload(page, "browser.version")  # the E2E environment, in the overview
        assert "suite.version" in page.inner_text("body")
        # The tree groups by the journeys' feature, then story; passed groups start collapsed.
        for group in ("First access", "first access", "Later login", "later login"):
            page.get_by_text(group, exact=True).first.click()
        for test in ("test_first_access", "test_later_login"):
            page.get_by_text(re.compile(f"^{test}")).first.wait_for()
        assert "Passed 2" in page.inner_text("body")
    assert outside == []

    written = [embedded_text(index), history.read_text(), summary.read_text(), junit.read_text()]
    leaked = [s for s in secrets if any(s in text for text in written)]
    assert leaked == [], f"{len(leaked)} secret(s) of the run reached the report or the gate files"
