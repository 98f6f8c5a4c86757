"""Alert messages and their delivery through apprise.

One ``Notice`` per thing ops must hear about: an incident opened (``alert``), still open
(``reminder``), a monitor paused for the account's sake (``paused``), or ``recovery``. The
message says which monitor, which target, the cause in words, since when, the last error and
the step that failed. Delivery goes through apprise URLs (Slack, Teams, mailto, PagerDuty,
``json://``...): no hand-written clients.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import apprise

from pages.result import Cause

log = logging.getLogger(__name__)


def cause_words(cause: str | None) -> str:
    """The cause in words; an unknown value (a newer runner's history) is shown as it is."""
    if cause is None:
        return "unknown cause"
    try:
        return Cause(cause).words
    except ValueError:
        return cause


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass(frozen=True)
class Notice:
    kind: str  # alert | reminder | paused | recovery
    monitor_id: str
    target: str
    cause: str
    since: float
    last_error: str = ""
    failed_step: str = ""
    failures: int = 0
    at: float = 0.0  # when the notice was decided (recovery time for a recovery)
    paused: bool = False

    @property
    def notify_type(self) -> str:
        if self.kind == "recovery":
            return apprise.NotifyType.SUCCESS
        return apprise.NotifyType.WARNING if self.kind == "reminder" else apprise.NotifyType.FAILURE

    @property
    def title(self) -> str:
        if self.kind == "recovery":
            return f"[eEspresso] RECOVERED {self.monitor_id}"
        state = "PAUSED" if self.paused else "DOWN"
        prefix = "still " if self.kind == "reminder" else ""
        return f"[eEspresso] {prefix}{state} {self.monitor_id}: {cause_words(self.cause)}"

    @property
    def body(self) -> str:
        lines = [f"Monitor: {self.monitor_id}", f"Target: {self.target}"]
        if self.kind == "recovery":
            minutes = max(0.0, (self.at - self.since) / 60)
            lines += [
                f"Recovered at: {_when(self.at)} after {minutes:.0f} min",
                f"Cause was: {cause_words(self.cause)}",
            ]
            return "\n".join(lines)
        lines += [
            f"Cause: {cause_words(self.cause)} ({self.cause})",
            f"Since: {_when(self.since)} ({self.failures} failed probe(s))",
            f"Last error: {self.last_error or '-'}",
            f"Failed step: {self.failed_step or '-'}",
        ]
        if self.paused:
            lines.append(
                "Monitor paused to protect the account from lockout: fix the password or the "
                f"enrollment, then run 'python -m monitors resume {self.monitor_id}'"
            )
        return "\n".join(lines)


class Channels:
    """The configured apprise URLs; delivery failures are logged, never fatal to the runner."""

    def __init__(self, urls: Sequence[str]) -> None:
        self.apprise = apprise.Apprise()
        self.urls = tuple(urls)
        for url in self.urls:
            if not self.apprise.add(url):
                raise ValueError(f"apprise does not understand channel URL {_redact(url)}")

    def send(self, notice: Notice) -> bool:
        if not self.urls:
            return True
        kind = notice.notify_type
        sent = self.apprise.notify(body=notice.body, title=notice.title, notify_type=kind)
        delivered = bool(sent)
        if not delivered:
            log.warning("%s for %s not delivered to every channel", notice.kind, notice.monitor_id)
        return delivered


def _redact(url: str) -> str:
    """Channel URLs often embed tokens: show the scheme only."""
    return url.split("://", 1)[0] + "://…"
