"""``python -m monitors maintenance start|end|list``: open a window now, end it, list them.

A release manager opens a window at the start of a deployment (``start --for 2h --reason
"…"``) and ends it when done (``end``); each is kept in the history file with who did it and
why (``authenticator.guard.current_user``), beside the windows the config declares. Mistakes
are ``MaintenanceError`` lines, printed by ``monitors.__main__`` as every other one.
"""

from __future__ import annotations

import argparse
import re
import time

from authenticator.guard import current_user
from monitors.config import Config
from monitors.config_file import load
from monitors.history import History
from monitors.maintenance import REASON_MAX, Journal, Window, describe, length, zone
from monitors.toml_reader import ConfigError

LISTED_DAYS = 7  # ``list`` shows the command-line windows that ended within this many days
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MaintenanceError(ValueError):
    """A maintenance command that cannot be done: one line saying what to do."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The ``maintenance`` command and its three actions."""
    top = sub.add_parser("maintenance", help="open, end or list maintenance windows")
    actions = top.add_subparsers(dest="action", required=True, parser_class=type(top))
    start = actions.add_parser("start", help="open a window now, e.g. --for 2h --reason '…'")
    start.add_argument("--for", dest="length", required=True, help="how long: 30m, 2h, 1d")
    start.add_argument("--reason", required=True, help="why (kept in the journal)")
    end = actions.add_parser("end", help="end the windows opened with start, now")
    end.add_argument("--id", type=int, help="the window's number, as 'list' shows it")
    listing = actions.add_parser("list", help="declared windows and those opened with start")
    for action in (start, end, listing):
        action.add_argument("--config", required=True, help="monitors.toml")
    for action in (start, end):
        scope = action.add_mutually_exclusive_group()
        scope.add_argument("--monitor", help="one monitor's id (default: every monitor)")
        scope.add_argument("--target", help="every monitor of one [targets.NAME]")


def _scope(config: Config, args: argparse.Namespace) -> tuple[str | None, str | None]:
    if args.monitor is not None:
        config.monitor(args.monitor)  # a ConfigError listing the known ids
    targets = sorted({m.target.name for m in config.monitors})
    if args.target is not None and args.target not in targets:
        raise ConfigError(
            f"{config.path}: no target {args.target!r}; known targets: {', '.join(targets)}"
        )
    return args.monitor, args.target


def _reason(text: str) -> str:
    text = text.strip()
    if not text or len(text) > REASON_MAX or _CONTROL.search(text):
        raise MaintenanceError(f"--reason must be one line of 1 to {REASON_MAX} characters")
    return text


def start(args: argparse.Namespace) -> int:
    config = load(args.config)
    monitor, target = _scope(config, args)
    try:
        seconds = length(args.length)
    except ConfigError as exc:
        raise MaintenanceError(str(exc)) from None
    reason, now, by = _reason(args.reason), time.time(), current_user()
    with History(config.history) as history, history.transaction():
        number = Journal(history.db).open(start=now, end=now + seconds, reason=reason, by=by,
                                          monitor=monitor, target=target)  # fmt: skip
    window = Window(reason, start=now, end=now + seconds, monitor=monitor, target=target,
                    source=f"#{number} by {by}")  # fmt: skip
    print(f"maintenance window #{number} opened: {describe(window, zone(config.timezone), now)}")
    return 0


def end(args: argparse.Namespace) -> int:
    config = load(args.config)
    monitor, target = _scope(config, args)
    if args.id is not None and (monitor or target):
        raise MaintenanceError("end takes --id or --monitor/--target, not both")
    now, by = time.time(), current_user()
    with History(config.history) as history, history.transaction():
        ended = Journal(history.db).end(now, by, window_id=args.id, monitor=monitor,
                                        target=target)  # fmt: skip
    if not ended:
        which = f"#{args.id}" if args.id is not None else "for that scope"
        raise MaintenanceError(
            f"no open maintenance window {which} was opened with 'start' (declared ones are "
            f"edited in {config.path}); see: python -m monitors maintenance list "
            f"--config {args.config}"
        )
    print(f"maintenance window(s) {', '.join(f'#{n}' for n in ended)} ended by {by}")
    return 0


def list_windows(args: argparse.Namespace) -> int:
    config = load(args.config)
    now, tz = time.time(), zone(config.timezone)
    with History(config.history) as history:
        opened = Journal(history.db).windows(now - LISTED_DAYS * 86400)
    lines = [describe(w, tz, now) for w in config.maintenance]
    lines += [describe(w, tz, now) for _, w in opened]
    print("\n".join(lines) if lines else "no maintenance window declared or opened")
    return 0


ACTIONS = {"start": start, "end": end, "list": list_windows}
