"""``python -m monitors run|status|resume|maintenance|k8s|enroll|login|inspect``.

``enroll`` and ``login`` are handed to the journey CLI (``adhoc/journey_cli.py``), ``inspect``
to ``adhoc/inspect_cli.py``: runs by hand, not probes; they are imported only when asked for,
so ``run`` and ``status`` start without them. The modules of the other commands (the config,
the history) are imported past that dispatch, so a one-shot ``login`` starts without them.
Every error a person can make (arguments, config, history or guard files) ends as one line on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence

from wording.cli import OneLineParser

EXIT_USAGE = 2


class UsageError(ValueError):
    """A command line argparse refused: one line."""


class _Parser(OneLineParser):
    failure = UsageError


def _run(args: argparse.Namespace) -> int:
    from monitors.alerts import Channels
    from monitors.chromium import WarmBrowser
    from monitors.config_file import ConfigError, load
    from monitors.history import History
    from monitors.journeys import Binder
    from monitors.metrics import ProbeMetrics
    from monitors.probe import Prober
    from monitors.results_allure import AllureWriter
    from monitors.runner import Runner

    config = load(args.config)
    for monitor in config.monitors:
        monitor.account.password()  # fail now, in one line, not at the first probe
    try:
        channels = Channels(config.alerts.channels, config.language, config.report_url)
    except ValueError as exc:
        raise ConfigError(f"{config.path}: alerts.channels: {exc}") from None
    metrics = ProbeMetrics(config.probe.name)
    history = History(config.history)
    browser = WarmBrowser(headless=not args.headed)
    allure = AllureWriter(config.allure_results) if config.allure_results else None
    prober = Prober(config, history, browser, Binder(), metrics, channels, allure)
    runner = Runner(config, prober, out=sys.stdout)
    runner.install_signal_handlers()
    try:
        if args.once:
            code = _once(runner, metrics, config)
        else:
            code = _forever(runner, metrics, config, args.max_probes)
    finally:
        # After SIGTERM the browser is already killed and its thread may sleep in a journey
        # (waiting for a fresh TOTP step): do not wait for a polite close then.
        browser.close(timeout=2.0 if runner.stop.is_set() else 30.0)
        history.close()
    if runner.stop.is_set():
        # Every result is committed and Chromium is gone; the browser thread may still be
        # inside Playwright, and finalising the interpreter under it can crash (SIGSEGV).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _once(runner, metrics, config) -> int:
    """Each monitor once, then push to the Pushgateway if configured: 0 all passed, else 1."""
    passed = runner.run_once()
    if config.metrics.pushgateway:
        try:
            metrics.push(config.metrics.pushgateway, config.metrics.job)
        except OSError as exc:
            print(f"monitors: push to {config.metrics.pushgateway} failed: {exc}", file=sys.stderr)
            passed = False
    return 0 if passed else 1


def _forever(runner, metrics, config, max_probes: int | None) -> int:
    if config.metrics.port is not None:
        from monitors.status import summarise
        from monitors.status_page import render_page
        from monitors.web import REFRESH_S, CachedPage

        page = CachedPage(lambda: render_page(summarise(config), refresh_s=REFRESH_S))
        runner.listeners.append(lambda _outcome: page.changed())
        port = metrics.serve(config.metrics.port, config.metrics.host, status_page=page)
        base = f"http://{config.metrics.host}:{port}"
        print(f"metrics on {base}/metrics, status page on {base}/status", flush=True)
    runner.run_forever(max_probes=max_probes)
    return 0


def _status(args: argparse.Namespace) -> int:
    from monitors.config_file import load
    from monitors.status import render_text, summarise
    from monitors.status_page import render_html
    from wording import say

    config = load(args.config)
    summary = summarise(config)
    print(render_text(summary))
    if args.html:
        render_html(summary, args.html)
        print(say(config.language, "status.written", path=args.html))
    return 0


def _resume(args: argparse.Namespace) -> int:
    """Reopen a paused account, by monitor id (its config) or by base URL and CIP; logged
    in the guard's journal with who ran it and ``--note``."""
    from authenticator.guard import AccountGuard, account_identity, current_user
    from monitors.config_file import load

    if args.id is not None:
        if not args.config or args.base_url or args.cip:
            raise UsageError("resume ID takes --config FILE (and not --base-url/--cip)")
        config = load(args.config)
        guard, account = config.guard.open(), config.monitor(args.id).identity
    elif args.base_url and args.cip:
        guard, account = AccountGuard(args.guard), account_identity(args.base_url, args.cip)
    else:
        raise UsageError("resume takes a monitor ID and --config, or --base-url and --cip")
    if guard.resume(account, by=current_user(), note=args.note or ""):
        print(f"{account} resumed (logged in {guard.path}); it is tried again at the next probe")
    else:
        print(f"{account} was not paused; nothing to do")
    return 0


def _k8s(args: argparse.Namespace) -> int:
    from pathlib import Path

    from monitors.k8s import render
    from monitors.k8s_pod import Options, default_image

    options = Options(image=args.image or default_image(), namespace=args.namespace)
    sys.stdout.write(render(Path(args.config), options, runner=args.runner))
    return 0


def parser() -> argparse.ArgumentParser:
    from monitors.maintenance_cli import add_parser as add_maintenance_parser

    top = _Parser(
        prog="python -m monitors",
        description="Synthetic monitoring of eEspresso remote access: scheduled login probes "
        "that say why a login failed and never lock the account.",
    )
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run the monitors on their schedules (or --once)")
    run.add_argument("--config", required=True, help="monitors.toml")
    run.add_argument("--once", action="store_true", help="probe each monitor once; exit 0/1")
    run.add_argument("--headed", action="store_true", help="show the browser (debugging)")
    run.add_argument("--max-probes", type=int, default=None, help=argparse.SUPPRESS)
    status = sub.add_parser("status", help="uptime, p50/p95 per step, open incidents, expiry dates")
    status.add_argument("--config", required=True)
    status.add_argument("--html", help="also write an offline HTML status page to this file")
    resume = sub.add_parser("resume", help="reopen an account paused to protect it from lockout")
    resume.add_argument("id", nargs="?", help="a monitor id (with --config)")
    resume.add_argument("--config", help="monitors.toml")
    resume.add_argument("--base-url", help="the portal's address (with --cip, no config)")
    resume.add_argument("--cip", help="the account's user name")
    resume.add_argument("--guard", help="the guard's store (default $EESPRESSO_GUARD)")
    resume.add_argument("--note", help="why it is safe to resume (kept in the journal)")
    add_maintenance_parser(sub)
    k8s = sub.add_parser(
        "k8s", help="print Kubernetes manifests (a CronJob per monitor, or --runner)"
    )
    k8s.add_argument("--config", required=True, help="monitors.toml")
    k8s.add_argument("--image", help="container image (default eespresso-monitors:VERSION)")
    k8s.add_argument("--namespace", help="namespace of every object (default: kubectl's)")
    k8s.add_argument(
        "--runner",
        action="store_true",
        help="the long-lived runner instead: Deployment, Service, ServiceMonitor",
    )
    for name in ("enroll", "login"):
        sub.add_parser(name, help=f"journey CLI: '{name} --help' for its options", add_help=False)
    sub.add_parser(
        "inspect", help="see a portal without submitting anything: 'inspect --help'", add_help=False
    )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("enroll", "login"):
        from adhoc import journey_cli

        return journey_cli.main(argv)
    if argv and argv[0] == "inspect":
        from adhoc import inspect_cli

        return inspect_cli.main(argv)
    from authenticator.errors import AuthenticatorError
    from monitors.history import HistoryError
    from monitors.maintenance_cli import ACTIONS as MAINTENANCE_ACTIONS
    from monitors.maintenance_cli import MaintenanceError
    from monitors.toml_reader import ConfigError

    # AuthenticatorError: the guard's store, a base URL, the vault; OSError and sqlite3.Error:
    # a file or a port the command could not use. Each message is one line already.
    user_errors = (AuthenticatorError, sqlite3.Error, OSError)
    try:
        args = parser().parse_args(argv)
        handler = {"run": _run, "status": _status, "resume": _resume, "k8s": _k8s}.get(
            args.command, lambda a: MAINTENANCE_ACTIONS[a.action](a)
        )
        return handler(args)
    except (UsageError, ConfigError, HistoryError, MaintenanceError, *user_errors) as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"monitors: {text}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
