"""What each safeguard of our later login costs, next to the bare Playwright script.

Usage (from the repository root):

    .venv/bin/python bench/bench_costs.py --samples 30

One warm browser, a fresh context per login, as in ``bench/bench_bare.py``; every variant
below logs in once per round, in turn, so a change of load hits them alike. Ours is
measured as the runner calls it, then with one safeguard turned off in this process only
(nothing here changes the project's behaviour), then with all but the guard's and the vault's
records off, then with all of them off:

- ``exact recognition``: a guessed screen is also asked whether no screen before it in
  priority shows (a lockout page may contain the login form); off, every screen is taken
  as soon as its own elements show.
- ``DOMContentLoaded before recognising``: a screen is recognised once its document is
  parsed (a half-parsed lockout page can look like the login form); off, it is asked as
  soon as the click has committed the next document.
- ``guard and vault records``: the guard records each submission before it is sent, and
  the vault claims the code's time step before it is typed; off, neither is written.
- ``timings and vitals``: the per-step network timings and web vitals of the report.

Two floors: the bare script (``bench/bare_login.py``: CSS selectors, nothing else) and the
same script locating each element by role, label and accessible name as the built-in
profile names it (the way the project finds elements, ``pages.elements``). CPU is that of
this process and the browser's process tree, the sandbox's excluded, per login over the run
(``Series.cpu``). Every loop is bounded by a count.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from pathlib import Path

import pyotp
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere

from bench_bare import MAX_SAMPLES, Bench, Series, measure, sandbox, without_timings  # noqa: E402

from authenticator.guard import Attempt  # noqa: E402
from authenticator.vault import Vault  # noqa: E402
from pages import browser as chromium  # noqa: E402
from pages.navigation import Navigation  # noqa: E402
from pages.profile import default  # noqa: E402
from pages.screens import BaseScreen  # noqa: E402


@contextmanager
def inexact() -> Iterator[None]:
    """Every screen excludes every other: a guess is not asked about the screens before it."""
    screens = BaseScreen.__subclasses__()
    saved = {screen: screen.__dict__.get("excludes") for screen in screens}
    for screen in screens:
        screen.excludes = tuple(other.__name__ for other in screens)
    try:
        yield
    finally:
        for screen, excludes in saved.items():
            if excludes is None:
                del screen.excludes
            else:
                screen.excludes = excludes


@contextmanager
def unparsed() -> Iterator[None]:
    """Every document counts as parsed: a submit waits for the commit only."""
    Navigation.loaded = property(lambda self: True, lambda self, value: None)
    try:
        yield
    finally:
        del Navigation.loaded


@contextmanager
def unrecorded() -> Iterator[None]:
    """The guard counts submissions in memory only, the vault claims steps without writing."""
    saved = Attempt.submitting, Attempt.proven, Vault.claim_step

    def submitting(attempt: Attempt, what: str) -> None:
        attempt.submissions += 1

    Attempt.submitting, Attempt.proven = submitting, lambda attempt: None
    Vault.claim_step = lambda vault, base_url, cip, step: True
    try:
        yield
    finally:
        Attempt.submitting, Attempt.proven, Vault.claim_step = saved


SAFEGUARDS: dict[str, Callable[[], AbstractContextManager[object]]] = {
    "exact recognition": inexact,
    "DOMContentLoaded before recognising": unparsed,
    "guard and vault records": unrecorded,
    "timings and vitals": without_timings,
}


#: The safeguards a faster login would have to keep in any case: those that keep the portal's
#: lockout budget counted and a code's time step used once; and the others.
KEPT = ("guard and vault records",)
OTHERS = tuple(name for name in SAFEGUARDS if name not in KEPT)


@contextmanager
def without(*names: str) -> Iterator[None]:
    """The safeguards ``names`` off together."""
    with ExitStack() as stack:
        for name in names:
            stack.enter_context(SAFEGUARDS[name]())
        yield


def role_login(page: Page, url: str, cip: str, password: str, secret: str) -> None:
    """``bare_login`` finding each element as the built-in profile names it."""
    names = default()
    page.goto(url)
    page.get_by_label(names["user_name"]).fill(cip)
    page.get_by_label(names["password"]).fill(password)
    page.get_by_role("button", name=names["login_button"]).click()
    page.get_by_label(names["code"]).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=names["code_submit"]).click()
    page.get_by_role("heading", name=names["home"]).wait_for()
    page.get_by_role("button", name=names["logout"]).click()
    page.get_by_label(names["password"]).wait_for()


def run(samples: int) -> dict[str, Series]:
    variants: dict[str, tuple[str, Callable[[], AbstractContextManager[object]]]] = {
        "ours": ("ours", nullcontext),
        **{f"ours without {name}": ("ours", off) for name, off in SAFEGUARDS.items()},
        "ours with only " + " and ".join(KEPT): ("ours", lambda: without(*OTHERS)),
        "ours without all four": ("ours", lambda: without(*SAFEGUARDS)),
        "bare, by role and label": ("role", nullcontext),
        "bare": ("bare", nullcontext),
    }
    runs = {name: Series.new() for name in variants}
    with tempfile.TemporaryDirectory() as tmp, sandbox("eespresso") as portal:
        bench = Bench(portal, Path(tmp), "eespresso")

        def role(browser: Browser, account) -> None:
            context = chromium.new_context(browser)
            try:
                role_login(context.new_page(), account.base_url, account.cip, account.password,
                           bench.secrets[account.cip])  # fmt: skip
            finally:
                context.close()

        logins = {"ours": bench.ours, "bare": bench.bare, "role": role}
        with sync_playwright() as playwright:
            browser = chromium.launch(playwright)
            try:
                for round_ in range(samples + 1):  # the first round warms up, not counted
                    for name, (login, off) in variants.items():
                        account = bench.account()
                        with off():
                            work = lambda a=account, w=logins[login]: w(browser, a)  # noqa: E731
                            measure(runs[name] if round_ else Series.new(), portal, work)
            finally:
                browser.close()
    return runs


def table(runs: dict[str, Series], command: str) -> str:
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    bare = runs["bare"]
    rows = [
        "| variant | wall median | / bare | CPU per login | / bare |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, series in runs.items():
        rows.append(
            f"| {name} | {series.median():.0f} ms | {series.median() / bare.median():.2f}x | "
            f"{series.cpu() * 1000:.0f} ms | {series.cpu() / bare.cpu():.2f}x |"
        )
    return (
        f"Sandbox `eespresso`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load "
        f"average {load} (1/5/15 min), {len(bare.wall_ms)} logins of each variant. "
        f"Command: `{command}`\n\n" + "\n".join(rows)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10, help="logins of each (max 100)")
    args = parser.parse_args(argv)
    runs = run(max(1, min(args.samples, MAX_SAMPLES)))
    command = ".venv/bin/python bench/bench_costs.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    print(table(runs, command.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
