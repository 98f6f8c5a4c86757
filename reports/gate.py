"""``python -m reports gate``: the release verdict, one line per rule.

Exit 0 when every rule passes, 1 when one fails, 2 when the input is unusable (``InputError``).
The test-count rules are Allure 3's own quality gate (``allure quality-gate``), run as a
subprocess with the policy's thresholds; the rules Allure cannot express (critical journeys,
blocking severities, flaky tests, monitors' SLOs) are evaluated here on the same results.
Allure decides which of its rules failed; every detail is written by us (``wording``), in
French or English, from the same figures.
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
from wording import DEFAULT, Language, count, percent, say, status_word

# " ⨯ The number of failed tests 1 exceeds the allowed threshold value 0    maxFailures"
_ALLURE_FAILURE = re.compile(r"^\s*⨯\s+(?P<message>.+?)\s{2,}(?P<rule>\w+)\s*$")


@dataclass(frozen=True)
class RuleOutcome:
    """One rule's verdict: ``rule`` is a stable id (JUnit test name), ``detail`` one line."""

    rule: str
    passed: bool
    detail: str

    def line(self, language: Language = DEFAULT) -> str:
        """``PASS  rule: detail``, the verdict words padded to one width."""
        words = [say(language, "gate.line.pass"), say(language, "gate.line.fail")]
        word = words[0] if self.passed else words[1]
        rule = say(language, "gate.line", rule=self.rule, detail=self.detail)
        return f"{word.ljust(max(map(len, words)))}  {rule}"


@dataclass
class Verdict:
    results: Results
    rules: list[RuleOutcome]
    slo: SloFigures | None = None
    report_url: str = ""
    failed_tests: list[Outcome] = field(default_factory=list)
    language: Language = DEFAULT

    @property
    def passed(self) -> bool:
        return all(rule.passed for rule in self.rules)


def evaluate(
    results: Results,
    policy: Policy,
    history: Path | None,
    report_url: str,
    language: Language = DEFAULT,
) -> Verdict:
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
        *allure_quality_gate(results, policy.allure, language),
        *journey_rules(results, policy, language),
        severity_rule(results, policy, language),
        flaky_rule(results, policy, language),
        *(slo_rules(slo, policy, language) if slo else []),
    ]
    failed = [test for test in results.tests if test.failed]
    return Verdict(results, rules, slo, report_url or policy.report.url, failed, language)


def allure_quality_gate(
    results: Results, rules: AllureRules, language: Language = DEFAULT
) -> list[RuleOutcome]:
    """Allure 3's ``quality-gate`` with our thresholds; its output names the failed rules."""
    thresholds = {
        "maxFailures": rules.max_failures,
        "minTestsCount": rules.min_tests,
        "successRate": rules.success_rate,
    }
    with allure_workdir() as work:
        config = write_config(work, allure_config(quality_gate=thresholds))
        folder = str(results.directory.resolve())
        done = run_allure(["quality-gate", "-c", config, folder], cwd=work)
    failed = {match["rule"] for line in done.stderr.splitlines()
              if (match := _ALLURE_FAILURE.match(line))}  # fmt: skip
    if done.returncode not in (0, 1) or (done.returncode == 1 and not failed):
        raise InputError(f"allure quality-gate failed: {last_line(done.stderr + done.stdout)}")
    unsuccessful = results.count("failed", "broken")
    # As Allure 3.14 computes it (core/qualityGate/rules.js): passed / all, skipped included.
    rate = results.count("passed") / len(results.tests)
    details = {
        "maxFailures": say(language, "gate.rule.max_failures",
                           tests=count(unsuccessful, "unsuccessful_test", language),
                           max=rules.max_failures),
        "minTestsCount": say(language, "gate.rule.min_tests",
                             tests=count(len(results.tests), "test", language),
                             min=rules.min_tests),
        "successRate": say(language, "gate.rule.success_rate",
                           rate=percent(100 * rate, language),
                           min=percent(100 * rules.success_rate, language)),
    }  # fmt: skip
    return [RuleOutcome(f"allure.{rule}", rule not in failed, details[rule]) for rule in thresholds]


def journey_rules(
    results: Results, policy: Policy, language: Language = DEFAULT
) -> list[RuleOutcome]:
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
            detail = say(language, "gate.rule.journey_missing", label=label, journey=repr(journey))
            outcomes.append(RuleOutcome(rule, False, detail))
        elif not_passed:
            detail = say(language, "gate.rule.journey_failed", tests=_list(not_passed, language))
            outcomes.append(RuleOutcome(rule, False, detail))
        else:
            outcomes.append(RuleOutcome(rule, True, count(len(tests), "passed_test", language)))
    return outcomes


def severity_rule(results: Results, policy: Policy, language: Language = DEFAULT) -> RuleOutcome:
    blocking = [s.lower() for s in policy.severity.blocking]
    names = "/".join(blocking) or say(language, "gate.none")
    failed = [test for test in results.tests if test.failed and test.severity in blocking]
    if failed:
        tests = _list(failed, language)
        detail = say(language, "gate.rule.severity_failed", names=names, tests=tests)
        return RuleOutcome("severity", False, detail)
    return RuleOutcome("severity", True, say(language, "gate.rule.severity_ok", names=names))


def flaky_rule(results: Results, policy: Policy, language: Language = DEFAULT) -> RuleOutcome:
    flaky = results.flaky
    if not flaky:
        return RuleOutcome("flaky", True, say(language, "gate.rule.flaky_none"))
    names = ", ".join(test.name for test in flaky)
    if policy.flaky.count_as_failed:
        return RuleOutcome("flaky", False, say(language, "gate.rule.flaky_failed", names=names))
    return RuleOutcome("flaky", True, say(language, "gate.rule.flaky_tolerated", names=names))


def slo_rules(slo: SloFigures, policy: Policy, language: Language = DEFAULT) -> list[RuleOutcome]:
    m = policy.monitors
    window = say(language, "gate.window", hours=f"{slo.window_hours:g}")
    uptime = RuleOutcome(
        "monitors.uptime",
        slo.uptime >= m.uptime_min,
        say(language, "gate.rule.uptime", uptime=percent(100 * slo.uptime, language, 2),
            probes=count(slo.probes, "probe", language), window=window,
            target=percent(100 * m.uptime_min, language, 2)),
    )  # fmt: skip
    if slo.login_p95_ms is None:
        detail = say(language, "gate.rule.no_login", journey=m.login_journey, window=window)
        return [uptime, RuleOutcome("monitors.login_p95", False, detail)]
    p95 = RuleOutcome(
        "monitors.login_p95",
        slo.login_p95_ms <= m.login_p95_max_ms,
        say(language, "gate.rule.p95", journey=m.login_journey, p95=f"{slo.login_p95_ms:.0f}",
            probes=count(slo.logins, "probe", language), window=window,
            max=f"{m.login_p95_max_ms:.0f}"),
    )  # fmt: skip
    return [uptime, p95]


def _list(tests: list[Outcome], language: Language, limit: int = 5) -> str:
    shown = [
        say(language, "gate.test_item", name=test.name, status=status_word(test.status, language),
            cause=describe_failure(test, language))
        for test in tests[:limit]
    ]  # fmt: skip
    more = say(language, "gate.more", n=len(tests) - limit) if len(tests) > limit else ""
    return "; ".join(shown) + more
