"""The lock the vault and the account guard hold: exclusive between threads and processes,
bounded waits, and nothing left behind by a holder that died."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from authenticator.file_lock import LockTimeout, held


def test_two_threads_of_one_process_exclude_each_other(tmp_path: Path) -> None:
    lock, inside, overlaps = tmp_path / "x.lock", [], []

    def hold() -> None:
        for _ in range(20):
            with held(lock, 10):
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(1)
                time.sleep(0.001)
                inside.pop()

    threads = [threading.Thread(target=hold) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not overlaps


def test_a_wait_is_bounded_and_says_which_file(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    with held(lock, 1):
        started = time.monotonic()
        with pytest.raises(LockTimeout, match="x.lock stayed locked"), held(lock, 0.2):
            pass
        assert time.monotonic() - started >= 0.2
    with held(lock, 0.2):  # free again once released
        pass
    assert oct(lock.stat().st_mode & 0o777) == "0o600"


def test_a_holder_killed_leaves_the_lock_free(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from authenticator.file_lock import held\n"
         f"import sys, time\nwith held(__import__('pathlib').Path({str(lock)!r}), 5):\n"
         "    print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeout), held(lock, 0.1):
            pass
    finally:
        holder.kill()
        holder.wait(10)
    with held(lock, 2):
        pass
