"""The two journeys of the seed, for tests and monitors alike (docs/design.md, "Code").

``first_access`` is steps 1–7 of the seed; ``later_login`` is « Lors de vos prochains accès ».
Each calls one page-object verb per seed step inside a timed Allure step and returns a
``JourneyResult``; a portal failure never raises, it becomes a cause. Both end by logging
out, so a probe leaves no session behind; a failed logout is a warning, not a failed login.

Secrets: the secret scanned from the QR goes to the vault as ``pending`` *before* its first
code is submitted and becomes ``active`` once the portal accepted a code, so a crash never
loses a secret the portal accepted; every code's time step is claimed in the vault before it
is typed, so no process ever submits a step twice (RFC 6238 §5.2: a used code is refused).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Protocol, TypeVar

import allure
from playwright.sync_api import Page

from authenticator import Authenticator, Vault
from pages.account import Account
from pages.after_login import visit_pages
from pages.confirm import Confirmation, claim_fresh_code
from pages.elements import bind
from pages.failures import JourneyFailure, unexpected
from pages.logout import logged_out
from pages.notices import go_past_notices
from pages.result import Cause, JourneyResult, Limits
from pages.screens import (
    ActionRequiredPage,
    BaseScreen,
    CodePage,
    DevicePage,
    EnrollmentPage,
    HomePage,
    LoginPage,
    SuccessPage,
)
from pages.steps import STEP_TITLES, SUCCESS_SEEN, Attempt, JourneyRun, Screenshots, warn

#: The screens that end a journey: eEspresso's home page, or the seed's confirmation first.
ARRIVED = (HomePage, SuccessPage)

__all__ = [
    "JOURNEYS",
    "STEP_TITLES",
    "Account",
    "NotEnrolled",
    "claim_fresh_code",
    "first_access",
    "later_login",
    "run_journey",
]


class NotEnrolled(LookupError):
    """The vault holds no usable secret for this account: set-up to do, not a portal failure."""


Journey = Callable[..., JourneyResult]
S = TypeVar("S", bound=BaseScreen)
Outcome = Callable[[JourneyResult], JourneyResult]


class Tracer(Protocol):
    """Records a journey's Playwright trace (``reports.tracing.Tracer``): starts before the
    first step, is handed the result (the outcome decides whether the trace is kept)."""

    def recording(self, page: Page, account: Account) -> AbstractContextManager[Outcome]: ...


def _as_is(result: JourneyResult) -> JourneyResult:
    return result


def _expect(screen: BaseScreen, wanted: type[BaseScreen], where: str) -> BaseScreen:
    """The screen a step expects, or the cause its actual screen stands for."""
    if isinstance(screen, wanted):
        return screen
    if (failure := screen.failure(where)) is not None:
        raise failure
    if isinstance(screen, LoginPage) and screen.has_error():
        raise JourneyFailure(
            Cause.CREDENTIALS_REJECTED, f"the portal refused the CIP or password ({where})"
        )
    said = screen.error_message()
    raise unexpected(
        f"after {where} the portal showed {screen.label}, not {wanted.label}"
        + (f", saying « {said} »" if said else "")
    )


def _start(
    name: str,
    page: Page,
    account: Account,
    limits: Limits | None,
    attempt: Attempt | None,
    screenshots: Screenshots,
) -> JourneyRun:
    """A run of journey ``name`` for ``account``; its page reads the account's profile."""
    bind(page, account.profile)
    return JourneyRun.start(
        name, page, account.base_url, account.cip, limits, attempt, screenshots=screenshots
    )


def _arrive(run: JourneyRun, screen: BaseScreen, where: str) -> BaseScreen:
    """The end of a journey: eEspresso's home page, reached through the seed's confirmation
    page when the portal shows one, and returned. The confirmation text is recorded wherever
    it shows; a confirmation page without a way on is the seed's own proof, so it ends the
    journey well (and is returned), with a warning that eEspresso itself was not reached."""
    if isinstance(screen, SuccessPage):
        _saw_success(run)
        after = screen.go_on()
        if after is None:
            warn(
                run.result,
                "no_way_on",
                "the confirmation page offers no link or button on to eEspresso; "
                "the journey ended there",
            )
            return screen
        screen = go_past_notices(after, run.result, "the confirmation page")
        where = "the confirmation page"
    home = _expect(screen, HomePage, where)  # recognised: its heading and logout control show
    if not run.result.success_text_seen and home.shows_success():
        _saw_success(run)
    return home


def _after_home(run: JourneyRun, account: Account, screen: BaseScreen) -> None:
    """Past eEspresso's home page: the account's checks of the application's pages, then the
    logout, which runs even when a check failed, so a broken page leaves no session behind."""
    try:
        visit_pages(run, account.after_login)
    finally:
        _log_out(run, screen)


def _log_out(run: JourneyRun, screen: BaseScreen) -> None:
    """Leave no session behind: « Déconnexion » on the home page, then the login page or a
    logged-out page as the portal's word that the session ended. The login has already
    proved its point, so a logout that fails is a warning (``logout_failed``): the session
    stays open on the portal until it expires."""
    with run.step("logout", warning="logout_failed"):
        if not isinstance(screen, HomePage):
            raise unexpected(
                f"the journey ended on {screen.label}, which has no logout control; the "
                "session stays open until the portal ends it"
            )
        logged_out(screen.logout())


def _saw_success(run: JourneyRun) -> None:
    with allure.step(SUCCESS_SEEN):
        run.result.success_text_seen = True


def _sign_in(
    run: JourneyRun, account: Account, wanted: type[S], other: type[BaseScreen], other_means: str
) -> S:
    """Steps 1 and 2: open the portal, type the CIP and the password, click « CONNEXION ».

    The guard hears of the password before it is sent; a code page or an enrollment page
    afterwards (past any notice, such as a password-expiry one) is the portal's proof that it
    accepted the password.
    """
    with run.step("open"):
        screen = LoginPage.open(run.page, account.base_url, run.limits.timeout_ms)
        login = _expect(screen, LoginPage, "opening the portal")
    with run.step("login"):
        login.fill(account.cip, account.password)
        run.attempt.submitting("password")
        screen = login.submit()
        screen = go_past_notices(screen, run.result, "the password")
        if isinstance(screen, CodePage | EnrollmentPage | ActionRequiredPage):
            run.attempt.proven()  # a required action shows only once the password is accepted
        if isinstance(screen, other):
            raise unexpected(other_means)
        return _expect(screen, wanted, "clicking « CONNEXION »")  # type: ignore[return-value]


def first_access(
    page: Page,
    account: Account,
    vault: Vault,
    *,
    authenticator: Authenticator | None = None,
    limits: Limits | None = None,
    compensate_clock: bool = False,
    attempt: Attempt | None = None,
    screenshots: Screenshots = "none",
) -> JourneyResult:
    """Steps 1–7: log in, scan the QR, confirm a code, name the device, reach eEspresso,
    log out."""
    base_url, cip, device_name = account.base_url, account.cip, account.device_name
    run = _start("first_access", page, account, limits, attempt, screenshots)
    with run.running():
        enrollment = _sign_in(
            run,
            account,
            EnrollmentPage,
            CodePage,
            "the account is already enrolled (the portal asks for a code)",
        )
        with run.step("scan"):
            otp = enrollment.scan()
            vault.save_pending(base_url, cip, otp, device_name)  # before any code is sent
        confirm = Confirmation.for_run(run, vault, otp, authenticator, compensate_clock)
        if enrollment.is_one_page():
            with run.step("code"):
                enrollment.enter_code(confirm.code())
            with run.step("device"):

                def resend(value: str) -> BaseScreen:
                    enrollment.enter_code(value)
                    return enrollment.save_device(device_name)

                screen = confirm.check(enrollment.save_device(device_name), ARRIVED, resend)
        else:
            with run.step("code"):
                device_page = confirm.submit(enrollment.confirm_code, DevicePage)
            with run.step("device"):
                screen = device_page.save_device(device_name)
                screen = go_past_notices(screen, run.result, "the device name")
        with run.step("home"):
            screen = _arrive(run, screen, "clicking « Enregistrer »")
        _after_home(run, account, screen)
    return run.result


def later_login(
    page: Page,
    account: Account,
    vault: Vault,
    *,
    authenticator: Authenticator | None = None,
    limits: Limits | None = None,
    compensate_clock: bool = False,
    attempt: Attempt | None = None,
    screenshots: Screenshots = "none",
) -> JourneyResult:
    """Log in with CIP and password, confirm with the vault's authenticator code, reach
    eEspresso, log out.

    Raises ``NotEnrolled`` (before opening anything) when the vault has no secret for the account.
    """
    base_url, cip = account.base_url, account.cip
    entry = vault.get(base_url, cip)
    if entry is None:
        raise NotEnrolled(
            f"no enrolled secret for CIP {cip} at {base_url} in the vault: enroll first"
        )
    run = _start("later_login", page, account, limits, attempt, screenshots)
    with run.running():
        code_page = _sign_in(
            run,
            account,
            CodePage,
            EnrollmentPage,
            "the portal asks for a new enrollment (QR code): enroll again",
        )
        with run.step("code"):
            confirm = Confirmation.for_run(
                run, vault, entry.account, authenticator, compensate_clock
            )
            screen = confirm.submit(code_page.submit_code, ARRIVED)
        with run.step("home"):
            screen = _arrive(run, screen, "submitting the code")
        _after_home(run, account, screen)
    return run.result


#: The journeys by name, as configs and command lines name them.
JOURNEYS: dict[str, Journey] = {"first_access": first_access, "later_login": later_login}


def run_journey(
    name: str,
    page: Page,
    account: Account,
    vault: Vault,
    *,
    authenticator: Authenticator | None = None,
    limits: Limits | None = None,
    compensate_clock: bool = False,
    attempt: Attempt | None = None,
    screenshots: Screenshots = "none",
    capture: str | Path | None = None,
    trace: Tracer | None = None,
    journeys: dict[str, Journey] | None = None,
) -> JourneyResult:
    """The one way into a journey (tests, the journey CLI, the probes and the benchmarks).

    ``screenshots``: a masked screenshot of the screen each step left (``"every step"``), or
    of the step that failed only (``"failed step"``), for the monitors' alerts; ``capture``:
    a folder where every screen the journey passes is recorded (``pages.capture``), for a
    person to read; ``trace``: a tracer that keeps a scrubbed
    Playwright trace of the journey (``reports.tracing``).

    ``attempt`` is an open attempt of the account guard (``authenticator.guard``): the journey
    tells it of every password and code before sending it, so the account's lockout budget
    counts them, and checks first that its store is the one that counted the account's
    failures so far; every target but the embedded sandbox has one. ``journeys`` replaces the
    registry for a caller that brings journeys of its own (the runner's own tests drive it
    with a journey that needs no portal).
    """
    registry = JOURNEYS if journeys is None else journeys
    if name not in registry:
        raise ValueError(f"unknown journey {name!r}; known: {', '.join(registry)}")
    if attempt is not None:
        attempt.check_store(vault, account)
    recording: AbstractContextManager[object] = nullcontext()
    if capture is not None:  # loaded when asked for: the recorder draws with Pillow
        from pages.capture import Capture

        recording = Capture(capture).recording(page)
    with (
        recording,
        trace.recording(page, account) if trace is not None else nullcontext(_as_is) as outcome,
    ):
        return outcome(
            registry[name](
                page,
                account,
                vault,
                authenticator=authenticator,
                limits=limits,
                compensate_clock=compensate_clock,
                attempt=attempt,
                screenshots=screenshots,
            )
        )
