"""What a monitors file declares (docs/design.md, "Code"): one frozen ``Config``.

Monitors are data with stable ids: each names a target (a portal), an account, a journey, a
schedule and its thresholds; beside them the alert policy, the metrics endpoint, the probe
location, the account guard and the maintenance windows. ``monitors.config_file.load`` reads
and checks ``monitors.toml`` into these values; the rest of ``monitors`` only reads them.
Passwords are never held here: an ``Account`` only knows where its password lives
(``password_env`` or ``password_file``) and reads it when a probe needs it.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

from authenticator.guard import (
    DEFAULT_MAX_UNPROVEN,
    DEFAULT_WINDOW_S,
    AccountGuard,
    account_identity,
)
from monitors import maintenance as windows
from monitors.toml_reader import ConfigError
from pages.app_checks import AppCheck
from pages.profile import Profile
from wording import DEFAULT, Language

UP_EVERY_S = 15.0  # credential-free up-check of the login page between journeys
PROBE_DEVICE_NAME = "Sonde eEspresso"  # the device a probe's account enrolls as


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str
    verify_tls: bool = True  # false for the sandbox's self-signed certificate
    up_every_s: float | None = UP_EVERY_S  # None: no up-check for this target
    browser_ws: str | None = None  # a Playwright browser server instead of the local Chromium
    # The portal's wording (``profile = "…"``, relative to the config file); None: built-in.
    profile: Profile | None = field(default=None, compare=False)

    @property
    def is_https(self) -> bool:
        return self.base_url.startswith("https://")


@dataclass(frozen=True)
class Account:
    """Where the password lives, never the password itself (docs/design.md, "Secrets")."""

    name: str
    cip: str
    password_env: str | None = None
    password_file: Path | None = None
    vault: Path | None = None  # None: the authenticator's default vault
    device_name: str = PROBE_DEVICE_NAME

    def password(self) -> str:
        """Read the password now; the error names the variable or file, never a value."""
        from pages.settings import SettingsError, read_password

        try:
            return read_password(os.environ, self.password_file, self.password_env or "")
        except SettingsError as error:
            raise ConfigError(f"account {self.name!r}: {error}") from None


@dataclass(frozen=True)
class Threshold:
    degraded_ms: float | None = None
    max_ms: float | None = None


@dataclass(frozen=True)
class Monitor:
    id: str
    target: Target
    account: Account
    journey: str = "later_login"
    every_s: float | None = None  # exactly one of every_s / cron
    cron: str | None = None
    timeout_s: float = 120.0
    overall: Threshold = Threshold()
    steps: dict[str, Threshold] = field(default_factory=dict)
    up_every_s: float | None = UP_EVERY_S  # None: no up-check between journeys
    # Pages visited once logged in (``[[monitors.after_login]]``), each a timed step.
    after_login: tuple[AppCheck, ...] = ()
    # A scrubbed Playwright trace of the journey (``reports.tracing`` modes): kept by default
    # only when the probe failed, to replay what the portal showed. Its detail: the actions
    # and the network by default, the cheapest (``reports.trace_options.DETAILS``).
    trace: str = "retain-on-failure"
    trace_detail: str = "actions"

    @property
    def identity(self) -> str:
        """The account as the guard knows it: every config naming it shares one budget."""
        return account_identity(self.target.base_url, self.account.cip)


@dataclass(frozen=True)
class AlertPolicy:
    failures_before_alert: int = 2
    reminder_every_s: float = 3600.0
    recovery_notice: bool = True
    channels: tuple[str, ...] = ()
    # Warn once when the portal says the monitoring account's password expires within this
    # many days: an expired probe password is an outage announced in advance.
    password_expiry_warn_days: int = 14


@dataclass(frozen=True)
class TracePolicy:
    """How long kept traces stay (``keep_traces``) and how much room they may take
    (``traces_max_mb``): past either, the oldest go first (``monitors.traces``)."""

    keep_s: float = 14 * 86400.0
    max_mb: float = 500.0


@dataclass(frozen=True)
class Metrics:
    port: int | None = None
    host: str = "127.0.0.1"
    pushgateway: str | None = None
    job: str = "eespresso_monitors"


def default_probe_name() -> str:
    """The host name, made label-safe: where a probe runs when the config does not say."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "-", socket.gethostname().split(".")[0]).strip("-._")
    return name[:63] or "probe"


@dataclass(frozen=True)
class ProbeLocation:
    """Where this runner probes from (``[probe] name``): a label on every metric, history
    row, alert and Allure result, so several locations can watch the same portal."""

    name: str = field(default_factory=default_probe_name)


@dataclass(frozen=True)
class GuardPolicy:
    """The account guard's settings (``authenticator.guard``); None: its default store."""

    path: Path | None = None
    max_unproven: int = DEFAULT_MAX_UNPROVEN
    window_s: float = DEFAULT_WINDOW_S

    def open(self) -> AccountGuard:
        return AccountGuard(self.path, max_unproven=self.max_unproven, window_s=self.window_s)


@dataclass(frozen=True)
class Config:
    path: Path
    monitors: tuple[Monitor, ...]
    alerts: AlertPolicy
    metrics: Metrics
    history: Path
    allure_results: Path | None = None
    probe: ProbeLocation = field(default_factory=ProbeLocation)
    language: Language = DEFAULT  # of alerts and the status page
    report_url: str = ""  # linked from alerts and the status page when set
    guard: GuardPolicy = GuardPolicy()
    timezone: str = windows.DEFAULT_TIMEZONE  # of maintenance windows
    maintenance: tuple[windows.Window, ...] = ()
    traces: TracePolicy = TracePolicy()

    def schedule(self) -> windows.Schedule:
        """The maintenance windows: declared here and opened from the command line."""
        return windows.Schedule(self.maintenance, self.history, self.timezone)

    def monitor(self, monitor_id: str) -> Monitor:
        for monitor in self.monitors:
            if monitor.id == monitor_id:
                return monitor
        known = ", ".join(m.id for m in self.monitors)
        raise ConfigError(f"{self.path}: no monitor with id {monitor_id!r}; known ids: {known}")
