"""The image's build context lets in every package of the project and nothing else.

``.containerignore`` starts from "nothing" and lists what ``deploy/Containerfile`` installs: a
package added to pyproject.toml but not there would be missing from the image (its probe
would fail on an import in ``tests/e2e/test_container_image.py``, minutes later); this says so
at once.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def allowed() -> set[str]:
    lines = (ROOT / ".containerignore").read_text(encoding="utf-8").splitlines()
    rules = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert rules[0] == "*", "the context must start from nothing"
    return {rule[1:] for rule in rules if rule.startswith("!")}


def test_every_package_enters_the_build_context():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*").rstrip(".") for pattern in patterns}
    assert packages and packages <= {p.name for p in ROOT.iterdir() if p.is_dir()}
    missing = packages - allowed()
    assert not missing, f"add !{' !'.join(sorted(missing))} to .containerignore"


def test_what_the_build_reads_enters_and_tests_do_not():
    context = allowed()
    assert {"pyproject.toml", "README.md", "requirements/lock.txt"} <= context
    link = ROOT / "monitors" / "alert_rules.yml"
    assert link.is_symlink() and str(link.resolve().relative_to(ROOT)) in context
    assert not context & {"tests", ".venv", "out", "node_modules", "requirements/dev.lock.txt"}
