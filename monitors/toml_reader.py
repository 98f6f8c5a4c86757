"""Typed access to a TOML table, with one-line errors that name the file and the key.

Every value a person writes is checked against its type and its bounds here: TOML has
``nan`` and ``inf``, and a duration such as ``"1ms"`` parses, so type checks alone let a
probe storm or a never-ending timeout through. The errors are ``ConfigError`` lines that say
what to write instead, printed by the CLI without a traceback.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]").search  # a newline would split a log line
MINUTE, DAY = 60.0, 86400.0


class ConfigError(ValueError):
    """One line: file, key, what is wrong and how to fix it."""


def parse_duration(
    value: object, *, where: str, bounds: tuple[float, float] | None = None, why: str = ""
) -> float:
    """Seconds from ``90``, ``"90s"``, ``"5m"``, ``"1h"``, ``"250ms"``, within ``bounds``;
    ``why`` tells the reader of the error where the bounds come from."""
    if isinstance(value, bool):
        raise ConfigError(f'{where}: expected a duration like "5m", got {value!r}')
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ConfigError(f'{where}: {value!r} is not a duration; write e.g. "90s", "5m"')
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if not math.isfinite(seconds) or seconds <= 0:
        raise ConfigError(f"{where}: a duration must be positive and finite, got {value!r}")
    if bounds is not None and not bounds[0] <= seconds <= bounds[1]:
        low, high = (_words(limit) for limit in bounds)
        raise ConfigError(f"{where}: {value!r} is out of range; use {low} to {high}{why}")
    return seconds


def _words(seconds: float) -> str:
    for unit, size in (("d", DAY), ("h", 3600.0), ("m", MINUTE)):
        if seconds >= size and seconds % size == 0:
            return f'"{seconds / size:g}{unit}"'
    return f'"{seconds:g}s"'


class Reader:
    """Typed access to one TOML table, with errors that carry the file and the key path."""

    def __init__(self, path: Path, table: dict, prefix: str) -> None:
        self.path, self.table, self.prefix = path, table, prefix

    def err(self, key: str, message: str) -> ConfigError:
        name = f"{self.prefix}.{key}" if self.prefix else key
        return ConfigError(f"{self.path}: {name}: {message}")

    def get(self, key: str, kind: type | tuple, default: object = None, *, required=False):
        if key not in self.table:
            if required:
                raise self.err(key, "is missing; add it")
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise self.err(key, f"expected {names}, got {type(value).__name__} {value!r}")
        return value

    def duration(
        self, key: str, bounds: tuple[float, float], default: object = None, why: str = ""
    ) -> float | None:
        value = self.get(key, (str, int, float), default)
        if value is None:
            return None
        where = f"{self.path}: {self._name(key)}"
        return parse_duration(value, where=where, bounds=bounds, why=why)

    def number(self, key: str, kind: type, bounds: tuple[float, float], default=None):
        """An int or a finite float within ``bounds`` (TOML has ``nan`` and ``inf``)."""
        value = self.get(key, (int, float) if kind is float else kind, default)
        if value is not None and not (math.isfinite(value) and bounds[0] <= value <= bounds[1]):
            raise self.err(key, f"{value!r} is out of range; use {bounds[0]:g} to {bounds[1]:g}")
        return value

    def text(self, key: str, default: str | None = None, *, required=False, limit: int = 200):
        """A one-line string of at most ``limit`` characters (it ends up in logs and pages)."""
        value = self.get(key, str, default, required=required)
        if key in self.table and (not value.strip() or len(value) > limit or _CONTROL(value)):
            raise self.err(key, f"must be a non-empty line of at most {limit} characters")
        return value

    def sub(self, key: str, *, required: bool = False) -> Reader:
        return Reader(self.path, self.get(key, dict, {}, required=required), self._name(key))

    def _name(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def reject_unknown(self, allowed: set[str]) -> None:
        for key in self.table:
            if key not in allowed:
                raise self.err(key, f"unknown key; expected one of {', '.join(sorted(allowed))}")

    def resolve(self, value: str) -> Path:
        """Relative paths are relative to the config file, so the file can move with its data."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else (self.path.parent / path)
