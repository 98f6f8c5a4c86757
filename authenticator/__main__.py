"""Operators' CLI: ``python -m authenticator vault list|show-uri|remove``.

``list`` never prints a secret. ``show-uri`` prints the Key URI — the secret itself — or,
with ``--qr``, its QR code for a phone to scan; it exists only to move an enrolled account
to another device and is never implied by another command. ``remove`` asks for ``--yes``
because a lost secret locks the account out until the helpdesk resets it. Errors are one
line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import segno

from authenticator.errors import AuthenticatorError
from authenticator.vault import PATH_ENV, Vault, default_path


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    vault = Vault(args.vault)
    try:
        return args.run(vault, args)
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
        print(f"error: nothing is enrolled for CIP {args.cip} at {args.base_url}", file=sys.stderr)
        return 2
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
        print(f"error: nothing is enrolled for CIP {args.cip} at {args.base_url}", file=sys.stderr)
        return 2
    if not args.yes:
        print(
            f"error: removing CIP {args.cip} at {args.base_url} loses its secret for good; "
            "re-run with --yes to confirm",
            file=sys.stderr,
        )
        return 2
    vault.remove(args.base_url, args.cip)
    print(f"removed CIP {args.cip} at {args.base_url} from {vault.path}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m authenticator", description=__doc__)
    commands = parser.add_subparsers(dest="area", required=True)
    vault = commands.add_parser("vault", help="inspect or edit the vault of enrolled secrets")
    vault.add_argument(
        "--vault", default=None, help=f"vault file (default: ${PATH_ENV} or {default_path()})"
    )
    actions = vault.add_subparsers(dest="action", required=True)
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
    return parser


if __name__ == "__main__":
    sys.exit(main())
