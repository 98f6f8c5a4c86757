"""``python -m monitors enroll|login``: one journey from the command line.

``enroll`` runs the first access (steps 1–7) and keeps the scanned secret in the vault;
``login`` runs a later login with the vault's secret. Exit 0 when the journey succeeded, 1 when
it failed (the cause says why), 2 for a usage or configuration error, 3 when the account guard
refused (the account is paused, or another process is logging in as it); errors are one line
on stderr. Every password and code goes through the account guard first
(``authenticator.guard``), so no run of this command can lock the account out.

The password comes from ``EESPRESSO_PASSWORD`` or ``--password-file``, never from argv: the
command line of a process is readable by every user of the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from wording import cause_title
from wording.cli import OneLineParser
from wording.portal_text import for_terminal, for_terminal_data

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_GUARDED = 0, 1, 2, 3
#: The keys of ``--json``, in this order.
JSON_KEYS = (
    "journey",
    "target",
    "cip",
    "ok",
    "cause",
    "duration_ms",
    "steps",
    "started_at",
    "success_text_seen",
    "warnings",
    "error",
)
PROG = "python -m monitors"
#: The journey each command runs.
COMMANDS = {"enroll": "first_access", "login": "later_login"}
MAX_CLOCK_OFFSET_S = 86_400


class UsageError(Exception):
    """A usage or configuration error: one line, exit 2."""


class _Parser(OneLineParser):
    failure = UsageError
    hint = "; the password comes from EESPRESSO_PASSWORD or --password-file"


def parser() -> argparse.ArgumentParser:
    # No abbreviations: "--password SECRET" must not be taken for "--password-file SECRET".
    top = _Parser(prog="python -m monitors", description="Run one eEspresso journey.")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, help_text in (
        ("enroll", "first access: log in, scan the QR, confirm a code, name the device"),
        ("login", "later login with the vault's authenticator secret"),
    ):
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--base-url", required=True, help="the portal's address")
        command.add_argument(
            "--cip", default=os.environ.get("EESPRESSO_CIP"), help="user name (or EESPRESSO_CIP)"
        )
        if name == "enroll":
            command.add_argument("--device-name", required=True, help="e.g. « Mon iPhone »")
        command.add_argument(
            "--password-file", help="file holding the password (else EESPRESSO_PASSWORD)"
        )
        command.add_argument(
            "--vault",
            help="vault file (default $EESPRESSO_VAULT or ~/.local/share/eespresso/vault)",
        )
        command.add_argument("--alluredir", help="write an Allure result of the journey here")
        command.add_argument(
            "--json",
            action="store_true",
            help="print exactly one JSON line (also when the account guard refuses)",
        )
        command.add_argument("--timeout", type=float, default=30.0, help="seconds per page wait")
        command.add_argument(
            "--guard",
            help="the account guard's store (default $EESPRESSO_GUARD, else guard.sqlite "
            "beside --vault, else beside the default vault)",
        )
        command.add_argument(
            "--force-attempt",
            action="store_true",
            help="log in although the account guard paused the account (logged)",
        )
        command.add_argument(
            "--compensate-clock",
            action="store_true",
            help="retry once with the portal's clock offset when a code is refused for clock drift",
        )
        command.add_argument(
            "--clock-offset",
            type=float,
            default=0.0,
            metavar="SECONDS",
            help="the portal's clock minus this machine's, when known (a machine that cannot "
            "be synchronised): codes are computed for the portal's time",
        )
        command.add_argument("--headed", action="store_true", help="show the browser")
        command.add_argument(
            "--capture",
            metavar="DIR",
            help="record every screen the journey passes here (tree, masked screenshot)",
        )
        command.add_argument(
            "--profile",
            help="portal profile naming the portal's fields and buttons: a TOML file or a "
            "built-in name such as keycloak or keycloak-en (default: the eEspresso wording)",
        )
        command.add_argument(
            "--browser-ws",
            default=os.environ.get("EESPRESSO_BROWSER_WS"),
            help="a Playwright browser server (ws://…) of the same version instead of the "
            "local Chromium (or EESPRESSO_BROWSER_WS)",
        )
    return top


def _prepare(args: argparse.Namespace):
    """Everything that can be wrong before a browser starts: password, vault, enrollment."""
    from authenticator import Vault, VaultError, normalise_base_url
    from pages.account import DEFAULT_DEVICE_NAME, Account
    from pages.profile import ProfileError, default, load
    from pages.settings import SettingsError, read_password

    if not args.cip:
        raise UsageError("no CIP: pass --cip or set EESPRESSO_CIP")
    if not 1 <= args.timeout <= 600:  # also refuses nan and inf
        raise UsageError("--timeout must be a number of seconds from 1 to 600")
    if not abs(args.clock_offset) <= MAX_CLOCK_OFFSET_S:
        raise UsageError(
            f"--clock-offset must be a number of seconds from -{MAX_CLOCK_OFFSET_S} to "
            f"{MAX_CLOCK_OFFSET_S}; set this machine's clock if it is further off"
        )
    if args.browser_ws:
        from pages.browser import check_ws_endpoint

        try:
            check_ws_endpoint(args.browser_ws)
        except ValueError as error:
            raise UsageError(f"--browser-ws: {error}") from None
    try:
        profile = load(args.profile) if args.profile else default()
        password = read_password(os.environ, args.password_file)
        device_name = getattr(args, "device_name", None) or DEFAULT_DEVICE_NAME
        base_url = normalise_base_url(args.base_url)  # the one spelling of this portal
        account = Account(base_url, args.cip, password, device_name, profile)
        vault = Vault(args.vault) if args.vault else Vault()
        entry = vault.get(account.base_url, account.cip)  # also proves the vault is readable
    except (SettingsError, VaultError, ProfileError) as error:
        raise UsageError(str(error)) from None
    if args.capture:
        from pages.inspection_files import private_folder

        try:
            private_folder(args.capture)
        except OSError as error:
            raise UsageError(f"cannot write the folder {args.capture}: {error.strerror}") from None
    if args.command == "login" and entry is None:
        raise UsageError(
            f"the vault {vault.path} has no secret for {account.cip} at {account.base_url}: "
            "run 'enroll' first"
        )
    if args.command == "enroll":
        folder = vault.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.access(folder, os.W_OK):
            raise UsageError(f"cannot write the vault's folder {folder}: the secret would be lost")
    return account, vault


def _run(args: argparse.Namespace, account, vault, attempt):
    from playwright.sync_api import sync_playwright

    from authenticator import Authenticator
    from pages import browser as chromium
    from pages.journeys import run_journey
    from pages.result import Cause, JourneyResult, Limits

    journey = COMMANDS[args.command]
    with sync_playwright() as playwright:
        try:
            browser = chromium.open_browser(
                playwright, headless=not args.headed, ws_endpoint=args.browser_ws
            )
        except chromium.RemoteBrowserError as error:  # the probe's fault, not the portal's
            return JourneyResult.not_run(
                journey, account.base_url, account.cip, Cause.PROBE_ERROR, str(error)
            )
        except chromium.BrowserNotFound as error:
            raise UsageError(str(error)) from None
        try:
            page = chromium.new_context(browser).new_page()
            return run_journey(
                journey,
                page,
                account,
                vault,
                authenticator=Authenticator(offset=args.clock_offset),
                limits=Limits(timeout_ms=args.timeout * 1000),
                compensate_clock=args.compensate_clock,
                attempt=attempt,
                capture=args.capture or None,
            )
        finally:
            browser.close()


def _warning_lines(result) -> list[str]:
    """One line per warning: what the journey met and went past."""
    return [
        f"  warning ({w['kind']}"
        + (f", {w['days']} days" if "days" in w else "")
        + f"): {for_terminal(w['text'])}"
        for w in result.warnings
    ]


def summary(result) -> str:
    """A short human summary; the cause in words when the journey failed; the warnings."""
    name = result.journey.replace("_", " ")
    steps = ", ".join(f"{step} {ms:.0f} ms" for step, ms in result.steps.items())
    if result.ok:
        return "\n".join(
            [
                f"{name} OK on {result.target} as {result.cip} in {result.duration_ms:.0f} ms "
                f"({steps})",
                *_warning_lines(result),
            ]
        )
    cause = result.cause
    words = f"{cause_title(cause, 'en')} ({cause.value})"
    lines = [
        f"{name} FAILED on {result.target} as {result.cip}: {words}",
        *([f"  at: {result.failed_step}"] if result.failed_step else []),
        f"  why: {for_terminal(result.error)}",
    ]
    if result.clock_offset_s is not None:
        lines.append(f"  the portal's clock is {result.clock_offset_s:+.0f} s from this machine's")
    return "\n".join([*lines, *_warning_lines(result)])


def _print_json(result) -> None:
    data = result.to_json()
    line = for_terminal_data({key: data[key] for key in JSON_KEYS})  # the page's words
    print(json.dumps(line, ensure_ascii=False))


def _refused(
    args: argparse.Namespace | None, message: str, exit_code: int, cause: str | None = None
) -> int:
    """A run that ended before or outside the journey (bad settings, the account guard, the
    vault): one line on stderr, and, once the command line was read with ``--json``, the one
    JSON object a caller parses; ``cause`` is ``account_paused`` for a paused account,
    ``probe_error`` for another process logging in as it (this machine's affair, not the
    portal's), none for a usage error."""
    from pages.result import Cause, JourneyResult

    print(f"{PROG}: {for_terminal(message)}", file=sys.stderr)
    if args is not None and args.json:
        result = JourneyResult(
            journey=COMMANDS[args.command],
            target=args.base_url,
            cip=args.cip or "",
            cause=Cause(cause) if cause else None,
            error=message,
        )
        _print_json(result)
    return exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; ``argv`` includes the subcommand (``["login", "--base-url", ...]``)."""
    from authenticator import AuthenticatorError
    from authenticator.guard import AccountBusy, AccountGuard, AccountPaused
    from pages.settings import guard_path

    argv = list(sys.argv[1:] if argv is None else argv)
    args = None
    try:
        args = parser().parse_args(argv)
        account, vault = _prepare(args)
        guard = AccountGuard(guard_path(args.guard, vault.path if args.vault else None))
        with guard.attempt(account, force=args.force_attempt) as attempt:
            result = _run(args, account, vault, attempt)
    except UsageError as error:
        return _refused(args, str(error), EXIT_USAGE)
    except AccountPaused as error:  # refused before anything more reached the portal
        message = f"{error}; --force-attempt overrides (logged)"
        return _refused(args, message, EXIT_GUARDED, "account_paused")
    except AccountBusy as error:
        return _refused(args, str(error), EXIT_GUARDED, "probe_error")
    except AuthenticatorError as error:  # the vault failed mid-journey: its message is one line
        return _refused(args, str(error), EXIT_USAGE)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    if args.alluredir:
        from reports.allure_result import write_journey_result

        write_journey_result(Path(args.alluredir), result)
    if args.json:
        _print_json(result)
    else:
        print(summary(result))
        if args.capture:
            print(f"  screens recorded in {Path(args.capture) / 'capture.md'}")
    return EXIT_OK if result.ok else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
