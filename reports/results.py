"""Read an allure-pytest results folder, refusing what cannot be trusted.

Allure itself skips a corrupt file with a console message and renders what is left, which
would let a half-copied CI artifact pass the gate. So before Allure sees a folder we check it:
it exists, holds at least one ``*-result.json``, every JSON file parses, every result has a name
and a status, every field the gate reads has the type allure-python writes (a ``statusDetails``
string or a ``historyId`` list is refused, not tripped over), steps nest at most ``MAX_DEPTH``
deep, and every file a result or container points to is there. Any breach is an
``InputError`` naming the file.

Retries follow Allure's own rule: results sharing a ``historyId`` are attempts of one test; the
latest is the outcome, the earlier ones are retries. A test is flaky when its outcome passed
after a failed or broken attempt, or when the writer marked it ``statusDetails.flaky``.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from reports.errors import InputError

STATUSES = ("passed", "failed", "broken", "skipped", "unknown")
UNSUCCESSFUL = ("failed", "broken", "unknown")  # Allure 3 counts these as failures
ENVIRONMENT_FILE = "environment.properties"
# Steps nested deeper than this are not a test's: allure-pytest nests one level per
# ``allure.step`` inside another, and no journey comes near it.
MAX_DEPTH = 64
_TEXT_FIELDS = ("fullName", "historyId", "testCaseId", "description")
_TIME_FIELDS = ("start", "stop")


@dataclass(frozen=True)
class Outcome:
    """The final attempt of one test, as the gate and the summary need it."""

    name: str
    full_name: str
    status: str
    labels: tuple[tuple[str, str], ...] = ()
    message: str = ""
    attempts: int = 1
    flaky: bool = False

    def label_values(self, name: str) -> list[str]:
        return [value for key, value in self.labels if key == name]

    @property
    def severity(self) -> str:
        values = self.label_values("severity")
        return values[0].lower() if values else "normal"  # Allure's default severity

    @property
    def failed(self) -> bool:
        return self.status in UNSUCCESSFUL


@dataclass
class Results:
    """A checked results folder: the tests (retries folded) and the environment it records."""

    directory: Path
    tests: list[Outcome]
    environment: dict[str, str] = field(default_factory=dict)

    def count(self, *statuses: str) -> int:
        return sum(1 for test in self.tests if test.status in statuses)

    @property
    def flaky(self) -> list[Outcome]:
        return [test for test in self.tests if test.flaky]


def load_results(directory: str | Path) -> Results:
    """Check and read ``directory``; raise ``InputError`` for anything unusable."""
    folder = Path(directory)
    if not folder.exists():
        raise InputError(f"results folder {folder} does not exist: run pytest --alluredir {folder}")
    if not folder.is_dir():
        raise InputError(f"results folder {folder} is not a folder: pass the --alluredir folder")
    try:
        names = {path.name for path in folder.iterdir()}
    except OSError as exc:
        raise InputError(f"cannot read results folder {folder}: {exc.strerror}") from exc
    result_files = sorted(name for name in names if name.endswith("-result.json"))
    if not result_files:
        raise InputError(
            f"results folder {folder} holds no test results (*-result.json):"
            f" run pytest --alluredir {folder} first"
        )
    read = {folder / name: _read_result(folder / name) for name in result_files}
    raw = list(read.values())
    containers = [folder / n for n in sorted(names) if n.endswith("-container.json")]
    uuids = {result["uuid"] for result in raw}
    for path in containers:
        _check_container(path, _read_json(path), uuids, names)
    for path, result in read.items():
        _check_attachments(path, result, names)
    return Results(folder, _fold_retries(raw), read_properties(folder / ENVIRONMENT_FILE))


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"{path} is not valid JSON ({exc}): re-run the tests or remove the file"
        ) from exc
    except RecursionError:
        raise InputError(f"{path} nests JSON too deeply to be a result: remove the file") from None
    if not isinstance(data, dict):
        raise InputError(f"{path} is not an Allure result (a JSON object): remove the file")
    return data


def _read_result(path: Path) -> dict:
    data = _read_json(path)
    for key in ("uuid", "name", "status"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise InputError(
                f"{path} is partial: it has no {key!r} (the test run was cut?); re-run the tests"
            )
    if data["status"] not in STATUSES:
        raise InputError(f"{path} has an unknown status {data['status']!r}: re-run the tests")
    for key in _TEXT_FIELDS:
        _expect(path, data, key, str)
    for key in _TIME_FIELDS:
        value = _expect(path, data, key, int | float)
        if value is not None and not math.isfinite(value):
            raise _malformed(path, key, value, "a finite number of milliseconds")
    details = _expect(path, data, "statusDetails", dict) or {}
    for key in ("message", "trace"):
        _expect(path, details, key, str, where="statusDetails.")
    _expect(path, details, "flaky", bool, where="statusDetails.")
    for label in _expect(path, data, "labels", list) or []:
        if not isinstance(label, dict) or not isinstance(label.get("name", ""), str):
            raise _malformed(path, "labels", label, "a list of {name, value} objects")
        _expect(path, label, "value", str, where="labels[].")
    return data


def _expect(path: Path, node: dict, key: str, kind, where: str = ""):
    """``node[key]`` when it is absent, null or of ``kind`` (never a bool for a number)."""
    value = node.get(key)
    wrong = not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool)
    if value is not None and wrong:
        raise _malformed(path, where + key, value, getattr(kind, "__name__", "a number"))
    return value


def _malformed(path: Path, key: str, value: object, expected: str) -> InputError:
    return InputError(
        f"{path} is not an allure-pytest result: {key} is a {type(value).__name__}, not"
        f" {expected}; re-run the tests or remove the file"
    )


def _check_container(path: Path, data: dict, uuids: set[str], names: set[str]) -> None:
    """A container lists the uuids of its tests: a missing one means a partial copy."""
    children = _expect(path, data, "children", list) or []
    for child in children:
        if not isinstance(child, str):
            raise _malformed(path, "children[]", child, "a uuid string")
        if child not in uuids:
            raise _partial(path, f"test result {child}")
    for key in ("befores", "afters"):
        for fixture in _expect(path, data, key, list) or []:
            if not isinstance(fixture, dict):
                raise _malformed(path, f"{key}[]", fixture, "a fixture object")
            _check_attachments(path, fixture, names)


def _check_attachments(path: Path, node: dict, names: set[str]) -> None:
    for source in _attachment_sources(path, node):
        if source not in names:
            raise _partial(path, f"attachment {source}")


def _partial(path: Path, missing: str) -> InputError:
    return InputError(
        f"results folder {path.parent} is partial: {path.name} refers to {missing} which is"
        " missing; copy the whole folder or re-run the tests"
    )


def _attachment_sources(path: Path, root: dict) -> list[str]:
    """Every attachment file of ``root`` and its steps, walked without recursion: a crafted
    file must not exhaust the interpreter's stack."""
    sources: list[str] = []
    pending = [(root, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise InputError(
                f"{path} nests steps more than {MAX_DEPTH} deep: not a test's result; remove it"
            )
        for attachment in _expect(path, node, "attachments", list) or []:
            if not isinstance(attachment, dict):
                raise _malformed(path, "attachments[]", attachment, "an attachment object")
            if source := _expect(path, attachment, "source", str, where="attachments[]."):
                sources.append(source)
        for step in _expect(path, node, "steps", list) or []:
            if not isinstance(step, dict):
                raise _malformed(path, "steps[]", step, "a step object")
            pending.append((step, depth + 1))
    return sources


def _fold_retries(raw: list[dict]) -> list[Outcome]:
    """One outcome per test: the latest attempt of each ``historyId`` (Allure's retry rule)."""
    attempts: dict[str, list[dict]] = defaultdict(list)
    for result in raw:
        key = result.get("historyId") or result.get("fullName") or result["name"]
        attempts[key].append(result)
    outcomes = []
    for runs in attempts.values():
        runs.sort(key=lambda r: (r.get("start") or 0, r.get("stop") or 0))
        last = runs[-1]
        details = last.get("statusDetails") or {}
        retried_after_failure = any(r["status"] in UNSUCCESSFUL for r in runs[:-1])
        flaky = last["status"] == "passed" and (retried_after_failure or bool(details.get("flaky")))
        labels = tuple(
            (str(label["name"]), str(label.get("value", "")))
            for label in last.get("labels") or []
            if isinstance(label, dict) and label.get("name")
        )
        outcomes.append(
            Outcome(
                name=last["name"],
                full_name=last.get("fullName") or last["name"],
                status=last["status"],
                labels=labels,
                message=str(details.get("message") or ""),
                attempts=len(runs),
                flaky=flaky,
            )
        )
    return sorted(outcomes, key=lambda t: t.full_name)


def read_properties(path: Path) -> dict[str, str]:
    """``key=value`` lines of an Allure ``environment.properties`` (``#``/``!`` comments)."""
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path} ({exc}): fix or remove the file") from exc
    properties: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#!":
            continue
        key, sep, value = line.partition("=")
        if not sep:
            key, _, value = line.partition(":")
        properties[key.strip()] = value.strip()
    return properties


def write_properties(path: Path, properties: dict[str, str]) -> None:
    lines = [f"{key}={value}" for key, value in properties.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
