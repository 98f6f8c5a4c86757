"""``python -m reports html``: render Allure Report 3 from a results folder.

Allure does the rendering; we add what it cannot know: the failure categories of the journey
causes, the suite's version in the environment, a history file kept between runs (trends), and
an output that is one self-contained ``index.html`` opening from disk without a network.
"""

from __future__ import annotations

import json
import platform
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

from reports.allure_cli import REPO_ROOT, allure_version, last_line, run_allure
from reports.allure_config import allure_config, allure_workdir, write_config
from reports.errors import InputError
from reports.results import ENVIRONMENT_FILE, load_results, write_properties

# Allure's page templates hard-code Google Analytics (gtag); a report of a health network's
# portal is opened on closed networks and must not call out, so the tag is cut from the page.
_ANALYTICS = re.compile(
    r"<script async src=\"https://www\.googletagmanager\.com/[^\"]*\"></script>\s*"
    r"<script>\s*window\.dataLayer.*?</script>",
    re.S,
)


REPORT_FILES = {"index.html", "summary.json"}  # what Allure's single-file report writes


def render(results_dir: Path, out: Path, history: Path | None) -> Path:
    """Render ``results_dir`` into ``out`` (replacing an earlier report); return index.html."""
    results = load_results(results_dir)
    _check_output(out)
    if history is not None:
        _check_history(history)
    with allure_workdir() as work:
        staging = work / "report"
        config = allure_config(output=staging, history=history.resolve() if history else None)
        config_name = write_config(work, config)
        overlay = work / "environment"
        overlay.mkdir()
        write_properties(overlay / ENVIRONMENT_FILE, {**results.environment, **suite_environment()})
        # Folders are read in order and the last environment.properties wins: ours is last.
        done = run_allure(
            ["generate", "-c", config_name, str(results.directory.resolve()), str(overlay)],
            cwd=work,
        )
        index = staging / "index.html"
        if done.returncode != 0 or not index.is_file():
            raise InputError(f"allure generate failed: {last_line(done.stderr + done.stdout)}")
        _strip_analytics(index)
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), out)
    return out / "index.html"


def _check_output(out: Path) -> None:
    """Replace only an earlier report: never wipe a folder that holds something else."""
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError(f"--out {out} is a file: choose a folder for the report")
    entries = {entry.name for entry in out.iterdir()}
    if not entries <= REPORT_FILES:
        raise InputError(f"--out {out} is not empty and holds no report: choose another folder")


def _check_history(history: Path) -> None:
    """Allure crashes on a damaged history file: say so before, and keep the file for a person."""
    if history.is_dir():
        raise InputError(f"--history {history} is a folder: name a .jsonl file")
    if not history.exists():
        history.parent.mkdir(parents=True, exist_ok=True)
        return
    try:
        lines = history.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read history {history}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        try:
            ok = not line.strip() or isinstance(json.loads(line), dict)
        except ValueError:
            ok = False
        if not ok:
            raise InputError(
                f"history {history} is damaged at line {number}: move it away to restart the trends"
            )


def _strip_analytics(index: Path) -> None:
    html = index.read_text(encoding="utf-8")
    index.write_text(_ANALYTICS.sub("", html), encoding="utf-8")


def suite_environment() -> dict[str, str]:
    """What the suite adds to the E2E suite's environment: its own and its tools' versions."""
    try:
        version = metadata.version("eespresso-synthetics")
    except metadata.PackageNotFoundError:
        version = "unknown"
    env = {"suite.version": version}
    commit = _git_commit()
    if commit:
        env["suite.commit"] = commit
    env["python"] = platform.python_version()
    env["allure.version"] = allure_version()
    return env


def _git_commit() -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
