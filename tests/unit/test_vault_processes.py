"""Vault across processes: concurrent writers lose nothing; SIGKILL never breaks the file.

Workers are forked from the test process (already warm: no interpreter start-up per trial),
so they are real, separate processes that share nothing but the vault's folder.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from authenticator import Vault, parse_uri
from tests.fixtures.rfc_vectors import base32

URL = "http://127.0.0.1:8080"
ACCOUNT = parse_uri(f"otpauth://totp/eEspresso:SHARED?secret={base32(b'process test key')}")


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EESPRESSO_VAULT_KEY", raising=False)


def fork(work: Callable[[int], None]) -> tuple[int, int]:
    """Run ``work(write_fd)`` in a child process; return (pid, read end of its pipe)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        status = 1
        try:
            os.close(read_fd)
            work(write_fd)
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    return pid, read_fd


def read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    """4 processes, each saving its own entries and racing for the same shared time steps."""
    path, workers, entries, steps = tmp_path / "vault", 4, 15, 40

    def writer(worker: int) -> Callable[[int], None]:
        def work(fd: int) -> None:
            vault = Vault(path)  # no key yet: the first writer creates the key file, under lock
            won = []
            for index in range(max(entries, steps)):
                if index < entries:
                    vault.save_pending(URL, f"W{worker}N{index}", ACCOUNT, f"device {worker}")
                if index == 0 and worker == 0:
                    vault.save_pending(URL, "SHARED", ACCOUNT, "shared")
                shared = index < steps and vault.get(URL, "SHARED") is not None
                if shared and vault.claim_step(URL, "SHARED", index):
                    won.append(index)
            os.write(fd, json.dumps(won).encode())

        return work

    children = [fork(writer(worker)) for worker in range(workers)]
    won = [json.loads(read_all(fd)) for _, fd in children]
    assert all(os.waitpid(pid, 0)[1] == 0 for pid, _ in children)
    vault = Vault(path)
    cips = {entry.cip for entry in vault.entries()}
    expected = {f"W{w}N{i}" for w in range(workers) for i in range(entries)} | {"SHARED"}
    assert cips == expected
    claimed = [step for steps_won in won for step in steps_won]
    assert len(claimed) == len(set(claimed)), "a time step was handed to two processes"
    shared = vault.get(URL, "SHARED")
    assert shared is not None and shared.last_step == max(claimed)


def test_sigkill_at_random_points_never_breaks_the_vault(tmp_path: Path) -> None:
    """≥ 30 writers killed mid-flight; each time the vault opens and holds every acked write."""
    rng = random.Random(4226)
    trials, interrupted, any_acked = 32, 0, False
    acked: dict[str, int] = {}
    folder = tmp_path / "v0"
    for trial in range(trials):
        if trial % 8 == 0:  # now and then a new vault, so kills also hit key-file creation
            folder = tmp_path / f"v{trial}"
            acked = {}
        path = folder / "vault"

        def work(fd: int, trial: int = trial, path: Path = path) -> None:
            vault = Vault(path)
            for index in range(10_000):
                cip = f"T{trial}N{index % 7}"
                vault.save_pending(URL, cip, ACCOUNT, f"device {index}")
                vault.claim_step(URL, cip, index)
                os.write(fd, f"{cip} {index}\n".encode())  # acknowledged: must survive

        pid, fd = fork(work)
        time.sleep(rng.uniform(0.0, 0.08))
        os.kill(pid, signal.SIGKILL)
        for line in read_all(fd).splitlines():
            cip, step = line.split()
            acked[cip] = int(step)
        assert os.waitpid(pid, 0)[1] != 0
        interrupted += bool(list(folder.glob(".vault.*.tmp")))  # killed inside a write
        any_acked = any_acked or bool(acked)
        vault = Vault(path)
        if not path.exists():
            assert not acked
            continue
        entries = {entry.cip: entry for entry in vault.entries()}  # raises if unreadable
        backup = folder / "vault.bak"
        if backup.exists():  # the previous version is whole too
            Vault(backup, key=(folder / "vault.key").read_bytes()).entries()
        for cip, step in acked.items():
            assert entries[cip].last_step is not None and entries[cip].last_step >= step
    # the survivors still accept writes, and no temporary file is left behind by them
    vault.save_pending(URL, "AFTER", ACCOUNT, "x")
    assert not list(folder.glob(".vault.*.tmp"))
    # the kills landed during writes, not only before the first one or between trials
    assert interrupted >= 3 and any_acked, (interrupted, any_acked)
