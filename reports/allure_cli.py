"""Run Allure Report 3 (npm package ``allure``, Node, no Java) as a subprocess.

The CLI comes from the repository's ``node_modules`` (pinned by ``package-lock.json``, installed
by ``make setup`` with ``npm ci``); ``npx`` is not used because it would download a package on a
machine where ``npm ci`` never ran. ``EESPRESSO_ALLURE`` may name another ``allure`` executable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from reports.errors import InputError

ENV_VAR = "EESPRESSO_ALLURE"
REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_BIN = REPO_ROOT / "node_modules" / ".bin" / "allure"
TIMEOUT_S = 300  # a report of a few thousand results renders in seconds; a hang must end
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def allure_executable() -> str:
    """The ``allure`` to run, or an ``InputError`` saying to run ``make setup``."""
    if shutil.which("node") is None:
        raise InputError("Node.js is not installed (Allure Report 3 needs it): run make setup")
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise InputError(f"{ENV_VAR}={explicit} is not executable: fix or unset it")
        return explicit
    if os.access(LOCAL_BIN, os.X_OK):
        return str(LOCAL_BIN)
    raise InputError(f"Allure Report 3 is not installed ({LOCAL_BIN} missing): run make setup")


def allure_version() -> str:
    """The pinned version, read from its package.json (no process start)."""
    manifest = REPO_ROOT / "node_modules" / "allure" / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return "unknown"


def run_allure(args: list[str], *, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``allure ARGS`` in ``cwd`` (so no stray ``allurerc`` is picked up); colours off."""
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}
    try:
        done = subprocess.run(
            [allure_executable(), *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise InputError(f"allure {args[0]} did not end in {TIMEOUT_S} s: see its output") from exc
    done.stdout = _ANSI.sub("", done.stdout)
    done.stderr = _ANSI.sub("", done.stderr)
    return done


def last_line(text: str) -> str:
    """The line of a tool's output that says what went wrong, for one-line error messages.

    Node ends a crash with its stack and its version: the error is the first line that names
    one, else the last line.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    noise = ("at ", "Node.js v", "^", "throw ")
    meaningful = [line for line in lines if not line.startswith(noise)]
    errors = [line for line in meaningful if "Error" in line or "error" in line]
    if errors:
        return errors[0]
    return meaningful[-1] if meaningful else (lines[-1] if lines else "no output")
