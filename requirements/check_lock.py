"""Check that the lock files still match pyproject.toml, offline, in one line per problem.

``make setup`` runs it before installing the project, and a unit test runs it on the committed
files, so a dependency added to (or removed from) pyproject.toml without ``make lock`` stops
the build with the command to run instead of failing later on an import. Rules:

- every requirement of pyproject.toml (``[project] dependencies``, the ``dev`` extra for the dev
  lock, ``[build-system] requires``) is pinned in the lock and its pin satisfies the specifier;
- every package the lock says was asked for by pyproject.toml is still asked for there;
- every pin carries at least one ``--hash`` (pip's ``--require-hashes`` mode refuses it
  otherwise), and a package pinned in both locks has the same version in both, so the image
  runs the versions the tests ran.

Usage: ``python requirements/check_lock.py [--root DIR]``; exit 0 when fresh, 2 when stale.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

RUNTIME_LOCK = Path("requirements/lock.txt")
DEV_LOCK = Path("requirements/dev.lock.txt")
BUILD_IN = Path("requirements/build.in")
# "name==version" or "name==version ; marker", then line continuations with hashes.
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
_ASKED_BY_PROJECT = re.compile(r"#\s+(?:via\s+)?[\w.-]+ \(pyproject\.toml\)")
FIX = "run 'make lock' and commit requirements/"


@dataclass
class Pin:
    version: Version
    marker: str | None
    hashes: int = 0
    asked_by_project: bool = False


@dataclass
class Lock:
    path: Path
    pins: dict[str, list[Pin]] = field(default_factory=dict)


def read_lock(path: Path) -> Lock:
    """Parse a ``uv pip compile`` / ``pip-compile`` output with hashes and annotations."""
    lock, current = Lock(path), None
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        match = _PIN.match(line)
        if match:
            current = Pin(Version(match.group(2)), match.group(3))
            lock.pins.setdefault(canonicalize_name(match.group(1)), []).append(current)
        elif current and stripped.startswith("--hash="):
            current.hashes += 1
        elif current and _ASKED_BY_PROJECT.search(stripped):
            current.asked_by_project = True
    return lock


def wanted(root: Path, *, dev: bool) -> list[Requirement]:
    """The requirements a lock must satisfy: runtime (+ dev extra) + build back-end."""
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    lines = list(data["project"].get("dependencies", []))
    if dev:
        lines += data["project"].get("optional-dependencies", {}).get("dev", [])
    lines += data.get("build-system", {}).get("requires", [])
    return [Requirement(line) for line in lines]


def problems(root: Path, lock: Lock, requirements: list[Requirement]) -> list[str]:
    found = []
    names = {canonicalize_name(r.name) for r in requirements}
    for req in requirements:
        pins = lock.pins.get(canonicalize_name(req.name), [])
        if not pins:
            found.append(f"{lock.path}: {req} from pyproject.toml is not pinned")
        for pin in pins:
            if not req.specifier.contains(pin.version, prereleases=True):
                found.append(f"{lock.path}: {req.name}=={pin.version} does not satisfy {req}")
    for name, pins in lock.pins.items():
        if any(p.asked_by_project for p in pins) and name not in names:
            found.append(f"{lock.path}: {name} is no longer a dependency in pyproject.toml")
        if any(p.hashes == 0 for p in pins):
            found.append(f"{lock.path}: {name} has no --hash")
    return found


def check(root: Path) -> list[str]:
    """Every problem of the two locks in ``root``; empty when both are fresh."""
    for path in (RUNTIME_LOCK, DEV_LOCK, BUILD_IN):
        if not (root / path).is_file():
            return [f"{path} is missing; {FIX}"]
    runtime, dev = read_lock(root / RUNTIME_LOCK), read_lock(root / DEV_LOCK)
    found = problems(root, runtime, wanted(root, dev=False))
    found += problems(root, dev, wanted(root, dev=True))
    for name, pins in runtime.pins.items():
        shipped = {str(p.version) for p in pins}
        tested = {str(p.version) for p in dev.pins.get(name, [])}
        if tested and shipped != tested:
            found.append(
                f"{name}: {RUNTIME_LOCK} pins {', '.join(sorted(shipped))} but {DEV_LOCK} "
                f"pins {', '.join(sorted(tested))}"
            )
    return [f"{problem}; {FIX}" for problem in found]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    try:
        found = check(args.root)
    except (OSError, ValueError, KeyError) as exc:  # unreadable pyproject, bad requirement
        found = [f"cannot check the lock files: {exc}; fix pyproject.toml or {FIX}"]
    for line in found:
        print(f"lock: {line}", file=sys.stderr)
    return 2 if found else 0


if __name__ == "__main__":
    sys.exit(main())
