"""The gate on malformed results: exit 2 and one line, whatever the files hold.

Crafted cases (each a field of a real allure-pytest result given the wrong type) go through
the CLI in-process; a property test mutates the same result at random and checks that the
reader either reads it or refuses it with ``InputError``, never anything else.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.categories import describe_failure
from reports.errors import InputError
from reports.gate import flaky_rule, journey_rules, severity_rule
from reports.policy import Policy
from reports.results import MAX_DEPTH, load_results
from tests.fixtures.allure.support import FIXTURES, cli
from tests.unit.test_report_gate import assert_unusable


def copy_of_failure(folder: Path) -> tuple[Path, Path, dict]:
    """A copy of the ``failure`` fixture; returns the folder, its result file and its JSON."""
    shutil.copytree(FIXTURES / "failure", folder)
    (path,) = [p for p in folder.glob("*-result.json") if "failed" in p.read_text()]
    return folder, path, json.loads(path.read_text(encoding="utf-8"))


def nested_steps(depth: int) -> list[dict]:
    step: dict = {"name": "deepest", "status": "passed"}
    for level in range(depth):
        step = {"name": f"level {level}", "status": "passed", "steps": [step]}
    return [step]


CASES = {
    "statusDetails a string": ({"statusDetails": "boom"}, "statusDetails is a str, not dict"),
    "historyId a list": ({"historyId": ["a", "b"]}, "historyId is a list, not str"),
    "start a string": ({"start": "yesterday"}, "start is a str, not a number"),
    "start a boolean": ({"start": True}, "start is a bool, not a number"),
    "stop NaN": ({"stop": float("nan")}, "stop is a float, not a finite number"),
    "fullName a number": ({"fullName": 12}, "fullName is a int, not str"),
    "message a list": ({"statusDetails": {"message": ["x"]}}, "statusDetails.message is a list"),
    "flaky a string": ({"statusDetails": {"flaky": "yes"}}, "statusDetails.flaky is a str"),
    "labels a string": ({"labels": "severity=critical"}, "labels is a str, not list"),
    "label a number": ({"labels": [1]}, "labels is a int, not a list of {name, value}"),
    "label value a dict": ({"labels": [{"name": "story", "value": {}}]}, "labels[].value is"),
    "steps a dict": ({"steps": {"name": "x"}}, "steps is a dict, not list"),
    "step a string": ({"steps": ["Étape 1"]}, "steps[] is a str, not a step object"),
    "attachments a number": ({"attachments": 3}, "attachments is a int, not list"),
    "deep steps": ({"steps": nested_steps(MAX_DEPTH + 5)}, f"more than {MAX_DEPTH} deep"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_malformed_result_exits_2_with_one_line(capsys, tmp_path, case):
    folder, path, data = copy_of_failure(tmp_path / "results")
    change, says = CASES[case]
    path.write_text(json.dumps({**data, **change}), encoding="utf-8")
    result = cli(capsys, "gate", "--results", str(folder))
    assert_unusable((result[0], result[1].splitlines(), result[2]), says)
    assert path.name in result[2]


def test_json_nested_beyond_the_parser_exits_2(capsys, tmp_path):
    folder, path, data = copy_of_failure(tmp_path / "results")
    text = json.dumps(data)
    path.write_text(text[:-1] + ', "extra": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code, out, err = cli(capsys, "gate", "--results", str(folder))
    assert_unusable((code, out.splitlines(), err), "nests JSON too deeply")


def test_steps_as_deep_as_allowed_are_read(tmp_path):
    folder, path, data = copy_of_failure(tmp_path / "results")
    path.write_text(json.dumps({**data, "steps": nested_steps(MAX_DEPTH - 1)}))
    assert len(load_results(folder).tests) == len(load_results(FIXTURES / "failure").tests)


@pytest.mark.parametrize(
    ("change", "says"),
    [({"children": 5}, "children is a int, not list"), ({"children": [5]}, "children[] is a"),
     ({"befores": ["x"]}, "befores[] is a str"), ({"afters": {"a": 1}}, "afters is a dict")],
)  # fmt: skip
def test_a_malformed_container_exits_2(capsys, tmp_path, change, says):
    folder = tmp_path / "results"
    shutil.copytree(FIXTURES / "failure", folder)
    container = next(folder.glob("*-container.json"))
    data = json.loads(container.read_text(encoding="utf-8"))
    container.write_text(json.dumps({**data, **change}), encoding="utf-8")
    code, out, err = cli(capsys, "gate", "--results", str(folder))
    assert_unusable((code, out.splitlines(), err), says)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=12,
)  # fmt: skip
FIELDS = ["uuid", "name", "status", "fullName", "historyId", "start", "stop", "statusDetails",
          "labels", "steps", "attachments", "parameters", "description"]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), inner=st.sampled_from([None, "message", "flaky", "value"]),
       value=JSON)  # fmt: skip
def test_any_mutation_is_read_or_refused_never_a_crash(field, inner, value):
    with tempfile.TemporaryDirectory() as work:
        folder, path, data = copy_of_failure(Path(work) / "results")
        if inner and isinstance(data.get(field), dict):
            data[field] = {**data[field], inner: value}
        elif inner and isinstance(data.get(field), list) and data[field]:
            data[field] = [{**data[field][0], inner: value}] if isinstance(
                data[field][0], dict) else [value]  # fmt: skip
        else:
            data[field] = value
        path.write_text(json.dumps(data), encoding="utf-8")
        try:
            results = load_results(folder)
        except InputError as error:
            assert "\n" not in str(error)
            return
        policy = Policy()
        journey_rules(results, policy), severity_rule(results, policy), flaky_rule(results, policy)
        for test in results.tests:
            describe_failure(test)
            assert isinstance(test.name, str) and isinstance(test.full_name, str)
