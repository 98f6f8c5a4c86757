"""The gate's verdict for people and for CI: a Markdown summary and a JUnit XML file.

The Markdown goes to a CI job summary or a pull-request comment (verdict, counts, failed tests
with their cause, SLO figures, a link to the HTML report), in the verdict's language; the JUnit
XML has one testcase per rule so any CI that reads JUnit shows which rule stopped the release.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from reports.categories import describe_failure
from reports.errors import InputError
from reports.gate import Verdict
from wording import count, percent, say, status_word


def _cell(text: str) -> str:
    """A Markdown table cell: pipes escaped, one line."""
    return " ".join(text.replace("|", "\\|").split())


def markdown(verdict: Verdict) -> str:
    results, lang = verdict.results, verdict.language
    failed_rules = sum(1 for rule in verdict.rules if not rule.passed)
    if verdict.passed:
        head = say(lang, "gate.title.pass")
    else:
        head = say(lang, "gate.title.fail", n=failed_rules, total=len(verdict.rules))
    cell = {True: say(lang, "gate.cell.pass"), False: say(lang, "gate.cell.fail")}
    lines = [
        head,
        "",
        say(lang, "gate.tests", total=len(results.tests), passed=results.count("passed"),
            failed=results.count("failed"), broken=results.count("broken"),
            skipped=results.count("skipped"), flaky=len(results.flaky),
            folder=results.directory),
        "",
        say(lang, "gate.rules_head"),
        "|---|---|---|",
        *(f"| {_cell(r.rule)} | {cell[r.passed]} | {_cell(r.detail)} |" for r in verdict.rules),
    ]  # fmt: skip
    if verdict.failed_tests:
        lines += ["", say(lang, "gate.failed_tests"), "", say(lang, "gate.failed_head"),
                  "|---|---|---|"]  # fmt: skip
        lines += [
            f"| {_cell(t.full_name)} | {status_word(t.status, lang)} |"
            f" {_cell(describe_failure(t, lang))} |"
            for t in verdict.failed_tests
        ]
    if verdict.slo is not None:
        slo = verdict.slo
        p95 = f"{slo.login_p95_ms:.0f} ms" if slo.login_p95_ms is not None else say(lang, "n_a")
        lines += [
            "",
            say(lang, "gate.monitors", hours=f"{slo.window_hours:g}"),
            "",
            say(lang, "gate.uptime", uptime=percent(100 * slo.uptime, lang, 2), up=slo.up,
                probes=count(slo.probes, "probe", lang)),
            say(lang, "gate.p95", p95=p95, logins=count(slo.logins, "successful_login", lang)),
        ]  # fmt: skip
    if verdict.report_url:
        report = say(lang, "gate.report", url=verdict.report_url)
    else:
        report = say(lang, "gate.no_report")
    lines += ["", report, ""]
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
