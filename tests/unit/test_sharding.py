"""Sharding the suite over CI machines (pytest-split) partitions it: every test in one shard.

Each collection runs in its own pytest process, as on separate CI machines: ``--splits N
--group G`` selects one shard from the same collected suite. Without a durations file the
shards are cut by count; with one (``--store-durations`` from an earlier run, see
docs/scale.md) by time; both must still partition. The collections are of a few unit test
modules (collecting is importing: the whole suite would cost each collection seconds),
ordered by the same hooks as the browser tests (``tests/fixtures/scheduling.py``). A small
module is also run for real across two shards with ``-n auto`` (pytest-xdist): the shards'
passes add up to the whole.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Collections here must not write durations or the cache of the developer's own runs.
QUIET = ["-p", "no:cacheprovider", "-q"]


def pytest_run(*argv: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", *QUIET, *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def collected(*argv: str) -> list[str]:
    done = pytest_run("--collect-only", *argv)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return [line for line in done.stdout.splitlines() if "::" in line]


def shards(splits: int, *argv: str) -> list[list[str]]:
    groups = [("--splits", str(splits), "--group", str(g), *argv) for g in range(1, splits + 1)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda args: collected(*args), groups))


#: Unit test modules of several packages, a few hundred tests in all.
UNIT = (
    "tests/unit/test_vault_basic.py",
    "tests/unit/test_account_guard.py",
    "tests/unit/test_monitor_config.py",
    "tests/unit/test_k8s.py",
    "tests/unit/test_sandbox_admin.py",
    "tests/unit/test_authenticator_otp.py",
    "tests/unit/test_wording.py",
    "tests/unit/test_monitor_grading.py",
)


@pytest.fixture(scope="module")
def suite() -> list[str]:
    ids = collected(*UNIT)
    assert len(ids) > 100 and len(ids) == len(set(ids))
    return ids


def assert_partition(suite: list[str], parts: list[list[str]]) -> None:
    seen = [test for part in parts for test in part]
    assert sorted(seen) == sorted(suite), "a test is missing from every shard or in two of them"
    assert all(parts), "an empty shard"


def test_shards_by_count_partition_the_suite(suite):
    parts = shards(3, *UNIT, "--durations-path", str(ROOT / "no-such-durations.json"))
    assert_partition(suite, parts)
    sizes = sorted(len(part) for part in parts)
    assert sizes[-1] - sizes[0] <= 2  # without durations the cut is by count, near-even


def test_shards_by_duration_partition_the_suite(suite, tmp_path):
    """The same with a durations file, of a skewed suite."""
    durations = tmp_path / "durations.json"
    rng = random.Random(7)  # a skewed suite: a few slow tests among many fast ones
    durations.write_text(json.dumps({t: rng.choice([0.01, 0.02, 0.5, 8.0]) for t in suite}))
    parts = shards(2, *UNIT, "--durations-path", str(durations))
    assert_partition(suite, parts)
    totals = [sum(json.loads(durations.read_text())[t] for t in part) for part in parts]
    assert max(totals) < 0.6 * sum(totals)  # balanced by time, not by count


def test_shards_run_under_xdist_and_add_up():
    module = "tests/unit/test_monitor_grading.py"
    passed = []
    for group in (1, 2):
        done = pytest_run(module, "-n", "auto", "--splits", "2", "--group", str(group),
                          "--durations-path", str(ROOT / "no-such-durations.json"))  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:]
        passed.append(int(re.search(r"(\d+) passed", done.stdout).group(1)))
    assert all(passed) and sum(passed) == len(collected(module))
