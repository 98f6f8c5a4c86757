"""``[[monitors.after_login]]``: pages a monitor visits once logged in, read and checked.

    [[monitors.after_login]]
    id = "paie"
    link = "talons de paie"           # a link or button of the home page, by name
    expect = "talons de paie"         # a heading or a text the page must show
    timeout = "15s"                   # optional, 1 s to 2 min

Names are regular expressions checked like a portal profile's (``pages.profile``), so a
mistake is one line at start-up instead of a failed probe at night.
"""

from __future__ import annotations

import re

from monitors.toml_reader import MINUTE, Reader
from pages.app_checks import CHECK_ID_CHARS, AppCheck
from pages.profile import ProfileError, check_names

KEYS = {"id", "link", "expect", "timeout"}
TIMEOUT = (1.0, 2 * MINUTE)
MAX_CHECKS = 10  # each one is a page load in every probe
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def _check(r: Reader) -> AppCheck:
    r.reject_unknown(KEYS)
    check_id = r.text("id", required=True, limit=32)
    if not _ID.match(check_id):
        raise r.err("id", f"{check_id!r}: use up to 32 {CHECK_ID_CHARS}")
    names = {}
    for key in ("link", "expect"):
        value = r.text(key, required=True, limit=200)
        try:
            names[key] = check_names(str(r.path), f"{r.prefix}.{key}", [value])[0]
        except ProfileError as error:
            raise r.err(key, str(error).split(": ", 2)[-1]) from None
    timeout = r.duration("timeout", TIMEOUT, 15.0)
    return AppCheck(check_id, names["link"], names["expect"], timeout)


def parse(monitor: Reader) -> tuple[AppCheck, ...]:
    """The monitor's ``after_login`` tables, in order; ids unique within the monitor."""
    entries = monitor.get("after_login", list, [])
    if len(entries) > MAX_CHECKS:
        raise monitor.err("after_login", f"has {len(entries)} pages; keep at most {MAX_CHECKS}")
    checks = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise monitor.err(f"after_login[{index}]", "must be a table; write "
                              "[[monitors.after_login]]")  # fmt: skip
        reader = Reader(monitor.path, entry, f"{monitor.prefix}.after_login[{index}]")
        check = _check(reader)
        if any(c.id == check.id for c in checks):
            raise reader.err("id", f"{check.id!r} is used twice in this monitor; make it unique")
        checks.append(check)
    return tuple(checks)
