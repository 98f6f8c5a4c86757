"""Time ``python -m reports html`` (Allure Report 3) and ``gate`` on a real smoke-run folder.

How long rendering the report takes for the end-to-end results folder. This runs
the E2E smoke set once against the embedded sandbox (``pytest -m smoke --alluredir``), or takes
``--results DIR``, then renders it ``--runs`` times with the history file growing, as on CI.

    .venv/bin/python bench/report_render.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(args[:3])} failed: {done.stderr.strip()[-300:]}")
    return elapsed


def _scaled(results: Path, copies: int, into: Path) -> Path:
    """``copies`` copies of every result, each a distinct test (new uuid and historyId)."""
    into.mkdir()
    for path in results.glob("*-result.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("attachments", None)  # attachments are not copied: keep the folder whole
        for _ in range(copies):
            data["uuid"] = str(uuid.uuid4())
            data["historyId"] = data["testCaseId"] = uuid.uuid4().hex
            (into / f"{data['uuid']}-result.json").write_text(json.dumps(data), encoding="utf-8")
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", type=Path, help="results folder (default: run the smoke set)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=int, default=1, help="copies of each result (size test)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results = args.results or work / "allure-results"
        if args.results is None:
            smoke = _timed(["-m", "pytest", "-m", "smoke", "-q", "-p", "no:cacheprovider",
                            f"--alluredir={results}", "tests/e2e"])  # fmt: skip
            print(f"smoke run (pytest -m smoke, 2 journeys): {smoke:.1f} s")
        if args.scale > 1:
            results = _scaled(results, args.scale, work / "scaled")
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
