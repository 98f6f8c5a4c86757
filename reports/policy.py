"""The release-gate policy: ``gate.toml`` read with ``tomllib``, strictly.

A typo in a policy key must not silently fall back to a default and let a release through, so
an unknown section or key, or a value of the wrong type, is an ``InputError`` naming the key and
the file. ``gate.example.toml`` at the repository root documents every key with its default.
"""

from __future__ import annotations

import tomllib
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from reports.errors import InputError


@dataclass(frozen=True)
class AllureRules:
    """Handed to Allure 3's own quality gate (``allure quality-gate``), not re-implemented."""

    max_failures: int = 0
    min_tests: int = 2
    # passed / all tests, 0..1: Allure 3.14 counts skipped tests as not successful, so 1.0
    # would fail a run for one skip; failures are max_failures' business.
    success_rate: float = 0.9


@dataclass(frozen=True)
class JourneyRules:
    """Critical journeys: each must be present (a test with ``label`` = value) and passed."""

    label: str = "story"
    required: list[str] = field(default_factory=lambda: ["first access", "later login"])


@dataclass(frozen=True)
class SeverityRules:
    blocking: list[str] = field(default_factory=lambda: ["blocker", "critical"])


@dataclass(frozen=True)
class FlakyRules:
    count_as_failed: bool = False  # a test that passed only on retry fails the gate when true


@dataclass(frozen=True)
class MonitorRules:
    """SLO rules on the monitors' SQLite history; evaluated only with ``--history``."""

    window_hours: float = 24.0
    uptime_min: float = 0.99  # fraction of probes not failed, all monitors (or monitor_ids)
    login_p95_max_ms: float = 10_000.0
    login_journey: str = "later_login"
    monitor_ids: list[str] = field(default_factory=list)  # empty: every monitor


@dataclass(frozen=True)
class ReportRules:
    url: str = ""  # link to the HTML report written into the summary


@dataclass(frozen=True)
class Policy:
    allure: AllureRules = field(default_factory=AllureRules)
    journeys: JourneyRules = field(default_factory=JourneyRules)
    severity: SeverityRules = field(default_factory=SeverityRules)
    flaky: FlakyRules = field(default_factory=FlakyRules)
    monitors: MonitorRules = field(default_factory=MonitorRules)
    report: ReportRules = field(default_factory=ReportRules)
    source: str = "built-in defaults"
    has_monitors: bool = False  # the file has a [monitors] section: --history becomes required


SECTIONS: dict[str, type] = {
    "allure": AllureRules,
    "journeys": JourneyRules,
    "severity": SeverityRules,
    "flaky": FlakyRules,
    "monitors": MonitorRules,
    "report": ReportRules,
}


def load_policy(path: str | Path | None) -> Policy:
    """The policy in ``path``, or the defaults when no file is given."""
    if path is None:
        return Policy()
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"policy {file} does not exist: copy gate.example.toml") from exc
    except OSError as exc:
        raise InputError(f"cannot read policy {file}: {exc.strerror}") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"policy {file} is not valid TOML: {exc}") from exc
    sections = {}
    for name, table in data.items():
        if name not in SECTIONS:
            raise _unknown(file, name, SECTIONS)
        if not isinstance(table, dict):
            raise InputError(f"policy {file}: {name} must be a [{name}] table")
        sections[name] = _section(file, name, SECTIONS[name], table)
    return Policy(**sections, source=str(file), has_monitors="monitors" in data)


def _unknown(file: Path, key: str, known: Any) -> InputError:
    return InputError(f"policy {file}: unknown key {key!r} (known: {', '.join(known)})")


def _section(file: Path, name: str, cls: type, table: dict) -> Any:
    types = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in table.items():
        if key not in types:
            raise _unknown(file, f"{name}.{key}", types)
        default = types[key].default  # scalars have a default; lists a default_factory
        expected = list if default is MISSING else type(default)
        values[key] = _checked(file, f"{name}.{key}", value, expected)
    return cls(**values)


FRACTIONS = {"allure.success_rate", "monitors.uptime_min"}
_TYPE_WORDS = {
    int: "an integer",
    float: "a number",
    bool: "true or false",
    str: "a string",
    list: "a list of strings",
}


def _checked(file: Path, key: str, value: Any, expected: type) -> Any:
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if expected is list:
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    if not ok:
        wanted = _TYPE_WORDS[expected]
        raise InputError(f"policy {file}: {key} must be {wanted}, not {value!r}")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and value < 0:
        raise InputError(f"policy {file}: {key} must not be negative")
    if key in FRACTIONS and value > 1:
        raise InputError(f"policy {file}: {key} is a fraction from 0 to 1 (0.99 for 99%)")
    return value
