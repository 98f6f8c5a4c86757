"""Time ``python -m reports html`` (Allure Report 3) and ``gate`` on a real smoke-run folder.

Issue 6 asks how long rendering the report takes for the end-to-end results folder. This runs
the E2E smoke set once against the embedded sandbox (``pytest -m smoke --alluredir``), or takes
``--results DIR``, then renders it ``--runs`` times with the history file growing, as on CI.

    .venv/bin/python bench/report_render.py --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(args[:3])} failed: {done.stderr.strip()[-300:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", type=Path, help="results folder (default: run the smoke set)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results = args.results or work / "allure-results"
        if args.results is None:
            smoke = _timed(["-m", "pytest", "-m", "smoke", "-q", "-p", "no:cacheprovider",
                            f"--alluredir={results}", "tests/e2e"])  # fmt: skip
            print(f"smoke run (pytest -m smoke, 2 journeys): {smoke:.1f} s")
        count = len(list(results.glob("*-result.json")))
        html = [
            _timed(
                [
                    "-m",
                    "reports",
                    "html",
                    "--results",
                    str(results),
                    "--out",
                    str(work / "report"),
                    "--history",
                    str(work / "history.jsonl"),
                ]
            )  # fmt: skip
            for _ in range(args.runs)
        ]
        gate = [
            _timed(["-m", "reports", "gate", "--results", str(results)]) for _ in range(args.runs)
        ]
        size = (work / "report" / "index.html").stat().st_size / 1e6
    for name, times in (("html", html), ("gate", gate)):
        median = statistics.median(times)
        print(
            f"reports {name}: {count} results, {args.runs} runs: median {median:.2f} s,"
            f" min {min(times):.2f} s, max {max(times):.2f} s"
        )
    print(f"index.html: {size:.1f} MB (single file)")


if __name__ == "__main__":
    main()
