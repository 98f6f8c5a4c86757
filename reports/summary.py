"""The gate's verdict for people and for CI: a Markdown summary and a JUnit XML file.

The Markdown goes to a CI job summary or a pull-request comment (verdict, counts, failed tests
with their cause, SLO figures, a link to the HTML report); the JUnit XML has one testcase per
rule so any CI that reads JUnit shows which rule stopped the release.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from reports.categories import describe_failure
from reports.errors import InputError
from reports.gate import Verdict, plural


def _cell(text: str) -> str:
    """A Markdown table cell: pipes escaped, one line."""
    return " ".join(text.replace("|", "\\|").split())


def markdown(verdict: Verdict) -> str:
    results = verdict.results
    failed_rules = sum(1 for rule in verdict.rules if not rule.passed)
    total = len(verdict.rules)
    head = "✅ PASS" if verdict.passed else f"❌ FAIL ({failed_rules} of {total} rules)"
    lines = [
        f"## Release gate: {head}",
        "",
        f"**Tests:** {len(results.tests)} total, {results.count('passed')} passed,"
        f" {results.count('failed')} failed, {results.count('broken')} broken,"
        f" {results.count('skipped')} skipped, {len(results.flaky)} flaky"
        f" (results: `{results.directory}`)",
        "",
        "| rule | result | detail |",
        "|---|---|---|",
        *(
            f"| {_cell(r.rule)} | {'pass' if r.passed else '**FAIL**'} | {_cell(r.detail)} |"
            for r in verdict.rules
        ),
    ]
    if verdict.failed_tests:
        lines += ["", "### Failed tests", "", "| test | status | cause |", "|---|---|---|"]
        lines += [
            f"| {_cell(t.full_name)} | {t.status} | {_cell(describe_failure(t))} |"
            for t in verdict.failed_tests
        ]
    if verdict.slo is not None:
        slo = verdict.slo
        p95 = f"{slo.login_p95_ms:.0f} ms" if slo.login_p95_ms is not None else "n/a"
        lines += [
            "",
            f"### Monitors (last {slo.window_hours:g} h)",
            "",
            f"- uptime: {slo.uptime:.2%} ({slo.up} of {plural(slo.probes, 'probe')} up)",
            f"- p95 login time: {p95} ({plural(slo.logins, 'successful login')})",
        ]
    link = f"[HTML report]({verdict.report_url})" if verdict.report_url else "no HTML report linked"
    lines += ["", f"Report: {link}", ""]
    return "\n".join(lines)


def junit_xml(verdict: Verdict) -> bytes:
    failures = sum(1 for rule in verdict.rules if not rule.passed)
    suite = ET.Element(
        "testsuite",
        name="release-gate",
        tests=str(len(verdict.rules)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for rule in verdict.rules:
        case = ET.SubElement(suite, "testcase", classname="release-gate", name=rule.rule)
        if rule.passed:
            ET.SubElement(case, "system-out").text = rule.detail
        else:
            ET.SubElement(case, "failure", message=rule.detail, type="GateRuleFailed")
    suites = ET.Element("testsuites", name="release-gate")
    suites.append(suite)
    ET.indent(suites)
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True)


def write_outputs(verdict: Verdict, summary: Path | None, junit: Path | None) -> None:
    for path, data in ((summary, markdown(verdict).encode()), (junit, junit_xml(verdict))):
        if path is None:
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror}; choose another path") from exc
