"""The lock files match pyproject.toml, and each way they can drift is one line naming the fix.

``requirements/check_lock.py`` runs offline (``make setup`` runs it before installing the
project); these tests run it on the committed files and on copies with one drift each.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "requirements" / "check_lock.py"
FILES = ("pyproject.toml", "requirements/lock.txt", "requirements/dev.lock.txt",
         "requirements/build.in")  # fmt: skip


def check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), "--root", str(root)], capture_output=True,
                          text=True, timeout=60)  # fmt: skip


@pytest.fixture
def copy(tmp_path) -> Path:
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_committed_locks_match_pyproject():
    done = check(ROOT)
    assert done.returncode == 0, done.stderr


def test_every_pin_has_hashes_and_both_locks_agree():
    lines = (ROOT / "requirements/lock.txt").read_text(encoding="utf-8").splitlines()
    pins = [line for line in lines if "==" in line and not line.startswith((" ", "#"))]
    assert len(pins) > 20
    assert all(line.rstrip().endswith("\\") for line in pins)  # a --hash line follows each


@pytest.mark.parametrize(
    "where, old, new, message",
    [
        ("pyproject.toml", '"pyotp>=2.9",', '"pyotp>=2.9",\n    "left-pad-not-locked>=1",',
         "left-pad-not-locked>=1 from pyproject.toml is not pinned"),
        ("pyproject.toml", '"pyotp>=2.9"', '"pyotp>=99"', "does not satisfy pyotp>=99"),
        ("pyproject.toml", '    "segno>=1.6",\n', "", "segno is no longer a dependency"),
        ("pyproject.toml", '"ruff>=0.5",', '"ruff>=0.5",\n    "never-locked-dev-tool",',
         "dev.lock.txt: never-locked-dev-tool from pyproject.toml is not pinned"),
        ("pyproject.toml", 'requires = ["setuptools>=68"]', 'requires = ["setuptools>=999"]',
         "does not satisfy setuptools>=999"),
    ],
)  # fmt: skip
def test_each_drift_is_one_line_that_says_make_lock(copy, where, old, new, message):
    edit(copy / where, old, new)
    done = check(copy)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert any(message in line for line in lines), done.stderr
    assert all(line.endswith("run 'make lock' and commit requirements/") for line in lines)
    assert "Traceback" not in done.stderr


def test_a_pin_without_hash_is_refused(copy):
    lock = copy / "requirements/lock.txt"
    lines = lock.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("pyotp=="))
    end = start + 1
    while lines[end].lstrip().startswith("--hash="):
        end += 1
    lines[start:end] = [lines[start].rstrip(" \\")]
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "lock.txt: pyotp has no --hash" in check(copy).stderr


def test_runtime_and_dev_locks_must_pin_the_same_versions(copy):
    lock = copy / "requirements/lock.txt"
    text = lock.read_text(encoding="utf-8")
    pinned = next(line for line in text.splitlines() if line.startswith("pyotp=="))
    version = pinned.split("==")[1].split()[0]
    edit(lock, f"pyotp=={version}", "pyotp==2.9.0")
    done = check(copy)
    assert f"pyotp: requirements/lock.txt pins 2.9.0 but requirements/dev.lock.txt pins {version}" \
        in done.stderr  # fmt: skip


def test_a_missing_lock_says_what_to_run(copy):
    (copy / "requirements/dev.lock.txt").unlink()
    done = check(copy)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "lock: requirements/dev.lock.txt is missing; run 'make lock' and commit requirements/"
    )


def test_the_venv_is_rebuilt_when_a_lock_changes():
    """The Makefile's stamp depends on both locks, so `make test` installs what they pin."""
    done = subprocess.run(["make", "-pnq", ".venv/.installed"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    rule = next(line for line in done.stdout.splitlines() if line.startswith(".venv/.installed:"))
    assert {"pyproject.toml", "requirements/lock.txt", "requirements/dev.lock.txt"} <= set(
        rule.split(":", 1)[1].split()
    )
