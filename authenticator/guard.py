"""The account guard: no process on this machine may be the cause of the account's lockout.

The portal locks an account after 5 consecutive failed logins (password or code) for 15
minutes, then the helpdesk must step in (PORTAL.md "Behaviour"). Whether a submission failed
is not always known: a timeout after the submit, a page nobody recognises, a process killed
mid-step. So the guard counts every password or code *submission* that the portal has not
proven successful, and pauses the account before the portal's line:

* ``attempt.submitting(what)`` is written to the store, durably, *before* the submit: a crash
  or a ``kill -9`` after it leaves an unproven submission that counts, with nothing to do at
  exit. ``attempt.proven()`` is called once the portal showed the next expected screen.
* The account is paused when its unproven submissions reach ``max_unproven`` (3 by default,
  always below 5) either within ``window_s`` (15 minutes) or since its last completed login,
  a code the portal accepted: the portal counts consecutive failures, and only a completed
  login resets them. A pause lasts until a person resumes it (logged, with who and why).
* An attempt holds an exclusive per-account lock: two processes never submit for one account
  at once. An attempt that never called ``submitting`` (portal down, page not recognised)
  counts nothing.

One store per machine, shared by every config, process and entry point: a SQLite file (WAL,
busy timeout) beside the vault, mode 0600 in a 0700 folder, keyed by the account's normalised
identity, so ``HTTPS://Portal.Example:443/`` and ``https://portal.example`` are one account.
Deleting, emptying or moving the store never grants more submissions: an enrolled account's
vault entry names the store that counts its failures, and a store it does not name keeps the
account paused until a person resumes it (``Attempt.check_store``).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import logging
import math
import os
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from authenticator.errors import AuthenticatorError
from authenticator.file_lock import LockTimeout, held
from authenticator.guard_store import (
    PATH_ENV,
    GuardError,
    connection,
    locks_folder,
    open_store,
    transaction,
)
from authenticator.vault import Vault, normalise_base_url
from authenticator.vault import default_path as default_vault_path

log = logging.getLogger(__name__)

PORTAL_LOCKOUT = 5  # failed logins after which the portal locks the account (PORTAL.md)
SUBMISSIONS = ("password", "code")
DEFAULT_MAX_UNPROVEN = 3
DEFAULT_WINDOW_S = 15 * 60.0
NO_OUTCOME = "no outcome recorded (the process ended mid-step)"
STORE_REPLACED = (
    "its failed logins were counted in another guard store, now deleted, emptied or moved; "
    "the portal may still count them"
)


class AccountBusy(AuthenticatorError):
    """Another process is submitting for this account right now."""


class AccountPaused(AuthenticatorError):
    """The account is paused; ``caused_here`` is true for the one call that paused it, so the
    caller that sees it true sends the one "paused" alert."""

    def __init__(self, message: str, *, reason: str, caused_here: bool) -> None:
        super().__init__(message)
        self.reason, self.caused_here = reason, caused_here


def default_path() -> Path:
    """``$EESPRESSO_GUARD``, else ``guard.sqlite`` beside the default vault."""
    configured = os.environ.get(PATH_ENV)
    return Path(configured) if configured else default_vault_path().with_name("guard.sqlite")


def account_identity(base_url: str, cip: str) -> str:
    """``"https://portal.example ABCD1234"``: one string however the URL or CIP is written.

    The URL goes through the vault's normaliser (``BaseUrlError`` when it names no portal);
    the CIP is upper-cased, as the portal treats user names case-insensitively.
    """
    cip = cip.strip()
    if not cip or any(c.isspace() for c in cip):
        raise GuardError(f"the CIP {cip[:40]!r} is empty or holds spaces")
    return f"{normalise_base_url(base_url)} {cip.upper()}"


class Named(Protocol):
    """An account as the journeys know it."""

    base_url: str
    cip: str


@dataclass(frozen=True)
class GuardStatus:
    identity: str
    paused: bool
    reason: str  # why it is paused, '' when it is not
    unproven: int  # unproven submissions counting towards a pause now
    since: float | None  # when the pause began
    max_unproven: int


class Attempt:
    """One login (or enrollment) attempt on one account, under the account's lock; its
    transactions share one connection to the store."""

    def __init__(
        self, guard: AccountGuard, identity: str, force: bool, db: sqlite3.Connection
    ) -> None:
        self.guard, self.identity, self.force, self._db = guard, identity, force, db
        self.id = uuid.uuid4().hex
        self.submissions = 0
        self.paused_now = False  # True when this attempt paused the account
        self.cause = ""

    def submitting(self, what: str) -> None:
        """Record a submission about to be sent; raises ``AccountPaused`` instead when the
        account is out of unproven submissions (unless the attempt is forced)."""
        if what not in SUBMISSIONS:
            raise ValueError(f"submitting({what!r}): expected one of {', '.join(SUBMISSIONS)}")
        with self.guard._transaction(self._db) as db:
            reason, caused = self.guard._settle(db, self.identity)
            if not reason or self.force:
                db.execute(
                    "INSERT INTO submissions (identity, attempt, what, at) VALUES (?,?,?,?)",
                    (self.identity, self.id, what, self.guard.clock()),
                )
        self.paused_now |= caused
        if reason and not self.force:  # raised once the pause is committed
            raise self.guard._paused(self.identity, reason, caused)
        self.submissions += 1

    def proven(self) -> None:
        """The portal proved this attempt's submissions so far (the next screen appeared)."""
        with self.guard._transaction(self._db) as db:
            db.execute(
                "UPDATE submissions SET proven_at = ? WHERE attempt = ? AND proven_at IS NULL",
                (self.guard.clock(), self.id),
            )

    def check_store(self, vault: Vault, account: Named) -> None:
        """Before any submission: make sure this store is the one that counts the account's
        failures, or pause the account (raises ``AccountPaused`` unless the attempt is forced).

        An enrolled account's vault entry names the store that counts its failures; the vault
        is encrypted and backed up, the store may be deleted, emptied or moved. A store the
        entry does not name has not seen those failures, so the account stays paused there
        until a person resumes it; the entry then names this store. An entry that names no
        store yet is given this one.
        """
        entry = vault.get(account.base_url, account.cip)
        if entry is None or entry.guard_store == self.guard.store_id:
            return
        with self.guard._transaction(self._db) as db:
            reason, caused = self.guard._settle_replaced_store(
                db, self.identity, first_use=entry.guard_store is None
            )
        self.paused_now |= caused
        if not reason:
            vault.name_guard_store(account.base_url, account.cip, self.guard.store_id)
        elif not self.force:
            raise self.guard._paused(self.identity, reason, caused)

    def unproven(self, cause: str) -> None:
        """Name why the submissions left unproven were not proven (shown in the pause reason)."""
        self.cause = cause

    def _close(self, cause: str) -> None:
        with self.guard._transaction(self._db) as db:
            db.execute(
                "UPDATE submissions SET outcome = ? WHERE attempt = ? AND proven_at IS NULL",
                (self.cause or cause, self.id),
            )
            _, caused = self.guard._settle(db, self.identity)
            self.paused_now |= caused


class AccountGuard:
    """The machine's guard store; cheap to create, safe to use from any thread or process."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        max_unproven: int = DEFAULT_MAX_UNPROVEN,
        window_s: float = DEFAULT_WINDOW_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if isinstance(max_unproven, bool) or not isinstance(max_unproven, int):
            raise GuardError(f"max_unproven must be a whole number, got {max_unproven!r}")
        if not 1 <= max_unproven < PORTAL_LOCKOUT:
            raise GuardError(
                f"max_unproven {max_unproven} is not allowed: use 1 to {PORTAL_LOCKOUT - 1}, "
                f"below the portal's lockout at {PORTAL_LOCKOUT} failed logins"
            )
        if not (isinstance(window_s, int | float) and math.isfinite(window_s) and window_s > 0):
            raise GuardError(f"the guard's window must be a positive duration, got {window_s!r}")
        self.path = Path(path) if path is not None else default_path()
        self.max_unproven, self.window_s, self.clock = max_unproven, float(window_s), clock
        self._locks = locks_folder(self.path)
        self.store_id = open_store(self.path)

    def __repr__(self) -> str:
        return f"AccountGuard({str(self.path)!r}, max_unproven={self.max_unproven})"

    @contextlib.contextmanager
    def attempt(self, account: str | Named, *, force: bool = False, wait_s: float = 30.0):
        """Hold the account (an identity, or anything with ``base_url`` and ``cip``: the
        journeys' ``Account``) for one attempt; raises ``AccountPaused`` (unless ``force``) or
        ``AccountBusy``. Yields an ``Attempt``; its ``paused_now`` says whether it paused."""
        if not isinstance(account, str):
            account = account_identity(account.base_url, account.cip)
        identity = account
        with contextlib.ExitStack() as holding:
            try:
                holding.enter_context(held(self._lock_file(identity), wait_s))
            except LockTimeout:
                raise AccountBusy(
                    f"another process is logging in as {identity} right now; try again later"
                ) from None
            with connection(self.path) as db:
                attempt = Attempt(self, identity, force, db)
                with self._transaction(db):
                    reason, caused = self._settle(db, identity)
                    if reason and force:
                        detail = f"while paused: {reason}"
                        self._journal(db, identity, "forced", current_user(), detail)
                if reason and not force:
                    raise self._paused(identity, reason, caused)
                try:
                    yield attempt
                except BaseException as error:
                    attempt._close(f"interrupted ({type(error).__name__})")
                    raise
                attempt._close("not proven")

    def status(self, identity: str) -> GuardStatus:
        """Where the account stands (read only: a pause that is due shows as paused)."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT since, reason FROM pauses WHERE identity = ?", (identity,)
            ).fetchone()
            count, due = self._count(db, identity)
        if row is not None:
            return GuardStatus(identity, True, row[1], count, row[0], self.max_unproven)
        return GuardStatus(identity, bool(due), due, count, None, self.max_unproven)

    def resume(self, identity: str, *, by: str, note: str = "") -> bool:
        """Lift the account's pause; the unproven submissions before it stop counting.

        Logged twice: a ``resumed`` row in the store's journal and a log line. False when
        the account was not paused (nothing is written then).
        """
        with self._transaction() as db:
            row = db.execute("SELECT reason FROM pauses WHERE identity = ?", (identity,)).fetchone()
            _, due = self._count(db, identity)
            reason = row[0] if row is not None else due
            if not reason:
                return False
            db.execute("DELETE FROM pauses WHERE identity = ?", (identity,))
            detail = f"{note} (was: {reason})" if note else f"was: {reason}"
            self._journal(db, identity, "resumed", by, detail)
        log.warning("account %s resumed by %s: %s", identity, by, detail)
        return True

    def journal(self, identity: str) -> list[tuple[float, str, str, str]]:
        """(at, event, by, detail) of the account's pauses, resumes and forced attempts."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT at, event, by, detail FROM journal WHERE identity = ? ORDER BY id",
                (identity,),
            ).fetchall()
        return [tuple(row) for row in rows]

    def resume_command(self, identity: str) -> str:
        """The command that resumes ``identity`` (names this store unless it is the default)."""
        base_url, cip = identity.rsplit(" ", 1)
        command = f"python -m monitors resume --base-url {base_url} --cip {cip}"
        return command if self.path == default_path() else f"{command} --guard {self.path}"

    # -- internals ---------------------------------------------------------------------------

    def _paused(self, identity: str, reason: str, caused: bool) -> AccountPaused:
        message = (
            f"{identity} is paused to protect the account from lockout ({reason}); "
            f"once the cause is fixed run: {self.resume_command(identity)}"
        )
        return AccountPaused(message, reason=reason, caused_here=caused)

    def _settle(self, db: sqlite3.Connection, identity: str) -> tuple[str, bool]:
        """The pause reason ('' if none) and whether this call created the pause."""
        row = db.execute("SELECT reason FROM pauses WHERE identity = ?", (identity,)).fetchone()
        if row is not None:
            return row[0], False
        _, due = self._count(db, identity)
        if not due:
            return "", False
        db.execute(
            "INSERT INTO pauses (identity, since, reason) VALUES (?,?,?)",
            (identity, self.clock(), due),
        )
        self._journal(db, identity, "paused", "guard", due)
        log.warning("account %s paused: %s", identity, due)
        return due, True

    def _settle_replaced_store(
        self, db: sqlite3.Connection, identity: str, *, first_use: bool
    ) -> tuple[str, bool]:
        """For an account whose vault entry names another store: '' once a person resumed it
        here (or when the entry named none), else the pause reason and whether this call
        paused it."""
        replaced = db.execute(
            "SELECT max(id) FROM journal WHERE identity = ? AND event = 'store_replaced'",
            (identity,),
        ).fetchone()[0]
        if replaced is None:
            if first_use:
                return "", False
            self._journal(db, identity, "store_replaced", "guard", STORE_REPLACED)
            replaced = db.execute("SELECT last_insert_rowid()").fetchone()[0]
        resumed = db.execute(
            "SELECT 1 FROM journal WHERE identity = ? AND event = 'resumed' AND id > ?",
            (identity, replaced),
        ).fetchone()
        if resumed:
            return "", False
        row = db.execute("SELECT reason FROM pauses WHERE identity = ?", (identity,)).fetchone()
        if row is not None:
            return row[0], False
        db.execute(
            "INSERT INTO pauses (identity, since, reason) VALUES (?,?,?)",
            (identity, self.clock(), STORE_REPLACED),
        )
        return STORE_REPLACED, True

    def _count(self, db: sqlite3.Connection, identity: str) -> tuple[int, str]:
        """Unproven submissions that count now, and the pause reason they make ('' if none)."""
        now = self.clock()
        resumed = db.execute(
            "SELECT coalesce(max(at), 0) FROM journal WHERE identity = ? AND event = 'resumed'",
            (identity,),
        ).fetchone()[0]
        login = db.execute(
            "SELECT coalesce(max(proven_at), 0) FROM submissions"
            " WHERE identity = ? AND what = 'code' AND proven_at IS NOT NULL",
            (identity,),
        ).fetchone()[0]
        rows = db.execute(
            "SELECT at, outcome FROM submissions WHERE identity = ? AND proven_at IS NULL"
            " AND at > ? ORDER BY at, id",
            (identity, resumed),
        ).fetchall()
        in_window = [row for row in rows if row[0] >= now - self.window_s]
        in_streak = [row for row in rows if row[0] > login]
        counted = sum(1 for at, _ in rows if at >= now - self.window_s or at > login)
        if len(in_window) >= self.max_unproven:
            where, last = f"in {self.window_s / 60:g} min", in_window[-1]
        elif len(in_streak) >= self.max_unproven:
            where, last = "since the last completed login", in_streak[-1]
        else:
            return counted, ""
        count = max(len(in_window), len(in_streak))
        return counted, f"{count} unproven submissions {where}; last: {last[1] or NO_OUTCOME}"

    def _journal(self, db: sqlite3.Connection, identity: str, event: str, by: str, detail: str):
        db.execute(
            "INSERT INTO journal (identity, at, event, by, detail) VALUES (?,?,?,?,?)",
            (identity, self.clock(), event, by, detail),
        )

    def _lock_file(self, identity: str) -> Path:
        return self._locks / f"{hashlib.sha256(identity.encode()).hexdigest()[:24]}.lock"

    def _transaction(
        self, db: sqlite3.Connection | None = None
    ) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path, db=db)


def current_user() -> str:
    """Who runs this process, for the journal (never fails: containers may lack a passwd entry)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"
