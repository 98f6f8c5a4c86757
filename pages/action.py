"""A form the suite must never fill: a new password to choose, terms to accept.

An identity server runs "required actions" at login (Keycloak: update password, terms and
conditions, update profile). Filling them is a person's decision, and a wrong one can lock
the account or change its password under the probe: so a page that asks for one, with no way
on that changes nothing, ends the journey with the cause ``action_required`` and nothing is
typed or pressed. A notice whose way on changes nothing (« Plus tard ») is gone past instead
(``pages.notices``); a portal whose terms the owner allows the probe to accept names their
button in the profile's ``continue`` element, and the page becomes such a notice.
"""

from __future__ import annotations

from typing import ClassVar

from playwright.sync_api import Locator, Page

from pages import tree
from pages.base import BaseScreen, visible
from pages.elements import locate
from pages.failures import JourneyFailure
from pages.notices import page_text, way_on
from pages.result import Cause


class ActionRequiredPage(BaseScreen):
    """Asks for a new password, terms to accept or another change only a person may make."""

    priority: ClassVar[int] = 15  # before every form it may look like (it has password fields)
    label: ClassVar[str] = "a form the suite must not fill"
    needs: ClassVar[tuple[str, ...]] = ("action_required",)

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return locate(page, "action_required")

    @classmethod
    def shown(cls, page: Page) -> None:
        return None  # ``matches`` asks more than a locator can

    @classmethod
    def matches(cls, page: Page) -> bool:
        """The profile's words for such a form, and no way on that changes nothing."""
        return visible(cls.signature(page)) and way_on(page) is None

    def failure(self, where: str) -> JourneyFailure:
        """The end of the journey here: what the portal asks, in its own words (its heading,
        else its text), and that nothing was submitted."""
        headings = tree.names(tree.main_content(tree.snapshot(self.page)), {"heading"})
        said = headings[0] if headings else page_text(self.page, 120)
        return JourneyFailure(
            Cause.ACTION_REQUIRED,
            f"after {where} the portal asks for an action the suite must not do"
            + (f" (« {said} »)" if said else "")
            + ": do it once in a browser as this account; nothing was submitted",
        )
