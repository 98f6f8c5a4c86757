"""Alert messages and their delivery through apprise, in the configured language.

One ``Notice`` per thing ops must hear about: an incident opened (``alert``), still open
(``reminder``), a monitor paused for the account's sake (``paused``), ``recovery``, or a
``warning`` of an outage announced in advance (the probe's password expires soon). The
message says which monitor, which target, the cause in plain words with the next action, since
when, the last error and the step that failed, and links the report when one is configured.
A failure carries the masked screenshot of the failing screen next to the last successful
screenshot of the same step, as apprise attachments (secrets painted over, pages/masking.py).
Delivery goes through apprise URLs (Slack, Teams, mailto, PagerDuty, ``json://``...): no
hand-written clients.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import quote

import apprise
from apprise.attachment.memory import AttachMemory

from wording import DEFAULT, Language, cause_advice, cause_title, count, elapsed, say, when
from wording.portal_text import TERMINAL_MAX, for_markdown

log = logging.getLogger(__name__)


def cause_words(cause: str | None) -> str:
    """A cause in English words, for the runner's log lines."""
    return cause_title(cause, "en")


@dataclass(frozen=True)
class Screen:
    """A masked PNG of one step's screen: the failing one, or the last success of that step."""

    step: str  # step id (open, login, code...)
    png: bytes
    failed: bool


@dataclass(frozen=True)
class Notice:
    kind: str  # alert | reminder | paused | recovery | warning
    monitor_id: str
    target: str
    cause: str
    since: float
    last_error: str = ""
    failed_step: str = ""
    failures: int = 0
    at: float = 0.0  # when the notice was decided (recovery time for a recovery)
    paused: bool = False
    probe: str = ""  # the location that saw it (``[probe] name``)
    screens: tuple[Screen, ...] = ()
    trace: str = ""  # the failing probe's scrubbed trace (a path on the probe's machine)
    # The failed step's first failed request: "METHOD /path" (never a query), its status
    # (0: no answer, then ``request_error`` says why).
    request: str = ""
    request_status: int = 0
    request_error: str = ""

    @property
    def notify_type(self) -> str:
        if self.kind == "recovery":
            return apprise.NotifyType.SUCCESS
        if self.kind in ("reminder", "warning"):
            return apprise.NotifyType.WARNING
        return apprise.NotifyType.FAILURE


def title(notice: Notice, language: Language) -> str:
    if notice.kind == "recovery":
        return say(language, "alert.title.recovered", monitor=notice.monitor_id)
    if notice.kind == "warning":
        cause = cause_title(notice.cause, language)
        return say(language, "alert.title.warning", monitor=notice.monitor_id, cause=cause)
    state = "paused" if notice.paused else "down"
    key = f"alert.title.still_{state}" if notice.kind == "reminder" else f"alert.title.{state}"
    return say(language, key, monitor=notice.monitor_id, cause=cause_title(notice.cause, language))


def screen_name(screen: Screen, language: Language) -> str:
    """The attachment's file name, which the body refers to."""
    key = "alert.file.failed" if screen.failed else "alert.file.last_ok"
    return say(language, key, step=screen.step)


def body(notice: Notice, language: Language, report_url: str = "") -> str:
    def line(key: str, **values: object) -> str:
        return say(language, key, **values)

    lines = [line("alert.monitor", monitor=notice.monitor_id),
             line("alert.target", target=notice.target)]  # fmt: skip
    if notice.kind == "recovery":
        lines += [
            line("alert.recovered_at", when=when(notice.at),
                 duration=elapsed(notice.at - notice.since, language)),
            line("alert.cause_was", cause=cause_title(notice.cause, language)),
        ]  # fmt: skip
    elif notice.kind == "warning":
        lines += [
            line("alert.cause", cause=cause_title(notice.cause, language), code=notice.cause),
            line("alert.advice", advice=cause_advice(notice.cause, language, notice.monitor_id)),
            line("alert.details", details=_page_words(notice.last_error)),
        ]
    else:
        failures = count(notice.failures, "failed_probe", language)
        lines += [
            line("alert.cause", cause=cause_title(notice.cause, language), code=notice.cause),
            line("alert.advice", advice=cause_advice(notice.cause, language, notice.monitor_id)),
            line("alert.since", when=when(notice.since), failures=failures),
            line("alert.last_error", error=_page_words(notice.last_error)),
            line("alert.failed_step", step=notice.failed_step or "-"),
        ]
        lines += _request_line(notice, language)
        if notice.paused:
            lines.append(say(language, "advice.paused", monitor=notice.monitor_id))
        lines += _screens_line(notice.screens, language)
        if notice.trace:
            lines.append(line("alert.trace", trace=trace_link(notice.trace, report_url)))
    if report_url:
        lines.append(line("alert.report", url=report_url))
    return "\n".join(lines)


def _request_line(notice: Notice, language: Language) -> list[str]:
    """The request the portal failed, so ops knows which server to look at first."""
    if not notice.request:
        return []
    request = _page_words(notice.request)
    if notice.request_status:
        return [say(language, "alert.request.status", request=request,
                    status=notice.request_status)]  # fmt: skip
    error = _page_words(notice.request_error)
    return [say(language, "alert.request.error", request=request, error=error)]


def trace_link(trace: str, report_url: str = "") -> str:
    """Where the trace is: its path, or, when the report is published (``report_url``), its
    place under the report's ``traces/`` folder, ``traces/<monitor>/<file>``; never the
    file itself (a trace is large, and it stays on machines ops controls)."""
    if not report_url:
        return trace
    parts = PurePath(trace).parts[-2:]
    return report_url.rstrip("/") + "/traces/" + "/".join(quote(part) for part in parts)


def _page_words(text: str) -> str:
    """An error or a warning that may quote the page, as text every channel shows and none
    runs: channels render Markdown (Slack, Teams, Discord) or HTML (e-mail), so HTML and link
    syntax is escaped and control characters shown escaped (``wording.portal_text``)."""
    return for_markdown(text, TERMINAL_MAX) if text else "-"


def _screens_line(screens: Sequence[Screen], language: Language) -> list[str]:
    failed = [screen_name(s, language) for s in screens if s.failed]
    last_ok = [screen_name(s, language) for s in screens if not s.failed]
    if not failed:
        return []
    if last_ok:
        return [say(language, "alert.screens.both", failed=failed[0], last_ok=last_ok[0])]
    return [say(language, "alert.screens.failed_only", failed=failed[0])]


class Channels:
    """The configured apprise URLs, each a channel of its own; delivery failures are logged,
    never fatal to the runner. A channel is named by ``key(url)``: the outbox keeps one row per
    channel, so a channel down gets the notice later without the others getting it twice."""

    def __init__(
        self, urls: Sequence[str], language: Language = DEFAULT, report_url: str = ""
    ) -> None:
        self.urls = tuple(urls)
        self.language, self.report_url = language, report_url
        self._channels: dict[str, apprise.Apprise] = {}
        for url in self.urls:
            channel = apprise.Apprise()
            if not channel.add(url):
                raise ValueError(f"apprise does not understand channel URL {_redact(url)}")
            self._channels[key(url)] = channel

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._channels)

    def send(self, notice: Notice, channel: str | None = None) -> bool:
        """Deliver to one channel (by key) or to all; True when each of them accepted it."""
        chosen = self._channels if channel is None else {channel: self._channels[channel]}
        attach = apprise.AppriseAttachment()
        for screen in notice.screens:  # in memory: the images never touch a temporary file
            name = screen_name(screen, self.language)
            attach.add(AttachMemory(content=screen.png, name=name, mimetype="image/png"))
        delivered = True
        for name, target in chosen.items():
            sent = target.notify(
                body=body(notice, self.language, self.report_url),
                title=title(notice, self.language),
                notify_type=notice.notify_type,
                attach=attach if notice.screens else None,
            )
            if not sent:
                log.warning("%s for %s not delivered to channel %s", notice.kind,
                            notice.monitor_id, name)  # fmt: skip
                delivered = False
        return delivered


def key(url: str) -> str:
    """A channel's stable name that reveals nothing of the URL (which often holds a token)."""
    return hashlib.sha256(url.encode()).hexdigest()[:12]


def _redact(url: str) -> str:
    """Channel URLs often embed tokens: show the scheme only."""
    return url.split("://", 1)[0] + "://…"
