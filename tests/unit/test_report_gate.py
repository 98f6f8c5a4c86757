"""The release gate on crafted allure-pytest results: exit codes and one line per rule.

The folders under tests/fixtures/allure/ are real allure-pytest output (see generate.py); the
test-count rules run through the real Allure 3 CLI (node), so these tests need ``make setup``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.fixtures.allure.support import FIXTURES, ROOT, cli


def gate(capsys, folder: str, *extra: str, language="en") -> tuple[int, list[str], str]:
    """The gate in English unless told (its default is French: see the test of it below)."""
    argv = ["gate", "--results", str(FIXTURES / folder), *extra]
    code, out, err = cli(capsys, *argv, *(["--language", language] if language else []))
    return code, out.splitlines(), err


def assert_unusable(result: tuple[int, list[str], str], says: str) -> None:
    """Exit 2, no rule line (never a verdict, never a pass), one error line saying ``says``."""
    code, lines, err = result
    assert (code, lines) == (2, [])
    assert len(err.strip().splitlines()) == 1 and says in err
    assert err.startswith("reports gate: error: ")


def line_of(lines: list[str], rule: str) -> str:
    found = [line for line in lines if line[6:].startswith(f"{rule}:")]  # "PASS  rule: ..."
    assert len(found) == 1, lines
    return found[0]


def test_all_pass_exits_0_with_one_pass_line_per_rule(capsys, tmp_path):
    summary, junit = tmp_path / "gate.md", tmp_path / "gate.xml"
    code, lines, err = gate(capsys, "all_pass", "--summary", str(summary), "--junit", str(junit))
    assert code == 0, (lines, err)
    rules = lines[:-1]
    assert [line.split()[0] for line in rules] == ["PASS"] * 7
    assert [line[6:].split(":")[0] for line in rules] == [
        "allure.maxFailures",
        "allure.minTestsCount",
        "allure.successRate",
        "journey[first access]",
        "journey[later login]",
        "severity",
        "flaky",
    ]
    assert lines[-1] == "gate: PASS (0 of 7 failed)"
    assert summary.read_text().startswith("## Release gate: ✅ PASS")
    cases = ET.parse(junit).getroot().findall("./testsuite/testcase")
    assert len(cases) == 7 and not any(case.find("failure") is not None for case in cases)


def test_a_failed_critical_journey_fails_three_ways(capsys, tmp_path):
    summary, junit = tmp_path / "gate.md", tmp_path / "gate.xml"
    code, lines, _ = gate(capsys, "failure", "--summary", str(summary), "--junit", str(junit))
    assert code == 1
    assert line_of(lines, "allure.maxFailures").startswith("FAIL")  # Allure's own verdict
    assert "1 failed or broken test, at most 0" in line_of(lines, "allure.maxFailures")
    assert line_of(lines, "allure.minTestsCount").startswith("PASS")
    later = line_of(lines, "journey[later login]")
    assert later.startswith("FAIL") and "Authenticator code refused (code_rejected)" in later
    assert line_of(lines, "severity").startswith("FAIL")
    assert lines[-1] == "gate: FAIL (4 of 7 failed)"
    text = summary.read_text()
    assert "❌ FAIL" in text and "### Failed tests" in text
    assert "| test_journeys#test_later_login | failed | Authenticator code refused" in text
    failures = ET.parse(junit).getroot().findall("./testsuite/testcase/failure")
    assert len(failures) == 4


def test_a_missing_journey_fails_its_rule_only(capsys):
    code, lines, _ = gate(capsys, "missing_journey")
    assert code == 1
    failed = [line for line in lines if line.startswith("FAIL")]
    assert failed == ["FAIL  journey[later login]: missing: no test with story='later login'"]


def test_broken_and_skipped_tests_count_as_allure_does(capsys):
    code, lines, _ = gate(capsys, "broken")
    assert code == 1
    assert line_of(lines, "allure.maxFailures") == (  # broken counts as failed
        "FAIL  allure.maxFailures: 1 failed or broken test, at most 0"
    )
    assert line_of(lines, "allure.successRate") == (
        "FAIL  allure.successRate: success rate 50.0%, at least 90.0%"
    )  # 2 passed of 4: the skipped test is not a success
    assert line_of(lines, "severity").startswith("PASS")  # normal and minor severities only
    assert [line for line in lines if line.startswith("FAIL")] == [
        line_of(lines, "allure.maxFailures"),
        line_of(lines, "allure.successRate"),
    ]


def test_flaky_passes_by_default_and_fails_when_the_policy_counts_it(capsys, tmp_path):
    code, lines, _ = gate(capsys, "flaky")
    assert code == 0
    assert line_of(lines, "flaky") == (
        "PASS  flaky: passed only on retry, tolerated by policy: test_later_login"
    )
    policy = tmp_path / "gate.toml"
    policy.write_text("[flaky]\ncount_as_failed = true\n")
    code, lines, _ = gate(capsys, "flaky", "--policy", str(policy))
    assert code == 1
    assert line_of(lines, "flaky").startswith("FAIL  flaky: passed only on retry, counted")


NBSP = "\u00a0"


def test_the_verdict_is_french_by_default(capsys, tmp_path):
    summary, junit = tmp_path / "gate.md", tmp_path / "gate.xml"
    code, lines, _ = gate(capsys, "failure", "--summary", str(summary), "--junit", str(junit),
                          language=None)  # fmt: skip
    assert code == 1
    assert lines[0] == f"ÉCHEC   allure.maxFailures{NBSP}: 1 test en échec ou cassé, au plus 0"
    assert lines[1] == f"RÉUSSI  allure.minTestsCount{NBSP}: 3 tests, au moins 2"
    assert lines[2] == (
        f"ÉCHEC   allure.successRate{NBSP}: taux de réussite 66,7{NBSP}%, au moins 90,0{NBSP}%"
    )
    later = next(line for line in lines if "journey[later login]" in line)
    assert later.startswith(f"ÉCHEC   journey[later login]{NBSP}: non réussi{NBSP}: ")
    assert f"(en échec{NBSP}: Code de l'authentificateur refusé (code_rejected))" in later
    assert f"RÉUSSI  flaky{NBSP}: aucun test réussi seulement à la relance" in lines
    assert lines[-1] == f"contrôle{NBSP}: ÉCHEC (4 sur 7 en échec)"
    text = summary.read_text()
    assert text.startswith(f"## Contrôle de mise en production{NBSP}: ❌ ÉCHEC (4 sur 7 règles)\n")
    for needed in (f"**Tests{NBSP}:** 3 au total — réussis{NBSP}: 2, en échec{NBSP}: 1",
                   "| règle | résultat | détail |", "| allure.maxFailures | **ÉCHEC** |",
                   "### Tests en échec", "| test_journeys#test_later_login | en échec |"
                   " Code de l'authentificateur refusé (code_rejected) |",
                   f"Rapport{NBSP}: aucun rapport HTML lié"):  # fmt: skip
        assert needed in text, needed
    message = ET.parse(junit).getroot().find("./testsuite/testcase/failure").get("message")
    assert message == "1 test en échec ou cassé, au plus 0"


def test_english_and_french_say_the_same_verdict(capsys):
    french = gate(capsys, "flaky", language="fr")
    english = gate(capsys, "flaky", language="en")
    assert english[0] == french[0] == 0
    assert [line.split()[0] for line in english[1][:-1]] == ["PASS"] * 7
    assert [line.split()[0] for line in french[1][:-1]] == ["RÉUSSI"] * 7
    assert f"réussis seulement à la relance, tolérés par la politique{NBSP}: test_later_login" in (
        french[1][-2])  # fmt: skip


@pytest.mark.parametrize(
    ("folder", "says"),
    [
        ("empty", "holds no test results (*-result.json): run pytest --alluredir"),
        ("corrupt", "-result.json is not valid JSON"),
        ("partial", "is partial: "),
        ("no_such_folder", "does not exist"),
    ],
)
def test_unusable_results_exit_2_with_one_line(capsys, tmp_path, folder, says):
    summary = tmp_path / "gate.md"
    assert_unusable(gate(capsys, folder, "--summary", str(summary)), says)
    assert not summary.exists()


def test_unknown_policy_key_names_the_key_and_the_file(capsys, tmp_path):
    policy = tmp_path / "gate.toml"
    policy.write_text("[allure]\nmax_failure = 0\n")
    result = gate(capsys, "all_pass", "--policy", str(policy))
    assert_unusable(result, f"policy {policy}: unknown key 'allure.max_failure'")


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("[alure]\n", "unknown key 'alure'"),
        ("[allure]\nmax_failures = 'none'\n", "allure.max_failures must be an integer"),
        ("[journeys]\nrequired = 'first access'\n", "journeys.required must be a list of strings"),
        ("[allure\n", "is not valid TOML"),
        ("[flaky]\ncount_as_failed = 1\n", "flaky.count_as_failed must be true or false"),
        ("[monitors]\nuptime_min = -0.5\n", "monitors.uptime_min must not be negative"),
        ("[allure]\nmax_failures = -1\n", "allure.max_failures must not be negative"),
        ("[monitors]\nuptime_min = 99\n", "uptime_min is a fraction from 0 to 1 (0.99 for 99%)"),
    ],
)
def test_bad_policies_exit_2(capsys, tmp_path, body, says):
    policy = tmp_path / "gate.toml"
    policy.write_text(body)
    assert_unusable(gate(capsys, "all_pass", "--policy", str(policy)), says)


def test_the_example_policy_is_valid_and_asks_for_the_history(capsys):
    result = gate(capsys, "all_pass", "--policy", str(ROOT / "gate.example.toml"))
    assert_unusable(result, "has [monitors] rules: pass --history monitors.sqlite")


def test_journey_label_rule_comes_from_the_policy(capsys, tmp_path):
    policy = tmp_path / "gate.toml"
    policy.write_text('[journeys]\nlabel = "feature"\nrequired = ["home page"]\n')
    code, lines, _ = gate(capsys, "missing_journey", "--policy", str(policy))
    assert code == 0
    assert line_of(lines, "journey[home page]") == "PASS  journey[home page]: 1 test passed"


def test_missing_node_or_allure_says_run_make_setup(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no node on the PATH
    result = gate(capsys, "all_pass")
    assert_unusable(result, "run make setup")
    assert result[2].strip().endswith("run make setup")
