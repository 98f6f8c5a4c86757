"""Reading a monitors file: ``load(path)`` turns ``monitors.toml`` into one ``Config``.

The file is read with :mod:`tomllib` and checked key by key: every mistake a person can make
in it becomes one ``ConfigError`` line naming the file, the key and the fix, so the CLI can
print it without a traceback. A base URL is normalised here, where it enters, so every
``Target`` names its portal one way. Passwords are never read here (``Account.password``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from croniter import croniter

from authenticator.errors import BaseUrlError
from authenticator.guard import DEFAULT_MAX_UNPROVEN, DEFAULT_WINDOW_S, PORTAL_LOCKOUT
from authenticator.vault import normalise_base_url
from monitors import after_login as app_checks
from monitors import maintenance as windows
from monitors.config import (
    PROBE_DEVICE_NAME,
    UP_EVERY_S,
    Account,
    AlertPolicy,
    Config,
    GuardPolicy,
    Metrics,
    Monitor,
    ProbeLocation,
    Target,
    Threshold,
    TracePolicy,
)
from monitors.toml_reader import DAY, MINUTE, ConfigError, Reader
from pages.profile import Profile, ProfileError
from pages.profile import load as load_profile
from pages.step_titles import STEP_TITLES
from reports.trace_options import DETAILS, MODES
from wording import DEFAULT, check_language

JOURNEYS = ("later_login", "first_access")
_MONITOR_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
# A probe location's name becomes a Prometheus label value, a history column and an Allure
# label: letters, digits, '-', '_' and '.', like a host name (RFC 1123 §2.1) plus '_'.
_PROBE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
UP_EVERY_MIN_S = 5.0  # below this the up-check is a load on the portal, not a probe
# Bounds of every duration, in seconds. A later login needs a fresh TOTP step (RFC 6238
# §5.2: a code is accepted once), so probing more often than the step only queues probes.
TOTP_STEP_S = 30.0
EVERY = (TOTP_STEP_S, 7 * DAY)
TIMEOUT = (1.0, 10 * MINUTE)
REMINDER = (MINUTE, 7 * DAY)
GUARD_WINDOW = (MINUTE, DAY)
KEEP_TRACES = (3600.0, 366 * DAY)
TRACES_MAX_MB = (1.0, 1_000_000.0)
THRESHOLD_MS = (1.0, TIMEOUT[1] * 1000)


def _url(r: Reader, key: str, *, required: bool = False) -> str | None:
    """The normalised http(s) URL of ``key``: one spelling per portal, no credentials."""
    url = r.get(key, str, required=required)
    if url is None:
        return None
    try:
        return normalise_base_url(url)
    except BaseUrlError as error:
        raise r.err(key, f'{error}; write e.g. "https://host/"') from None


def _target(r: Reader, name: str, browser_ws: str | None) -> Target:
    r.reject_unknown({"base_url", "verify_tls", "up_every", "browser_ws", "profile"})
    base_url = _url(r, "base_url", required=True)
    assert base_url is not None
    verify_tls = r.get("verify_tls", bool, True)
    up_every = _up_every(r, UP_EVERY_S)
    return Target(name, base_url, verify_tls, up_every, _browser_ws(r) or browser_ws, _profile(r))


def _profile(r: Reader) -> Profile | None:
    """The target's portal profile, loaded and checked now: a mistake in it is one line at
    start-up, not a failed probe later."""
    path = r.text("profile", limit=4096)
    if path is None:
        return None
    try:
        return load_profile(r.resolve(path))
    except ProfileError as error:
        raise r.err("profile", str(error)) from None


def _browser_ws(r: Reader) -> str | None:
    """The ``browser_ws`` of a table, checked: a ws:// or wss:// URL."""
    url = r.text("browser_ws", limit=4096)
    if url is None:
        return None
    from pages.browser import check_ws_endpoint  # only then: it imports Playwright

    try:
        return check_ws_endpoint(url)
    except ValueError as error:
        raise r.err("browser_ws", str(error)) from None


def _up_every(r: Reader, default: float | None) -> float | None:
    """``up_every``: a duration of at least 5 s, or ``false`` for no up-check (a login page
    that only a browser can render)."""
    if r.table.get("up_every") is False:
        return None
    seconds = r.duration("up_every", (0.0, DAY))
    if seconds is None:
        return default
    if seconds < UP_EVERY_MIN_S:
        raise r.err("up_every", f"{r.table['up_every']!r} is under 5 s; raise it")
    return seconds


def _probe(r: Reader) -> ProbeLocation:
    r.reject_unknown({"name"})
    name = r.get("name", str)
    if name is None:
        return ProbeLocation()
    if not _PROBE_NAME.match(name):
        raise r.err(
            "name",
            f"{name!r}: use up to 63 letters, digits, '-', '_' or '.', starting with a letter "
            'or digit, e.g. "chus-interne"',
        )
    return ProbeLocation(name)


def _cip(r: Reader) -> str:
    """``cip`` as written, or read now from the variable ``cip_env`` names (a Kubernetes pod
    gets it from the Secret, so the CIP stays out of the ConfigMap)."""
    cip_env = r.text("cip_env")
    if ("cip" in r.table) == bool(cip_env):
        raise r.err("cip", "set exactly one of cip or cip_env")
    if cip_env:
        cip = os.environ.get(cip_env, "").strip()
        if not cip or len(cip) > 64:
            raise r.err("cip_env", f"the variable {cip_env} must hold the CIP; set it")
    else:
        cip = r.text("cip", required=True, limit=64)
    if any(c.isspace() for c in cip):
        raise r.err("cip", "holds spaces; write the CIP alone")
    return cip


def _account(r: Reader, name: str) -> Account:
    allowed = {"cip", "cip_env", "password_env", "password_file", "vault", "device_name"}
    r.reject_unknown(allowed)
    env, file = r.text("password_env"), r.text("password_file", limit=4096)
    if bool(env) == bool(file):
        raise r.err("password_env", "set exactly one of password_env or password_file")
    cip = _cip(r)
    vault = r.text("vault", limit=4096)
    return Account(
        name=name,
        cip=cip,
        password_env=env,
        password_file=r.resolve(file) if file else None,
        vault=r.resolve(vault) if vault else None,
        device_name=r.text("device_name", PROBE_DEVICE_NAME, limit=64),
    )


def _threshold(r: Reader) -> Threshold:
    r.reject_unknown({"degraded_ms", "max_ms", "steps"})
    degraded = r.number("degraded_ms", float, THRESHOLD_MS)
    top = r.number("max_ms", float, THRESHOLD_MS)
    if degraded is not None and top is not None and degraded > top:
        raise r.err("degraded_ms", f"{degraded} is above max_ms {top}; lower it")
    return Threshold(degraded, top)


def _monitor(r: Reader, targets: dict, accounts: dict) -> Monitor:
    allowed = {"id", "target", "account", "journey", "every", "cron", "timeout", "thresholds"}
    allowed |= {"up_every", "after_login", "trace", "trace_detail"}
    r.reject_unknown(allowed)
    mid = r.get("id", str, required=True)
    if not _MONITOR_ID.match(mid):
        raise r.err("id", f"{mid!r}: use lower-case letters, digits, '-', '_' or '.'")
    target, account = r.get("target", str, required=True), r.get("account", str, required=True)
    if target not in targets:
        raise r.err("target", f"{target!r} is not declared; add [targets.{target}]")
    if account not in accounts:
        raise r.err("account", f"{account!r} is not declared; add [accounts.{account}]")
    journey = r.get("journey", str, "later_login")
    if journey not in JOURNEYS:
        raise r.err("journey", f"{journey!r} is unknown; use one of {', '.join(JOURNEYS)}")
    every, cron = r.get("every", (str, int, float)), r.get("cron", str)
    if (every is None) == (cron is None):
        raise r.err("every", 'set exactly one of every (e.g. "5m") or cron ("*/5 * * * *")')
    if cron is not None and not croniter.is_valid(cron):
        raise r.err("cron", f'{cron!r} is not a cron expression; write e.g. "*/5 * * * *"')
    thresholds = r.sub("thresholds")
    steps_r = thresholds.sub("steps")
    steps = {}
    for step in steps_r.table:
        if step not in STEP_TITLES:
            raise steps_r.err(step, f"unknown step; use one of {', '.join(STEP_TITLES)}")
        steps[step] = _threshold(steps_r.sub(step))
    return Monitor(
        id=mid,
        target=targets[target],
        account=accounts[account],
        journey=journey,
        every_s=r.duration("every", EVERY, why=" (each login needs a fresh 30 s TOTP step)"),
        cron=cron,
        timeout_s=r.duration("timeout", TIMEOUT, 120),
        overall=_threshold(thresholds),
        steps=steps,
        up_every_s=_up_every(r, targets[target].up_every_s),
        after_login=app_checks.parse(r),
        trace=_one_of(r, "trace", MODES, Monitor.trace),
        trace_detail=_one_of(r, "trace_detail", DETAILS, Monitor.trace_detail),
    )


def _one_of(r: Reader, key: str, words: Iterable[str], default: str) -> str:
    word = r.get(key, str, default)
    if word not in words:
        raise r.err(key, f"{word!r} is unknown; use one of {', '.join(words)}")
    return word


def _traces(r: Reader) -> TracePolicy:
    """``keep_traces`` (a duration) and ``traces_max_mb``: the kept traces' two bounds."""
    default = TracePolicy()
    return TracePolicy(
        keep_s=r.duration("keep_traces", KEEP_TRACES, default.keep_s),
        max_mb=r.number("traces_max_mb", float, TRACES_MAX_MB, default.max_mb),
    )


def _alerts(r: Reader) -> AlertPolicy:
    r.reject_unknown(
        {
            "failures_before_alert",
            "reminder_every",
            "recovery_notice",
            "channels",
            "password_expiry_warn_days",
        }
    )
    failures = r.number("failures_before_alert", int, (1, 100), 2)
    channels = r.get("channels", list, [])
    for url in channels:
        if not isinstance(url, str) or "://" not in url:
            raise r.err("channels", f'{url!r} is not an apprise URL like "jsons://host/path"')
    return AlertPolicy(
        failures_before_alert=failures,
        reminder_every_s=r.duration("reminder_every", REMINDER, "1h"),
        recovery_notice=r.get("recovery_notice", bool, True),
        channels=tuple(channels),
        password_expiry_warn_days=r.number("password_expiry_warn_days", int, (1, 365), 14),
    )


def _metrics(r: Reader) -> Metrics:
    r.reject_unknown({"port", "host", "pushgateway", "job"})
    gateway = r.get("pushgateway", str)
    if gateway is not None:
        _url(r, "pushgateway")  # checked, kept as written: its path may matter
    return Metrics(
        port=r.number("port", int, (1, 65535)),
        host=r.text("host", "127.0.0.1", limit=253),
        pushgateway=gateway,
        job=r.text("job", "eespresso_monitors", limit=100),
    )


def _guard(r: Reader) -> GuardPolicy:
    r.reject_unknown({"path", "max_unproven", "window"})
    path = r.text("path", limit=4096)
    return GuardPolicy(
        path=r.resolve(path) if path else None,
        max_unproven=r.number("max_unproven", int, (1, PORTAL_LOCKOUT - 1), DEFAULT_MAX_UNPROVEN),
        window_s=r.duration("window", GUARD_WINDOW, DEFAULT_WINDOW_S),
    )


def load(path: str | os.PathLike) -> Config:
    """Read and validate a monitors file; raise ``ConfigError`` (one line) on any mistake."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file; copy monitors.example.toml and edit it") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:  # the message carries line and column
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    root = Reader(path, data, "")
    root.reject_unknown(
        {"history", "allure_results", "targets", "accounts", "monitors", "alerts", "metrics"}
        | {"probe", "browser_ws", "language", "report_url", "guard", "timezone", "maintenance"}
        | {"keep_traces", "traces_max_mb"}
    )
    targets_r, accounts_r = root.sub("targets", required=True), root.sub("accounts", required=True)
    browser_ws = _browser_ws(root)
    targets = {name: _target(targets_r.sub(name), name, browser_ws) for name in targets_r.table}
    accounts = {name: _account(accounts_r.sub(name), name) for name in accounts_r.table}
    entries = root.get("monitors", list, required=True)
    monitors = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise root.err(f"monitors[{index}]", "must be a table; write [[monitors]]")
        monitors.append(_monitor(Reader(path, entry, f"monitors[{index}]"), targets, accounts))
    ids = [m.id for m in monitors]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise root.err("monitors", f"duplicate id {duplicates[0]!r}; ids must be stable and unique")
    if not monitors:
        raise root.err("monitors", "is empty; add at least one [[monitors]] table")
    allure = root.text("allure_results", limit=4096)
    try:
        language = check_language(root.get("language", str, DEFAULT))
    except ValueError as exc:
        raise root.err("language", str(exc)) from None
    report_url = root.text("report_url", "", limit=4096)
    if report_url and urlsplit(report_url).scheme not in ("http", "https", "file"):
        raise root.err("report_url", f'{report_url!r} is not a link like "https://host/report/"')
    return Config(
        path=path,
        monitors=tuple(monitors),
        alerts=_alerts(root.sub("alerts")),
        metrics=_metrics(root.sub("metrics")),
        history=root.resolve(root.text("history", "monitors-history.sqlite", limit=4096)),
        allure_results=root.resolve(allure) if allure else None,
        probe=_probe(root.sub("probe")),
        language=language,
        report_url=report_url,
        guard=_guard(root.sub("guard")),
        timezone=windows.zone_of(root).key,
        maintenance=windows.parse(root, targets, ids),
        traces=_traces(root),
    )
