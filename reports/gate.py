"""``python -m reports gate``: the release verdict, one line per rule.

Exit 0 when every rule passes, 1 when one fails, 2 when the input is unusable (``InputError``).
The test-count rules are Allure 3's own quality gate (``allure quality-gate``), run as a
subprocess with the policy's thresholds; the rules Allure cannot express (critical journeys,
blocking severities, flaky tests, monitors' SLOs) are evaluated here on the same results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reports.allure_cli import last_line, run_allure
from reports.allure_config import allure_config, allure_workdir, write_config
from reports.categories import describe_failure
from reports.errors import InputError
from reports.history import SloFigures, read_slo
from reports.policy import AllureRules, Policy
from reports.results import Outcome, Results

# " ⨯ The number of failed tests 1 exceeds the allowed threshold value 0    maxFailures"
_ALLURE_FAILURE = re.compile(r"^\s*⨯\s+(?P<message>.+?)\s{2,}(?P<rule>\w+)\s*$")


@dataclass(frozen=True)
class RuleOutcome:
    """One rule's verdict: ``rule`` is a stable id (JUnit test name), ``detail`` one line."""

    rule: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'}  {self.rule}: {self.detail}"


@dataclass
class Verdict:
    results: Results
    rules: list[RuleOutcome]
    slo: SloFigures | None = None
    report_url: str = ""
    failed_tests: list[Outcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(rule.passed for rule in self.rules)


def evaluate(results: Results, policy: Policy, history: Path | None, report_url: str) -> Verdict:
    """Every rule of ``policy`` on ``results`` (and ``history``); raises ``InputError``."""
    if policy.has_monitors and history is None:
        raise InputError(
            f"policy {policy.source} has [monitors] rules: pass --history monitors.sqlite"
        )
    slo = None
    if history is not None:
        m = policy.monitors
        slo = read_slo(
            history,
            window_hours=m.window_hours,
            login_journey=m.login_journey,
            monitor_ids=m.monitor_ids,
        )
    rules = [
        *allure_quality_gate(results, policy.allure),
        *journey_rules(results, policy),
        severity_rule(results, policy),
        flaky_rule(results, policy),
        *(slo_rules(slo, policy) if slo else []),
    ]
    failed = [test for test in results.tests if test.failed]
    return Verdict(results, rules, slo, report_url or policy.report.url, failed)


def allure_quality_gate(results: Results, rules: AllureRules) -> list[RuleOutcome]:
    """Allure 3's ``quality-gate`` with our thresholds; its messages name the failed rules."""
    thresholds = {
        "maxFailures": rules.max_failures,
        "minTestsCount": rules.min_tests,
        "successRate": rules.success_rate,
    }
    with allure_workdir() as work:
        config = write_config(work, allure_config(quality_gate=thresholds))
        folder = str(results.directory.resolve())
        done = run_allure(["quality-gate", "-c", config, folder], cwd=work)
    failures = {}
    for line in done.stderr.splitlines():
        match = _ALLURE_FAILURE.match(line)
        if match:
            failures[match["rule"]] = match["message"]
    if done.returncode not in (0, 1) or (done.returncode == 1 and not failures):
        raise InputError(f"allure quality-gate failed: {last_line(done.stderr + done.stdout)}")
    unsuccessful = results.count("failed", "broken")
    # As Allure 3.14 computes it (core/qualityGate/rules.js): passed / all, skipped included.
    rate = results.count("passed") / len(results.tests)
    within = {
        "maxFailures": f"{unsuccessful} failed or broken tests, at most {rules.max_failures}",
        "minTestsCount": f"{plural(len(results.tests), 'test')}, at least {rules.min_tests}",
        "successRate": f"success rate {rate:.1%}, at least {rules.success_rate:.1%}",
    }
    return [
        RuleOutcome(f"allure.{rule}", rule not in failures, failures.get(rule, within[rule]))
        for rule in thresholds
    ]


def journey_rules(results: Results, policy: Policy) -> list[RuleOutcome]:
    """Each critical journey is present (a test labelled with it) and all its tests passed."""
    label = policy.journeys.label
    outcomes = []
    for journey in policy.journeys.required:
        tests = [
            test
            for test in results.tests
            if any(v.strip().casefold() == journey.casefold() for v in test.label_values(label))
        ]
        rule = f"journey[{journey}]"
        not_passed = [test for test in tests if test.status != "passed"]
        if not tests:
            outcomes.append(RuleOutcome(rule, False, f"missing: no test with {label}={journey!r}"))
        elif not_passed:
            outcomes.append(RuleOutcome(rule, False, f"not passed: {_list(not_passed)}"))
        else:
            outcomes.append(RuleOutcome(rule, True, f"{plural(len(tests), 'test')} passed"))
    return outcomes


def severity_rule(results: Results, policy: Policy) -> RuleOutcome:
    blocking = [s.lower() for s in policy.severity.blocking]
    names = "/".join(blocking) or "none"
    failed = [test for test in results.tests if test.failed and test.severity in blocking]
    if failed:
        return RuleOutcome("severity", False, f"failed tests of severity {names}: {_list(failed)}")
    return RuleOutcome("severity", True, f"no failed test of severity {names}")


def flaky_rule(results: Results, policy: Policy) -> RuleOutcome:
    flaky = results.flaky
    if not flaky:
        return RuleOutcome("flaky", True, "no test passed only on retry")
    names = ", ".join(test.name for test in flaky)
    if policy.flaky.count_as_failed:
        return RuleOutcome("flaky", False, f"passed only on retry, counted as failed: {names}")
    return RuleOutcome("flaky", True, f"passed only on retry, tolerated by policy: {names}")


def slo_rules(slo: SloFigures, policy: Policy) -> list[RuleOutcome]:
    m = policy.monitors
    window = f"last {slo.window_hours:g} h"
    uptime = RuleOutcome(
        "monitors.uptime",
        slo.uptime >= m.uptime_min,
        f"{slo.uptime:.2%} of {plural(slo.probes, 'probe')} up over the {window},"
        f" target {m.uptime_min:.2%}",
    )
    if slo.login_p95_ms is None:
        detail = f"no successful {m.login_journey} probe over the {window}"
        return [uptime, RuleOutcome("monitors.login_p95", False, detail)]
    p95 = RuleOutcome(
        "monitors.login_p95",
        slo.login_p95_ms <= m.login_p95_max_ms,
        f"p95 {m.login_journey} {slo.login_p95_ms:.0f} ms over {plural(slo.logins, 'probe')} in the"
        f" {window}, bound {m.login_p95_max_ms:.0f} ms",
    )
    return [uptime, p95]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _list(tests: list[Outcome], limit: int = 5) -> str:
    shown = [f"{test.name} ({test.status}: {describe_failure(test)})" for test in tests[:limit]]
    more = f" and {len(tests) - limit} more" if len(tests) > limit else ""
    return "; ".join(shown) + more
