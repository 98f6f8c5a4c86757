"""The vault's file: Fernet encryption, key management and crash-safe writes.

Losing an enrolled secret locks the monitoring account out until the helpdesk resets it,
so the file is only ever replaced whole: temporary file, fsync, rename, fsync of the folder;
the replaced file stays as ``vault.bak``, one change older. A file we cannot read (wrong
key, corrupt, foreign) is never overwritten.

Layout: one ASCII header line ``EESPRESSO-VAULT 1 <key id>``, then the Fernet token of a JSON
document. The key id (a truncated HMAC of the key) lets a wrong key be told from corruption.
A backup made by ``vault backup`` is a file of the same layout; a rekey rewrites the vault,
its ``vault.bak`` and the key file so that the old key opens none of them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from authenticator.errors import VaultError

log = logging.getLogger(__name__)
MAGIC = b"EESPRESSO-VAULT"
VERSION = 1
KEY_ENV = "EESPRESSO_VAULT_KEY"
_KEY_HELP = (
    "generate one with: python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'"
)


def key_path(path: Path) -> Path:
    """The key file beside the vault: ``vault`` → ``vault.key``."""
    return path.with_name(path.name + ".key")


def key_id(key: bytes) -> str:
    """A short public tag of the key (HMAC: it reveals nothing of the key itself)."""
    return hmac.new(key, b"eespresso-vault key id", hashlib.sha256).hexdigest()[:16]


def load_key(path: Path, explicit: bytes | str | None, *, create: bool) -> bytes | None:
    """The key: explicit argument, else ``$EESPRESSO_VAULT_KEY``, else the key file.

    The key file is created (mode 0600, exclusively) only when ``create`` is true and no
    vault exists yet: a vault whose key is missing must fail, not get a fresh key.
    Returns None when there is no key and none may be created.
    """
    source = "the key argument"
    key = explicit
    if key is None and os.environ.get(KEY_ENV):
        key, source = os.environ[KEY_ENV], KEY_ENV
    if key is None:
        file = key_path(path)
        source = str(file)
        try:
            _finish_rekey(path)
            key = file.read_bytes().strip()
            _warn_if_loose(file)
        except FileNotFoundError:
            if not create:
                return None
            if path.exists():
                raise VaultError(
                    f"the vault {path} exists but its key file {file} is missing: "
                    f"restore the key file or set {KEY_ENV}"
                ) from None
            key = generate_key()
            _write_new(file, key + b"\n")
        except OSError as error:
            raise VaultError(f"cannot read the vault key {file}: {error.strerror}") from None
    return checked_key(key, source)


def checked_key(key: bytes | str, source: str) -> bytes:
    """``key`` as bytes if it is a Fernet key; ``source`` names where it came from."""
    key = (key.encode() if isinstance(key, str) else bytes(key)).strip()  # a file ends in \n
    try:
        Fernet(key)
    except (ValueError, TypeError):
        raise VaultError(
            f"{source} is not a valid vault key (32 url-safe base64 bytes); {_KEY_HELP}"
        ) from None
    return key


def generate_key() -> bytes:
    """A fresh random vault key (Fernet: 256 bits from the OS's CSPRNG)."""
    return Fernet.generate_key()


def key_in_file(explicit: bytes | str | None) -> bool:
    """True when the key is the file beside the vault (not an argument or the environment)."""
    return explicit is None and not os.environ.get(KEY_ENV)


def next_key_path(path: Path) -> Path:
    """Where a rekey keeps the new key until the vault is written with it: ``vault.key.next``."""
    return path.with_name(path.name + ".key.next")


def rekey(path: Path, new_key: bytes, document: dict, *, key_file: bool) -> None:
    """Write the vault (and its backup) with ``new_key``; with ``key_file``, replace that too.

    Two files cannot be replaced in one step, so the new key is made durable first as
    ``vault.key.next``, then the vault is rewritten, then the key file is replaced. A crash
    between the last two leaves a vault that only ``vault.key.next`` opens: ``load_key``
    finishes the move the next time anyone opens the vault. The backup is rewritten too
    (``keep_previous=False``): a copy the old key still opens would defeat the rekey.
    Call with the lock held.
    """
    pending = next_key_path(path)
    if key_file:
        _replace_durably(pending, new_key + b"\n")
    write(path, new_key, document, keep_previous=False)
    if key_file:
        _finish_rekey(path)


def _finish_rekey(path: Path) -> None:
    """Move ``vault.key.next`` over ``vault.key`` when the vault is already written with it.

    When the vault still has the old key's header the rekey did not get that far: the file
    is left for the rekey (holding the lock) to use, or for the next one to replace.
    """
    pending = next_key_path(path)
    try:
        new_key = pending.read_bytes().strip()
        header = path.read_bytes().partition(b"\n")[0].split(b" ")
    except FileNotFoundError:
        return
    if len(header) == 3 and hmac.compare_digest(header[2], key_id(new_key).encode()):
        with contextlib.suppress(FileNotFoundError):  # another process finished it first
            os.replace(pending, key_path(path))
            _fsync_folder(path.parent)


def _warn_if_loose(file: Path) -> None:
    """The key opens every enrolled secret: say so when others may read it."""
    mode = stat.S_IMODE(file.stat().st_mode)
    if mode & 0o077:
        log.warning("the vault key %s is readable by others (mode %o): run chmod 600", file, mode)


def read(path: Path, get_key: Callable[[], bytes | None], *, backup_of: Path | None = None) -> dict:
    """The decrypted document, or an empty one when the vault does not exist yet.

    The header is checked before the key is looked up, so a foreign file is reported as
    such rather than as a missing key. ``backup_of`` names the vault when ``path`` is a copy
    made by ``vault backup``: it may have been made with an older key than the vault's.
    """
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return {"version": VERSION, "entries": {}}
    except OSError as error:
        raise VaultError(f"cannot read the vault {path}: {error.strerror}") from None
    header, _, token = blob.partition(b"\n")
    fields = header.split(b" ")
    if len(fields) != 3 or fields[0] != MAGIC:
        raise VaultError(f"{path} is not an eEspresso vault (foreign file); it was left untouched")
    if fields[1] != str(VERSION).encode():
        raise VaultError(f"{path} is a vault of an unknown version; upgrade the suite")
    key = get_key()
    if key is None:
        raise VaultError(f"no key for the vault {path}: set {KEY_ENV} or restore {key_path(path)}")
    if not hmac.compare_digest(fields[2], key_id(key).encode()):
        if backup_of is not None:
            raise VaultError(
                f"the backup {path} was made with another key than the vault {backup_of}'s: "
                "give the key it was made with (--backup-key-file)"
            )
        raise VaultError(
            f"the vault {path} was written with another key: check {KEY_ENV} or "
            f"{key_path(path)}; the vault was left untouched"
        )
    try:
        document = json.loads(Fernet(key).decrypt(token.strip()))
        if not isinstance(document.get("entries"), dict):
            raise ValueError
        return document
    except (InvalidToken, ValueError, AttributeError):
        backup = backup_path(path)
        advice = f"restore {backup} (one change older)" if backup.exists() else "re-enrol"
        raise VaultError(
            f"the vault {path} is corrupt (right key, unreadable content); it was left "
            f"untouched: {advice}"
        ) from None


def backup_path(path: Path) -> Path:
    """The previous version of the vault, one change older: ``vault`` → ``vault.bak``."""
    return path.with_name(path.name + ".bak")


def write(path: Path, key: bytes, document: dict, *, keep_previous: bool = True) -> None:
    """Replace the vault atomically: a crash leaves either the old or the new file.

    The old file is kept as ``vault.bak`` (a hard link: no copy) so that a vault damaged on
    disk later can be restored by hand, one change older, instead of re-enrolling. With
    ``keep_previous=False`` (a removal, a rekey) the backup becomes the new file instead, so
    no copy of the removed secret or under the old key is left behind: it does so *before*
    the vault is replaced, so a writer killed at any step never leaves the new vault beside
    an old backup (the old file is gone once both names point at the new one).
    """
    new = _durable_temporary(path, _encode(key, document))
    with _removed_on_error(new):
        if keep_previous and path.exists():
            _link_as_backup(path, path)
        elif not keep_previous:
            _link_as_backup(Path(new), path)
        os.replace(new, path)
    _fsync_folder(path.parent)


def write_copy(path: Path, key: bytes, document: dict) -> None:
    """A standalone vault file at ``path`` (mode 0600), whole or not at all; never replaces."""
    try:
        _write_new(path, _encode(key, document))
    except FileExistsError:
        raise VaultError(f"{path} exists already: choose a new file name") from None


def _encode(key: bytes, document: dict) -> bytes:
    """Header line, then the Fernet token of the JSON document."""
    token = Fernet(key).encrypt(json.dumps(document, sort_keys=True).encode())
    header = b" ".join((MAGIC, str(VERSION).encode(), key_id(key).encode()))
    return header + b"\n" + token + b"\n"


def _replace_durably(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` (mode 0600) by an atomic rename, replacing any older file."""
    temporary = _durable_temporary(path, data)
    with _removed_on_error(temporary):
        os.replace(temporary, path)
    _fsync_folder(path.parent)


def _link_as_backup(source: Path, path: Path) -> None:
    """Make ``vault.bak`` another name of ``source`` (the vault or its successor), atomically."""
    link = path.with_name(f".{path.name}.bak.tmp")
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.link(source, link)
    os.replace(link, backup_path(path))
    # rename() does nothing when both names already link one file (a writer killed right
    # after this step last time): the temporary name would be left over.
    with contextlib.suppress(FileNotFoundError):
        link.unlink()


def remove_stale_temporaries(path: Path) -> None:
    """Delete temporary files left by killed writers (call with the lock held)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (mode 0600) whole or not at all; fails if it already exists.

    Written to a temporary file then hard-linked: a writer killed midway leaves no
    half-written key that would lock the vault forever.
    """
    temporary = _durable_temporary(path, data)
    try:
        os.link(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    _fsync_folder(path.parent)


def _durable_temporary(path: Path, data: bytes) -> str:
    """Write ``data`` to a new temporary file beside ``path`` (mode 0600), fsynced."""
    folder, prefix = path.parent, f".{path.name}."
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    with _removed_on_error(temporary), os.fdopen(descriptor, "wb") as stream:
        stream.write(data)  # mkstemp created the file mode 0600
        stream.flush()
        os.fsync(stream.fileno())
    return temporary


@contextlib.contextmanager
def _removed_on_error(temporary: str) -> Iterator[None]:
    """Delete ``temporary`` if the block fails: an error leaves no debris beside the vault."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX: the directory entry lives in the folder)."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
