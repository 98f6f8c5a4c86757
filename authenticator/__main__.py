"""Operators' CLI: ``python -m authenticator vault list|show-uri|remove|import|rekey|backup``.

``list`` never prints a secret. ``show-uri`` prints the Key URI — the secret itself — or,
with ``--qr``, its QR code for a phone to scan; it exists only to move an enrolled account
to another device and is never implied by another command. ``remove`` asks for ``--yes``
because a lost secret locks the account out until the helpdesk resets it. ``import`` brings
in a key the portal already knows (a Key URI on standard input, the picture of a QR code, a
phone's export, or a ``backup`` file); ``rekey`` changes the vault's key. Keys and secrets
never come from argv (every user of the machine can read a process's command line): from
standard input, files, or the environment. Errors are one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import segno

from authenticator import transfer
from authenticator.errors import AuthenticatorError
from authenticator.vault import PATH_ENV, Vault, default_path, normalise_base_url
from authenticator.vault_file import KEY_ENV, key_path
from wording.cli import OneLineParser

NEW_KEY_ENV = "EESPRESSO_VAULT_NEW_KEY"
MAX_INPUT_BYTES = 50_000_000  # a 12-megapixel phone photo is 3-8 MB


class UsageError(AuthenticatorError):
    """A command line the CLI cannot run; one line, exit 2."""


class _Parser(OneLineParser):
    failure = UsageError


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        return args.run(Vault(args.vault), args)
    except AuthenticatorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _list(vault: Vault, args: argparse.Namespace) -> int:
    entries = vault.entries()
    if not entries:
        print(f"the vault {vault.path} is empty")
    for entry in entries:
        account = entry.account
        print(
            f"{entry.base_url}  {entry.cip}  {entry.state}  device={entry.device_name!r}  "
            f"created={entry.created_at}  last_step={entry.last_step}  "
            f"{account.algorithm}/{account.digits}/{account.period}s  issuer={account.issuer!r}"
        )
    return 0


def _show_uri(vault: Vault, args: argparse.Namespace) -> int:
    entry = vault.get(args.base_url, args.cip)
    if entry is None:
        raise UsageError(f"nothing is enrolled for CIP {args.cip} at {args.base_url}")
    print(
        "warning: this URI is the TOTP secret; do not paste it into tickets or chats",
        file=sys.stderr,
    )
    uri = entry.account.to_uri()
    if args.qr:  # scanned straight from the terminal by the new phone: nothing to copy around
        segno.make(uri, micro=False).terminal(out=sys.stdout, compact=True)
    else:
        print(uri)
    return 0


def _remove(vault: Vault, args: argparse.Namespace) -> int:
    if vault.get(args.base_url, args.cip) is None:
        raise UsageError(f"nothing is enrolled for CIP {args.cip} at {args.base_url}")
    if not args.yes:
        raise UsageError(
            f"removing CIP {args.cip} at {args.base_url} loses its secret for good; "
            "re-run with --yes to confirm"
        )
    vault.remove(args.base_url, args.cip)
    print(f"removed CIP {args.cip} at {args.base_url} from {vault.path}")
    return 0


def _import(vault: Vault, args: argparse.Namespace) -> int:
    if (args.base_url is None) != (args.cip is None):
        raise UsageError("give --base-url and --cip together")
    if args.backup is not None:
        return _restore(vault, args)
    if args.base_url is None:
        raise UsageError("--base-url and --cip are required: they name the account to import")
    base_url = normalise_base_url(args.base_url)  # refuse a bad URL before reading any secret
    if args.qr is not None:
        export = transfer.read_picture(_read_file(args.qr, "picture"))
    else:
        export = transfer.read_text(_read_standard_input())
    account = transfer.choose(export, args.select)
    outcome = vault.import_active(
        base_url, args.cip, account, args.device_name, replace=args.replace
    )
    label = f"{account.issuer}:{account.account}" if account.issuer else account.account
    print(
        f"{outcome}: CIP {args.cip} at {base_url} in {vault.path} is active (key {label!r}, "
        f"{account.algorithm}, {account.digits} digits, {account.period} s)"
    )
    return 0


def _restore(vault: Vault, args: argparse.Namespace) -> int:
    if args.qr is not None or args.select is not None:
        raise UsageError("--backup restores a backup file: --qr and --select do not apply")
    key = None if args.backup_key_file is None else _read_file(args.backup_key_file, "key file")
    only = None if args.base_url is None else (args.base_url, args.cip)
    outcome = vault.restore(args.backup, key=key, replace=args.replace, only=only)
    for entry_id, what in sorted(outcome.items()):
        base_url, cip = entry_id.rsplit(" ", 1)
        print(f"{what}: CIP {cip} at {base_url}")
    print(f"restored {len(outcome)} entr{'y' if len(outcome) == 1 else 'ies'} into {vault.path}")
    return 0


def _rekey(vault: Vault, args: argparse.Namespace) -> int:
    from_env = os.environ.get(NEW_KEY_ENV)
    if from_env and args.new_key_file:
        raise UsageError(f"give the new key by {NEW_KEY_ENV} or --new-key-file, not both")
    new_key = _read_file(args.new_key_file, "key file") if args.new_key_file else from_env
    if vault.rekey(new_key):
        print(
            f"rekeyed {vault.path}: its new key is in {key_path(vault.path)}; "
            "the old key opens neither the vault nor its .bak"
        )
    else:
        print(
            f"rekeyed {vault.path} with the new key: put it in {KEY_ENV} now; "
            "the old key opens neither the vault nor its .bak"
        )
    return 0


def _backup(vault: Vault, args: argparse.Namespace) -> int:
    count = vault.backup(args.file)
    print(
        f"wrote an encrypted copy of {vault.path} ({count} entries) to {args.file}; it opens "
        "with the vault's current key: keep that key apart from the copy"
    )
    return 0


def _read_file(name: str, what: str) -> bytes:
    """A file the person named, or one line that says why it cannot be read."""
    path = Path(name)
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise UsageError(f"the {what} {path} is over {MAX_INPUT_BYTES // 1_000_000} MB")
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"there is no {what} {path}") from None
    except OSError as error:
        raise UsageError(f"cannot read the {what} {path}: {error.strerror or error}") from None


def _read_standard_input() -> str:
    """The key URI from standard input; typed at a terminal, it is not echoed."""
    if sys.stdin is None:
        raise UsageError("no standard input: pipe the key URI in, or give --qr IMAGE")
    if sys.stdin.isatty():
        return getpass.getpass("Key URI (otpauth://... , not shown): ")
    data = sys.stdin.buffer.read(MAX_INPUT_BYTES)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("standard input is not UTF-8 text: give the key URI as text") from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m authenticator", description=__doc__)
    commands = parser.add_subparsers(dest="area", required=True, parser_class=_Parser)
    vault = commands.add_parser("vault", help="inspect or edit the vault of enrolled secrets")
    vault.add_argument(
        "--vault", default=None, help=f"vault file (default: ${PATH_ENV} or {default_path()})"
    )
    actions = vault.add_subparsers(dest="action", required=True, parser_class=_Parser)
    actions.add_parser("list", help="list entries (no secrets)").set_defaults(run=_list)
    for name, run, text in (
        ("show-uri", _show_uri, "print the otpauth URI (the secret) to move to another device"),
        ("remove", _remove, "forget an entry"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("base_url", help="portal base URL, e.g. https://paierh.example")
        action.add_argument("cip", help="the account's CIP")
        action.set_defaults(run=run)
    actions.choices["remove"].add_argument("--yes", action="store_true", help="confirm removal")
    actions.choices["show-uri"].add_argument(
        "--qr", action="store_true", help="print it as a QR code for a phone to scan"
    )
    _add_import(actions)
    rekey = actions.add_parser(
        "rekey",
        help=f"encrypt the vault with a new key (from ${NEW_KEY_ENV} or --new-key-file; "
        "generated into the key file when the vault uses one)",
    )
    rekey.add_argument("--new-key-file", help="file holding the new key")
    rekey.set_defaults(run=_rekey)
    backup = actions.add_parser("backup", help="write an encrypted copy of the vault")
    backup.add_argument("file", help="the new file (never overwritten)")
    backup.set_defaults(run=_backup)
    return parser


def _add_import(actions: argparse._SubParsersAction) -> None:
    action = actions.add_parser(
        "import",
        help="store a key the portal already knows: a Key URI on standard input, "
        "--qr IMAGE (the portal's QR or a phone's export), or --backup FILE",
    )
    action.add_argument("--base-url", help="portal base URL, e.g. https://paierh.example")
    action.add_argument("--cip", help="the account's CIP")
    source = action.add_mutually_exclusive_group()
    source.add_argument("--qr", metavar="IMAGE", help="picture of the QR code (PNG, JPEG...)")
    source.add_argument("--backup", metavar="FILE", help="restore a file written by 'backup'")
    action.add_argument("--select", metavar="NAME", help="the account to take from an export")
    action.add_argument("--replace", action="store_true", help="replace another stored key")
    action.add_argument("--device-name", default="Importé", help="how the entry is described")
    action.add_argument("--backup-key-file", help="key of a backup made with another key")
    action.set_defaults(run=_import)


if __name__ == "__main__":
    sys.exit(main())
