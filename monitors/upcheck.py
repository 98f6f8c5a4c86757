"""The credential-free up-check: is the login page there, between two journeys?

A journey every few minutes hears of an outage late, and a journey cannot run more often: each
one spends a TOTP step of the account, and a failed one spends its lockout budget. So every
``up_every`` (15 s by default) the runner only GETs the login page with urllib, recognises the
login form in the HTML (a password field and the « CONNEXION » button, named as the target's
portal profile names it) and checks the certificate of https targets. No browser, no form is ever
submitted, no account is touched.

A failure is confirmed once, ``CONFIRM_AFTER_S`` later, before anyone is told: the two
failures are the confirmation ``failures_before_alert`` asks of journeys, so the incident
opens at once through the usual path (history, incident, alert, metrics). When the up-check
passes again the journey runs at once, and its success sends the recovery notice.
"""

from __future__ import annotations

import http.client
import re
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from monitors import tls
from monitors.alerts import Channels
from monitors.config import Config, Monitor, Target
from monitors.history import History, ProbeRecord, Status
from monitors.metrics import ProbeMetrics
from monitors.sinks import Outcome, Sinks
from pages.profile import default as default_profile
from pages.result import Cause

JOURNEY = "upcheck"  # the ``journey`` of the history rows an up-check writes
CONFIRM_AFTER_S = 5.0
TIMEOUT_S = 10.0
MAX_BODY = 2 * 1024 * 1024  # a login page is kilobytes; read no further
# OpenSSL's X509_V_ERR_CERT_HAS_EXPIRED: an expired certificate is its own cause.
_CERT_HAS_EXPIRED = 10
EXPIRED = "the portal's certificate has expired"


@dataclass(frozen=True)
class UpResult:
    """One up-check: passed or not, how long it took, and why not (one line, no secret)."""

    ok: bool
    seconds: float
    status: int = 0  # HTTP status, 0 without an answer
    cause: Cause | None = None
    error: str = ""
    not_after: float | None = None  # the certificate's end (Unix time), when it was read


class LoginForm(HTMLParser):
    """Finds a form with a password field and a submit control named like « CONNEXION »."""

    def __init__(self, login_button: re.Pattern[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.login_button = login_button
        self.found = False
        self._in_form = self._password = False
        self._buttons: list[str] = []
        self._button_text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: (value or "") for name, value in attrs}
        kind = attr.get("type", "").lower()
        if tag == "form":
            self._in_form, self._password, self._buttons = True, False, []
        elif not self._in_form:
            return
        elif tag == "input" and kind == "password":
            self._password = True
        elif tag == "input" and kind in ("submit", "button"):
            self._buttons.append(attr.get("value", ""))
        elif tag == "button" and kind in ("", "submit"):
            self._button_text = [attr.get("aria-label", "")]

    def handle_data(self, data: str) -> None:
        if self._button_text is not None:
            self._button_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._button_text is not None:
            self._buttons.append(" ".join(self._button_text))
            self._button_text = None
        elif tag == "form" and self._in_form:
            self._end_form()

    def close(self) -> None:
        """A form left open ends with the document, as a browser's HTML parser ends it."""
        super().close()
        if self._in_form:
            self._end_form()

    def _end_form(self) -> None:
        named = any(self.login_button.search(text) for text in self._buttons)
        self.found |= self._password and named
        self._in_form = False


def has_login_form(html: str, login_button: re.Pattern[str] | None = None) -> bool:
    """Whether ``html`` holds a login form; its button named by ``login_button`` (default: the
    built-in profile's)."""
    parser = LoginForm(login_button or default_profile()["login_button"])
    parser.feed(html)
    parser.close()
    return parser.found


def _context(target: Target) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not target.verify_tls:  # the target said so: a self-signed portal
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _tls_cause(reason: object) -> tuple[Cause, str]:
    if isinstance(reason, ssl.SSLCertVerificationError):
        if reason.verify_code == _CERT_HAS_EXPIRED:
            return Cause.TLS_EXPIRED, EXPIRED
        return Cause.TLS_INVALID, f"certificate not trusted: {reason.verify_message}"
    return Cause.TLS_INVALID, f"TLS handshake failed: {reason}"


def check(target: Target, *, timeout: float = TIMEOUT_S) -> UpResult:
    """GET the login page and recognise its form; then, for https, the certificate's expiry
    (``UpResult.not_after`` when it could be read)."""
    started = time.monotonic()

    def result(
        ok: bool, status: int = 0, cause: Cause | None = None, error: str = "",
        not_after: float | None = None,
    ) -> UpResult:  # fmt: skip
        return UpResult(ok, time.monotonic() - started, status, cause, error, not_after)

    request = urllib.request.Request(target.base_url, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=_context(target)) as answer:
            status = answer.status
            body, charset = answer.read(MAX_BODY), answer.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        return result(False, exc.code, Cause.HTTP_ERROR, f"HTTP {exc.code} on the login page")
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ssl.SSLError):
            return result(False, 0, *_tls_cause(exc.reason))
        return result(False, 0, Cause.UNREACHABLE, f"no connection: {exc.reason}")
    except (OSError, http.client.HTTPException) as exc:  # timeout, reset, truncated answer
        return result(False, 0, Cause.UNREACHABLE, f"no complete answer: {exc}")
    try:
        html = body.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know: the markup is ASCII anyway
        html = body.decode("utf-8", errors="replace")
    profile = target.profile or default_profile()
    if not has_login_form(html, profile["login_button"]):
        why = "no login form (password field and « CONNEXION » button) on the page"
        return result(False, status, Cause.UNEXPECTED_PAGE, why)
    if not target.is_https:
        return result(True, status)
    try:
        not_after = tls.not_after(target.base_url, timeout=timeout)
    except OSError:  # the page came: an unread certificate is no outage
        return result(True, status)
    if not_after < time.time():
        return result(False, status, Cause.TLS_EXPIRED, EXPIRED, not_after)
    return result(True, status, not_after=not_after)


@dataclass
class UpState:
    """One monitor's up-check: when it is due, and what ops has already been told."""

    due: float
    down: bool = False  # a confirmed failure, until an up-check passes
    first_failure: tuple[float, UpResult] | None = None  # awaiting confirmation


class UpWatch:
    """The up-check loop of a long-lived runner, on its own thread.

    It settles what it finds through its own ``Sinks`` (its own SQLite connection and apprise
    object, the runner's metrics, which only the sinks write), hands each confirmed failure
    to ``report`` (the runner's progress line) and calls ``journey_now(monitor_id)`` when a
    monitor it saw down is up again.
    """

    def __init__(
        self,
        config: Config,
        metrics: ProbeMetrics,
        journey_now: Callable[[str], None],
        stop: threading.Event,
        report: Callable[[Outcome], None] = lambda outcome: None,
    ) -> None:
        self.config, self.metrics, self.journey_now, self.stop = config, metrics, journey_now, stop
        self.report = report
        self.monitors = [m for m in config.monitors if m.up_every_s is not None]
        self.thread = threading.Thread(target=self._run, name="upcheck", daemon=True)

    def start(self) -> UpWatch:
        if self.monitors:
            self.thread.start()
        return self

    def join(self, timeout: float = TIMEOUT_S + 5) -> None:
        if self.thread.is_alive():
            self.thread.join(timeout)

    def _run(self) -> None:
        history = History(self.config.history)
        channels = Channels(
            self.config.alerts.channels, self.config.language, self.config.report_url
        )
        sinks = Sinks(self.config, history, self.metrics, channels)
        states = {m.id: UpState(due=time.time()) for m in self.monitors}
        try:
            while not self.stop.is_set():
                monitor = min(self.monitors, key=lambda m: states[m.id].due)
                wait = states[monitor.id].due - time.time()
                if wait > 0:
                    self.stop.wait(min(wait, 0.5))
                    continue
                self.step(monitor, states[monitor.id], sinks)
        finally:
            history.close()

    def step(self, monitor: Monitor, state: UpState, sinks: Sinks) -> None:
        """One up-check of ``monitor`` and what follows from it."""
        at = time.time()
        target = monitor.target
        found = check(target)
        sinks.sample(monitor, found.ok, found.seconds, found.status, found.not_after)
        assert monitor.up_every_s is not None
        state.due = at + monitor.up_every_s
        if found.ok:
            state.first_failure = None
            if state.down:
                state.down = False
                self.journey_now(monitor.id)
            return
        if state.down:
            return  # already told; the journeys keep the incident's reminders going
        if state.first_failure is None:
            state.first_failure = (at, found)
            state.due = at + CONFIRM_AFTER_S
            return
        since, _ = state.first_failure
        state.first_failure, state.down = None, True
        record = ProbeRecord(
            monitor_id=monitor.id, target=target.base_url, cip="", journey=JOURNEY,
            started_at=since, status=Status.FAILED, cause=found.cause, error=found.error,
            duration_ms=found.seconds * 1000,
        )  # fmt: skip
        self.report(sinks.settle(monitor, record, confirmed=True))
