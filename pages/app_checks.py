"""Pages of the application checked once logged in, as data (``[[monitors.after_login]]``).

A login can succeed while the application behind it is broken (pay stubs that do not load):
each ``AppCheck`` names a link or button of the home page and what the page it opens must
show, so "login works, pay stubs do not" fails its own step with its own cause
(``app_check_failed``). Names are case-insensitive regular expressions, as in a portal
profile, and are checked the same way. No Playwright here: a config loads it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass

CHECK_ID_CHARS = "lower-case letters, digits, '-' or '_'"


@dataclass(frozen=True)
class AppCheck:
    """Open ``link`` (a link or button name) on the home page; expect ``expect`` (a heading
    or a text) within ``timeout_s``. ``id`` names the step (``app.<id>``)."""

    id: str
    link: str
    expect: str
    timeout_s: float = 15.0

    @property
    def step_id(self) -> str:
        return f"app.{self.id}"

    @property
    def title(self) -> str:
        """The Allure step title: the link's pattern as a person reads it."""
        return f"Page après la connexion : « {self.link} »"
