"""The HTML report through the real Allure Report 3 and the real Chromium.

The report must open from disk with no server and no network: it is loaded from ``file://`` in
Debian's Chromium (``pages.browser.launch_args()``), every request it makes must stay on disk,
and the page must show the tests, the journey-cause category and the suite's version.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.allure.support import FIXTURES, cli, offline_report


def render(capsys, results: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return cli(capsys, "html", "--results", str(results), "--out", str(out), *extra)


def test_report_opens_from_disk_offline_and_shows_the_tests(capsys, playwright, tmp_path):
    out = tmp_path / "report"
    code, stdout, _ = render(capsys, FIXTURES / "failure", out)
    assert code == 0
    index = out / "index.html"
    assert stdout.strip() == f"report: {index}"
    with offline_report(playwright, index) as (page, outside):
        check_failure_report(page)
    assert outside == []  # no analytics, fonts or data fetched from anywhere but the disk
    assert "googletagmanager" not in index.read_text(encoding="utf-8")


def check_failure_report(page) -> None:
    """The failure fixture's report: its tests, environment and journey-cause category."""
    page.get_by_text("test_later_login").first.wait_for(timeout=30_000)  # failed: expanded
    assert "eEspresso remote access" in page.title()
    # Grouped by feature, then story (the E2E suite's labels); passed groups start collapsed.
    page.get_by_text("first access", exact=True).first.click()
    page.get_by_text("test_first_access").first.wait_for()
    page.get_by_text("home page", exact=True).first.click()
    page.get_by_text("test_home_lists_devices").first.wait_for()
    page.get_by_text("suite.version").wait_for()  # the environment, shown expanded
    page.get_by_role("button", name="Categories").first.click()
    page.get_by_text("Authenticator code refused").wait_for()


def status_dynamics(playwright, index: Path) -> str:
    """The text of the report's « Status dynamics » trend chart (Graphs section)."""
    with offline_report(playwright, index) as (page, _):
        page.get_by_role("button", name="Report").first.click()  # the section menu
        page.get_by_text("Graphs", exact=True).click()
        page.get_by_text("Status dynamics").wait_for()
        body = page.inner_text("body")
    return body.split("Status dynamics", 1)[1].split("Test results by severities", 1)[0]


def test_history_is_kept_across_runs_for_trends(capsys, playwright, tmp_path):
    history, out = tmp_path / "history.jsonl", tmp_path / "report"
    code, _, _ = render(capsys, FIXTURES / "failure", out, "--no-history")
    assert code == 0
    assert "No history information available" in status_dynamics(playwright, out / "index.html")
    for results in ("failure", "all_pass"):
        code, _, _ = render(capsys, FIXTURES / results, out, "--history", str(history))
        assert code == 0
    runs = [json.loads(line) for line in history.read_text().splitlines()]
    assert len(runs) == 2
    statuses = [sorted(r["status"] for r in run["testResults"].values()) for run in runs]
    assert statuses == [["failed", "passed", "passed"], ["passed", "passed", "passed"]]
    trend = status_dynamics(playwright, out / "index.html")
    assert "No history information available" not in trend and "Latest" in trend


def test_default_history_sits_beside_the_report(capsys, tmp_path):
    code, _, _ = render(capsys, FIXTURES / "all_pass", tmp_path / "report")
    assert code == 0
    assert len((tmp_path / "report-history.jsonl").read_text().splitlines()) == 1


def test_a_folder_that_is_not_a_report_is_never_overwritten(capsys, tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code, stdout, stderr = render(capsys, FIXTURES / "all_pass", out)
    assert (code, stdout) == (2, "")
    assert "is not empty and holds no report: choose another folder" in stderr
    assert (out / "notes.txt").read_text() == "keep me"


def test_unusable_results_render_nothing(capsys, tmp_path):
    out = tmp_path / "report"
    code, _, stderr = render(capsys, FIXTURES / "corrupt", out)
    assert code == 2 and "is not valid JSON" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_missing_allure_says_run_make_setup(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("EESPRESSO_ALLURE", str(tmp_path / "allure"))
    code, _, stderr = render(capsys, FIXTURES / "all_pass", tmp_path / "report")
    assert code == 2
    assert stderr.strip() == (
        f"reports html: error: EESPRESSO_ALLURE={tmp_path / 'allure'} is not executable:"
        " fix or unset it"
    )


def test_a_web_page_folder_is_not_taken_for_a_report(capsys, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("<h1>our intranet</h1>")
    (out / "logo.png").write_bytes(b"\x89PNG")
    code, _, stderr = render(capsys, FIXTURES / "all_pass", out)
    assert code == 2 and "holds no report" in stderr
    assert (out / "index.html").read_text() == "<h1>our intranet</h1>"
