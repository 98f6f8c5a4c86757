"""Reading results folders, journey causes and the policy file, without node."""

from __future__ import annotations

import re

import pytest

from pages.result import Cause
from reports.allure_cli import last_line
from reports.categories import (
    allure_categories,
    category_name,
    cause_of,
    describe_failure,
)
from reports.errors import InputError
from reports.policy import Policy, load_policy
from reports.results import Outcome, load_results, read_properties, write_properties
from tests.fixtures.allure.support import FIXTURES, ROOT, cli


def outcome(message: str = "", **labels: str) -> Outcome:
    return Outcome("t", "m#t", "failed", tuple(labels.items()), message)


def test_retries_fold_into_one_flaky_outcome():
    results = load_results(FIXTURES / "flaky")
    later = [test for test in results.tests if test.name == "test_later_login"]
    assert len(later) == 1
    assert (later[0].status, later[0].attempts, later[0].flaky) == ("passed", 2, True)
    assert [test.name for test in results.flaky] == ["test_later_login"]
    assert len(results.tests) == 3


def test_a_failed_journey_keeps_its_labels_and_message():
    results = load_results(FIXTURES / "failure")
    (failed,) = [test for test in results.tests if test.failed]
    assert failed.severity == "critical"
    assert failed.label_values("story") == ["later login"]
    assert cause_of(failed) is Cause.CODE_REJECTED


@pytest.mark.parametrize(
    ("test", "cause"),
    [
        (outcome(cause="clock_skew"), Cause.CLOCK_SKEW),
        (outcome("AssertionError: unexpected_page: no heading"), Cause.UNEXPECTED_PAGE),
        (outcome("slow: 31 s for step login"), Cause.SLOW),
        (outcome("AssertionError: the home page never showed"), None),
        (outcome("TimeoutError: Timeout 30000ms exceeded: slow"), None),
        (outcome(cause="not-a-cause"), None),
    ],
)
def test_cause_comes_from_the_label_then_the_message_prefix(test, cause):
    assert cause_of(test) is cause


def test_describe_failure_uses_words_or_the_first_message_line():
    unreachable = outcome(cause="unreachable")
    assert describe_failure(unreachable) == "Portail injoignable (unreachable)"  # French first
    assert describe_failure(unreachable, "en") == "Portal unreachable (unreachable)"
    assert describe_failure(outcome("boom\nlong trace")) == "boom"


def test_every_cause_has_an_allure_category_whose_regexes_match_it():
    rules = {rule["name"]: rule for rule in allure_categories()}
    for cause in Cause:
        by_label, by_message = rules[category_name(cause)]["matchers"]
        assert re.search(by_label["labels"]["cause"], cause.value)
        assert re.search(by_message["message"], f"AssertionError: {cause.value}: words")
        assert not re.search(by_message["message"], f"AssertionError: words {cause.value}")
    assert list(rules)[-2:] == ["Other failures", "Test errors (broken)"]


def test_properties_round_trip(tmp_path):
    path = tmp_path / "environment.properties"
    write_properties(path, {"target": "http://127.0.0.1:8080", "browser.version": "131"})
    path.write_text(path.read_text() + "# comment\n!other\nkey: value\n")
    assert read_properties(path) == {
        "target": "http://127.0.0.1:8080",
        "browser.version": "131",
        "key": "value",
    }


def test_a_file_instead_of_a_folder_is_refused(tmp_path):
    path = tmp_path / "results.json"
    path.write_text("{}")
    with pytest.raises(InputError, match="is not a folder"):
        load_results(path)


def test_a_result_without_status_is_partial(tmp_path):
    (tmp_path / "a-result.json").write_text('{"uuid": "a", "name": "t"}')
    with pytest.raises(InputError, match="is partial: it has no 'status'"):
        load_results(tmp_path)


def test_the_example_policy_documents_the_defaults():
    example = load_policy(ROOT / "gate.example.toml")
    defaults = Policy()
    for section in ("allure", "journeys", "severity", "flaky", "monitors", "report"):
        assert getattr(example, section) == getattr(defaults, section), section
    assert example.has_monitors and not defaults.has_monitors


def test_a_damaged_history_is_refused_before_allure_runs(capsys, tmp_path):
    history = tmp_path / "history.jsonl"
    history.write_text('{"uuid": "run-1"}\n{"broken\n')
    out = tmp_path / "report"
    code, _, err = cli(capsys, "html", "--results", str(FIXTURES / "all_pass"), "--out",
                       str(out), "--history", str(history))  # fmt: skip
    assert code == 2 and not out.exists()
    assert err.strip() == (
        f"reports html: error: history {history} is damaged at line 2:"
        " move it away to restart the trends"
    )
    assert history.read_text().endswith('{"broken\n')  # kept for a person to look at


def test_error_line_of_a_node_crash_names_the_error():
    crash = (
        "file:///x/report.js:353\n    throw err;\n    ^\n\nTypeError: x.toArray is not a function\n"
        "    at QualityGate.validate (file:///x/qualityGate.js:74:58)\n\nNode.js v20.20.2\n"
    )
    assert last_line(crash) == "TypeError: x.toArray is not a function"
    assert last_line("") == "no output"
    assert last_line("one\ntwo\n") == "two"
