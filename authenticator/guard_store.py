"""The account guard's store: one SQLite file per machine, and the id that names it.

WAL and a busy timeout let every process and thread of the machine share the file; each write
is one short ``BEGIN IMMEDIATE`` transaction, synchronous=FULL, so a submission row survives a
crash or a power cut before the submit it announces. A transaction opens a fresh connection,
except those of one login attempt, which share the attempt's (``connection``): closing the last
connection to a WAL database checkpoints it, a rewrite and two more fsyncs each time.

Each store holds a random id, made when the store is made. A vault entry names the store that
counts its account's failures (``AccountGuard.check_store``): a store deleted, emptied or moved
elsewhere is a new store with a new id, and cannot pass for the one that saw the failures.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

from authenticator.errors import AuthenticatorError

PATH_ENV = "EESPRESSO_GUARD"
#: What to do about a store that cannot be used, without forgetting any failure it holds.
ADVICE = (
    "no login is attempted without it; fix its permissions or free disk space, or restore it "
    "from a copy (a new store keeps every enrolled account paused until "
    "'python -m monitors resume')"
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY, identity TEXT NOT NULL, attempt TEXT NOT NULL, what TEXT NOT NULL,
    at REAL NOT NULL, proven_at REAL, outcome TEXT
);
CREATE INDEX IF NOT EXISTS submissions_by_identity ON submissions (identity, at);
CREATE TABLE IF NOT EXISTS pauses (
    identity TEXT PRIMARY KEY, since REAL NOT NULL, reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY, identity TEXT NOT NULL, at REAL NOT NULL, event TEXT NOT NULL,
    by TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS store (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class GuardError(AuthenticatorError, ValueError):
    """Bad guard settings or an unusable store: one line; no submission may go out then."""


def open_store(path: Path) -> str:
    """Create the store at ``path`` if needed (0600 in a 0700 folder); its id."""
    try:
        for folder in (path.parent, locks_folder(path)):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the
        # database file's mode.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as error:
        raise GuardError(
            f"cannot create the account guard's store {path}: {error.strerror or error}; {ADVICE}"
        ) from None
    with transaction(path, SCHEMA) as db:
        db.execute("INSERT OR IGNORE INTO store VALUES ('id', ?)", (uuid.uuid4().hex,))
        return db.execute("SELECT value FROM store WHERE key = 'id'").fetchone()[0]


def locks_folder(path: Path) -> Path:
    """Where the per-account lock files of the store at ``path`` live."""
    return path.with_name(path.name + ".locks")


@contextlib.contextmanager
def connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for several transactions in a row (one thread at a time), then closed."""
    try:
        db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # a submission row survives a power cut too
    except sqlite3.Error as error:
        raise unusable(path, error) from None
    try:
        yield db
    finally:
        db.close()


@contextlib.contextmanager
def transaction(
    path: Path, schema: str = "", db: sqlite3.Connection | None = None
) -> Iterator[sqlite3.Connection]:
    """One short write transaction (any thread, any process), on ``db`` or a fresh connection."""
    with connection(path) if db is None else contextlib.nullcontext(db) as db:
        try:
            if schema:
                db.executescript(schema)
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as error:
            if db.in_transaction:
                db.rollback()
            raise unusable(path, error) from None


def unusable(path: Path, error: sqlite3.Error) -> GuardError:
    return GuardError(f"the account guard's store {path} is unusable ({error}); {ADVICE}")
