"""Browser fixtures of the E2E suite, layered like pytest-playwright's (docs/design.md, "Fixtures").

Session: the target (the embedded sandbox on port 0, or ``--base-url``), the browser launch
and context arguments (system Chromium, fr-CA, America/Montreal) merged into
pytest-playwright's own, so ``--headed``, ``--browser-channel``, ``--tracing``, ``--video`` and
``--screenshot`` keep working. Function: one fresh account and one vault per test.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import allure
import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from authenticator import Authenticator, Vault
from bench.support.accounts import new_cip
from monitors.chromium import WarmBrowser
from pages import browser as chromium
from pages.masking import masked_screenshot
from pages.settings import Settings
from sandbox import RunningSandbox, running_sandbox
from tests.fixtures.accounts import (
    DEVICE_NAME,
    LEDGER_ENV,
    TestAccount,
    clocks_ahead,
    new_password,
    record_account,
    seed_enrolled,
)
from tests.fixtures.real_run import JOURNEYS_MARKER, RealRun, on_account
from tests.fixtures.trace_outputs import scrub_reported_traces

#: The plan of a run on a real target (``tests.fixtures.real_run``), once collected.
REAL_RUN = pytest.StashKey[RealRun]()

# Fixtures that only the sandbox can provide: tests using them cannot run on a real portal.
SANDBOX_FIXTURES = {"sandbox", "make_account", "enrolled_factory", "sandbox_factory"}
# Never on a real portal: negative tests count failures against the account (5 lock it,
# docs/portal.md), variant tests need the sandbox's markup switches, and a test marked
# ``sandbox_only`` says why itself.
SANDBOX_MARKERS = ("negative", "variants", "sandbox_only")


def _needs_sandbox(item: pytest.Item) -> bool:
    if SANDBOX_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    return any(item.get_closest_marker(name) for name in SANDBOX_MARKERS)


#: pytest-playwright's recordings refused on a real portal: videos and screenshots show the
#: enrollment QR, which *is* the TOTP secret. Its traces are accepted: each is scrubbed as
#: soon as it is kept (``tests.fixtures.trace_outputs``).
RECORDINGS = ("video", "screenshot")


def pytest_configure(config: pytest.Config) -> None:
    """Traces are kept when asked for (``--tracing``, off by default as in pytest-playwright:
    tracing every test costs the browser tests about 40 % more CPU; ``make test`` re-runs its
    failures once with their traces kept), and scrubbed as they are kept. On a
    real portal pytest-playwright's videos and screenshots are refused; a failure still gets
    the suite's own screenshot, with the QR and the fields masked (docs/design.md, "Secrets")."""
    config.addinivalue_line(
        "markers",
        f"{JOURNEYS_MARKER}(n): the test runs n journeys as the configured account (default 1)",
    )
    config.addinivalue_line(
        "markers", "sandbox_only(reason): never on a real portal, for the reason given"
    )
    sandbox = not config.getoption("--base-url", default=None)
    if not sandbox and getattr(config.option, "numprocesses", None):
        raise pytest.UsageError(
            "-n: on a real portal the tests log in as one account, one after the other "
            "(a first access before the later logins); run without -n"
        )
    if not hasattr(config.option, "tracing"):
        return
    asked = [
        f"--{name}={config.getoption(name)}"
        for name in RECORDINGS
        if any(arg.startswith(f"--{name}") for arg in config.invocation_params.args)
        and config.getoption(name) != "off"
    ]
    if asked and not sandbox:
        raise pytest.UsageError(
            f"{' '.join(asked)}: on a real portal Playwright's videos and screenshots would "
            "keep the QR (the TOTP secret); leave them off (--tracing is scrubbed), failures "
            "attach a masked screenshot to the Allure results"
        )


@pytest.hookimpl(trylast=True)  # after -m / -k and any shuffling: only what will really run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a real portal: leave out sandbox-only tests, plan the run for its one account
    (``RealRun.plan``: one enrollment at most, first), refuse enrollment unless allowed."""
    settings = Settings.from_sources(
        {
            "base_url": config.getoption("--base-url", default=None),
            "allow_enrollment": config.getoption("--allow-enrollment", default=False),
        }
    )
    if settings.is_sandbox:
        return
    sandbox_only = [i for i in items if _needs_sandbox(i)]
    if sandbox_only:
        config.hook.pytest_deselected(items=sandbox_only)
        items[:] = [i for i in items if i not in sandbox_only]
    if any(on_account(item) for item in items):
        run = RealRun.plan(settings, _configured_account(settings), items)
        if sandbox_only:
            run.notes.insert(
                0,
                f"{len(sandbox_only)} test(s) left out: they need the sandbox (its admin API, "
                "faults or variants), send refused input that counts towards the lockout, or "
                "log in from a process of their own",
            )
        config.stash[REAL_RUN] = run
    enrolling = [i for i in items if i.get_closest_marker("enrollment")]
    if enrolling and not settings.allow_enrollment:
        raise pytest.UsageError(
            f"{len(enrolling)} enrollment test(s) would replace the authenticator of "
            f"{settings.cip or 'the account'} on {settings.base_url}: pass --allow-enrollment, "
            "or leave them out with -m 'not enrollment'"
        )


def pytest_report_collectionfinish(config: pytest.Config) -> list[str]:
    """Before the first test of a real-target run: what was left out, what it will cost."""
    run = config.stash.get(REAL_RUN, None)
    if run is None:
        return []
    return [*run.notes, run.start_line(), *([run.stopped] if run.stopped else [])]


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """After the last test of a real-target run: what was sent, the guard's budget left."""
    run = config.stash.get(REAL_RUN, None)
    if run is not None:
        if run.stopped:
            terminalreporter.write_line(f"journeys stopped: {run.stopped}")
        terminalreporter.write_line(run.end_line())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """On failure, attach a screenshot with the QR, password and code fields masked; after
    the teardown, scrub the traces pytest-playwright kept, before any reporter reads them."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "teardown":
        scrub_reported_traces(item, report)
    page = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and page is not None:
        with contextlib.suppress(Exception):  # a closed page has nothing to show
            allure.attach(
                masked_screenshot(page),
                name="Écran au moment de l'échec (secrets masqués)",
                attachment_type=allure.attachment_type.PNG,
            )


# ---- session: target and browser -------------------------------------------------------


@pytest.fixture(scope="session")
def sandbox(settings: Settings) -> Iterator[RunningSandbox]:
    """The embedded stand-in portal, one per worker process (port 0)."""
    if not settings.is_sandbox:
        raise pytest.UsageError("this test needs the embedded sandbox (no --base-url)")
    with running_sandbox() as running:
        yield running


@pytest.fixture(scope="session")
def target_url(settings: Settings, request: pytest.FixtureRequest) -> str:
    if settings.base_url:
        return settings.base_url
    return request.getfixturevalue("sandbox").url


@pytest.fixture(scope="session")
def base_url(target_url: str) -> str:
    """pytest-playwright's ``base_url``: contexts resolve relative URLs against the target."""
    return target_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """The system Chromium and its quiet flags, under pytest-playwright's own options."""
    own = dict(browser_type_launch_args)
    headless = own.pop("headless", True)
    merged = chromium.launch_args(headless=headless, extra=own)
    if "channel" in own:  # --browser-channel names its own executable
        merged.pop("executable_path", None)
    return merged


@pytest.fixture(scope="session")
def connect_options(pytestconfig: pytest.Config) -> dict | None:
    """pytest-playwright's hook for a remote browser: ``--browser-ws``."""
    ws_endpoint = pytestconfig.getoption("--browser-ws")
    if not ws_endpoint:
        return None
    try:
        return {"endpoint": chromium.check_ws_endpoint(ws_endpoint)}
    except ValueError as error:
        raise pytest.UsageError(f"--browser-ws: {error}") from None


@pytest.fixture(scope="session")
def browser(
    launch_browser: Callable[[], Browser], connect_options: dict | None
) -> Iterator[Browser]:
    """pytest-playwright's browser; a browser server that cannot be used fails in one line."""
    try:
        browser = launch_browser()
    except PlaywrightError as error:
        if not connect_options:
            raise
        pytest.fail(chromium.remote_failure(connect_options["endpoint"], str(error)), False)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """The suite's context options (``pages.browser``) over pytest-playwright's own."""
    return chromium.context_args(**browser_context_args)


@pytest.fixture(scope="session")
def warm_browser() -> Iterator[WarmBrowser]:
    """The monitors' own browser (``monitors.chromium``), launched once per worker process for
    the tests that probe in process; closing it leaves no Chromium process behind."""
    warm = WarmBrowser()
    yield warm
    warm.close()
    assert warm.processes() == []


@pytest.fixture(scope="session", autouse=True)
def allure_environment(
    pytestconfig: pytest.Config, browser: Browser, browser_name: str, target_url: str
) -> None:
    """``environment.properties`` of the Allure results (the keys the report shows)."""
    folder = pytestconfig.getoption("allure_report_dir", default=None)
    if not folder:
        return
    lines = [
        f"target={target_url}",
        f"browser={browser_name}",
        f"browser.version={browser.version}",
    ]
    path = Path(folder) / "environment.properties"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".environment.{os.getpid()}")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    temporary.replace(path)  # atomic: xdist workers write the same content


# ---- function: accounts, vault, phone --------------------------------------------------


@pytest.fixture
def vault(settings: Settings, tmp_path: Path) -> Iterator[Vault]:
    """A fresh vault per test on the sandbox; the configured vault on a real portal."""
    if not settings.is_sandbox:
        yield Vault(settings.vault_path)
        return
    test_vault = Vault(tmp_path / "vault")
    yield test_vault
    if os.environ.get(LEDGER_ENV) and test_vault.path.exists():
        for entry in test_vault.entries():  # what the test enrolled, for the leak check
            record_account(entry.account)


@pytest.fixture
def phone() -> Authenticator:
    return Authenticator()


@pytest.fixture
def make_account(sandbox: RunningSandbox, settings: Settings) -> Callable[..., TestAccount]:
    """Create sandbox accounts with a unique CIP, a fresh password and the given variants."""

    def make(**variants: object) -> TestAccount:
        account = TestAccount(sandbox.url, new_cip(), new_password(), DEVICE_NAME, settings.profile)
        sandbox.admin.create_account(account.cip, account.password, **variants)
        return account

    return make


@pytest.fixture
def portal_ahead(sandbox: RunningSandbox) -> Iterator[Callable[[int], list[str]]]:
    """``clocks_ahead`` on the worker's sandbox, for one test."""
    with clocks_ahead(sandbox.admin) as ahead:
        yield ahead


@pytest.fixture
def enrolled_factory(
    sandbox: RunningSandbox, vault: Vault, settings: Settings
) -> Callable[..., TestAccount]:
    """Accounts the sandbox already enrolled, with their secret active in ``vault``."""

    def make(**variants: object) -> TestAccount:
        account = TestAccount(sandbox.url, new_cip(), new_password(), DEVICE_NAME, settings.profile)
        created = sandbox.admin.create_account(
            account.cip, account.password, enrolled=True, device_name=DEVICE_NAME, **variants
        )
        return seed_enrolled(vault, account, created)

    return make


def _configured_account(settings: Settings, run: RealRun | None = None) -> TestAccount:
    if not (settings.cip and settings.password):
        raise pytest.UsageError(
            f"--base-url {settings.base_url} needs EESPRESSO_CIP and EESPRESSO_PASSWORD"
        )
    return TestAccount(
        settings.base_url or "",
        settings.cip,
        settings.password,
        DEVICE_NAME,
        settings.profile,
        guard=run,
    )


def _run_account(settings: Settings, request: pytest.FixtureRequest) -> TestAccount:
    """The configured account, its journeys guarded and counted by the run; skipped once the
    run's journeys were stopped."""
    run = request.config.stash[REAL_RUN]
    run.current = request.node.nodeid
    run.check()
    return _configured_account(settings, run)


@pytest.fixture
def account(settings: Settings, request: pytest.FixtureRequest) -> TestAccount:
    """An account that has not enrolled yet (sandbox), or the configured one (real portal)."""
    if settings.is_sandbox:
        return request.getfixturevalue("make_account")()
    return _run_account(settings, request)


@pytest.fixture
def enrolled(settings: Settings, request: pytest.FixtureRequest, vault: Vault) -> TestAccount:
    """An enrolled account whose secret is in ``vault``: seeded (sandbox) or configured; on a
    real portal the run's first access, if it had one, ran before."""
    if settings.is_sandbox:
        return request.getfixturevalue("enrolled_factory")()
    configured = _run_account(settings, request)
    if vault.get(configured.base_url, configured.cip) is None:
        pytest.skip(
            f"the run's first access left no secret for {configured.cip} in "
            f"{settings.vault_path} (see its failure): nothing to log in with"
        )
    return configured


@pytest.fixture
def sandbox_factory() -> Callable[..., contextlib.AbstractContextManager[RunningSandbox]]:
    """A dedicated sandbox for tests that inject faults or need another instance config."""
    return running_sandbox


@pytest.fixture
def fresh_page(browser: Browser, browser_context_args: dict) -> Iterator[Callable[[], Page]]:
    """New pages in new contexts (a second "computer"), closed at the end of the test."""
    contexts = []

    def new_page() -> Page:
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()
