"""``python -m monitors inspect``: see a portal the suite has never seen, without risk.

It opens the portal's address in Chromium and submits nothing: no field is typed in, no
button pressed, and every request that is not a GET or HEAD (a page script's included) is
answered inside the browser with "204 No Content" instead of being sent, so no login is
attempted, no lockout counted and no enrollment started. It writes ``DIR/inspect.md`` and
``DIR/inspect.html`` (and the annotated screenshot ``DIR/inspect.png``): the screen the
profile recognises, each profile element found or missing with the role and accessible name
that matched, every field, button, link and image with the attributes a profile can name it
by, the accessibility tree, and for the missing elements the names and attributes the page
shows, in profile syntax (docs/real-portal.md). When the page looks like the software a
built-in profile is written for (Keycloak), it says which profile to try.

Exit 0 when the login screen is recognised, 1 when it is not (or the portal could not be
opened), 2 on bad input; every error is one line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from wording.cli import OneLineParser

EXIT_OK, EXIT_NOT_RECOGNISED, EXIT_USAGE = 0, 1, 2
PROG = "python -m monitors inspect"
TITLE = "Inspection"


class UsageError(Exception):
    """Bad input: one line, exit 2."""


class _Parser(OneLineParser):
    failure = UsageError


def parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog=PROG,
        description="Open the portal, submit nothing, and report what the suite recognises.",
    )
    top.add_argument("--base-url", required=True, help="the portal's address")
    top.add_argument(
        "--profile",
        help="portal profile: a TOML file or a built-in name (keycloak, keycloak-en); "
        "default: the eEspresso wording",
    )
    top.add_argument("--out", required=True, help="folder for inspect.md, inspect.html")
    top.add_argument("--timeout", type=float, default=30.0, help="seconds to open the page")
    top.add_argument("--headed", action="store_true", help="show the browser")
    return top


def _prepare(args: argparse.Namespace):
    """Everything that can be wrong before a browser starts: URL, profile, output folder."""
    from authenticator.errors import BaseUrlError
    from authenticator.vault import normalise_base_url
    from pages.inspection_files import private_folder
    from pages.profile import ProfileError, default, load

    if not 1 <= args.timeout <= 600:  # also refuses nan and inf
        raise UsageError("--timeout must be a number of seconds from 1 to 600")
    try:
        base_url = normalise_base_url(args.base_url)
        profile = load(args.profile) if args.profile else default()
    except (BaseUrlError, ProfileError) as error:
        raise UsageError(str(error)) from None
    try:
        folder = private_folder(args.out)
    except OSError as error:
        raise UsageError(f"cannot write the folder {args.out}: {error.strerror}") from None
    return base_url, profile, folder


def _inspect(args: argparse.Namespace, base_url: str, profile):
    """The record of the portal's first screen and the requests refused, or the one-line
    reason it could not be opened."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import Route, sync_playwright

    from pages import browser as chromium
    from pages.elements import bind
    from pages.failures import JourneyFailure
    from pages.inspection import record
    from pages.navigation import Navigation

    refused: list[str] = []

    def reads_only(route: Route) -> None:
        if route.request.method in ("GET", "HEAD"):
            route.continue_()
        else:  # answered in the browser: 204 No Content leaves the page as it is (RFC 9110)
            refused.append(route.request.method)
            route.fulfill(status=204, body="")

    with sync_playwright() as playwright:
        try:
            browser = chromium.open_browser(playwright, headless=not args.headed)
        except chromium.BrowserNotFound as error:
            raise UsageError(str(error)) from None
        try:
            page = chromium.new_context(browser).new_page()
            page.route("**/*", reads_only)
            bind(page, profile)
            try:
                Navigation.of(page).goto(base_url, args.timeout * 1000)
                return record(page), refused, ""
            except JourneyFailure as failure:
                return None, refused, failure.message
            except PlaywrightError as error:  # the page crashed or went away while read
                return None, refused, f"the page could not be read ({type(error).__name__})"
        finally:
            browser.close()


def _write(folder: Path, base_url: str, screen, refused: list[str]) -> Path:
    from pages.inspection_files import html_page, markdown, write_private

    title = f"{TITLE} of {base_url}"
    text = markdown(screen, title, "inspect.png")
    text += (
        f"\nNothing was typed or pressed; {len(refused)} request(s) that would have sent data "
        "were refused before leaving the browser (answered there with 204 No Content).\n"
    )
    write_private(folder / "inspect.png", screen.png)
    write_private(folder / "inspect.html", html_page([(title, screen)], title))
    return write_private(folder / "inspect.md", text)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; ``argv`` includes the subcommand (``["inspect", "--base-url", ...]``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["inspect"]:
        argv = argv[1:]
    try:
        args = parser().parse_args(argv)
        base_url, profile, folder = _prepare(args)
        screen, refused, failure = _inspect(args, base_url, profile)
    except UsageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    if screen is None:
        print(f"{PROG}: could not open {base_url}: {failure}", file=sys.stderr)
        return EXIT_NOT_RECOGNISED
    try:
        report = _write(folder, base_url, screen, refused)
    except OSError as error:
        print(f"{PROG}: cannot write the report in {folder}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    from pages.inspection_files import looks_like_line

    found = [f.key for f in screen.findings if f.found]
    hint = f"; {looks_like_line(screen)}" if screen.looks_like else ""
    if screen.login:
        print(
            f"login screen recognised on {base_url} ({len(found)} elements found{hint}): {report}"
        )
        return EXIT_OK
    seen = screen.screen or "no screen of the profile"
    print(
        f"no login screen recognised on {base_url} ({seen}; elements found: "
        f"{', '.join(found) or 'none'}{hint}): {report}"
    )
    return EXIT_NOT_RECOGNISED


if __name__ == "__main__":
    sys.exit(main())
