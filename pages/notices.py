"""The pages between the steps: notices to go past, and the seed's confirmation of step 7.

Real portals show pages the seed does not describe: a password-expiry notice between the
password and the code, a "remember this device" question or a notice to acknowledge after the
code. ``NoticePage`` is any such page with a way on; the journey goes past it with the control
that changes nothing (« Continuer », « Plus tard », « Ignorer », « Non ») and never with one
that starts a change (« Changer mon mot de passe », « Modifier », « Oui »), and reports what it
met as a warning of the result, of the kind whose profile elements the page shows (the rows
of ``wording.notices``: maintenance announced, remember this computer, terms a profile lets
the journey accept), else an unknown interstitial.

``SuccessPage`` is the seed's last line (« Vous avez maintenant accès à votre eEspresso ») on a
page of its own, before eEspresso's home page; its way on is a link or button such as
« Accéder à eEspresso ».
"""

from __future__ import annotations

import re
from typing import ClassVar

from playwright.sync_api import Locator, Page

from pages import tree
from pages.base import BaseScreen, banner, visible
from pages.elements import locate, profile_of
from pages.failures import unexpected
from pages.profile import Profile, default
from pages.result import JourneyResult, Notice
from pages.steps import warn
from wording.notices import NOTICES, Passage
from wording.portal_text import for_terminal

#: Notices in a row before the journey gives up (a portal looping on a notice).
MAX_NOTICES = 5
#: Notices that count something down (a password's days): read wherever their text shows, a
#: notice page of their own or a banner on another screen, so ops hears before it runs out.
_COUNTED = [kind for kind, row in NOTICES.items() if row.fields]
for _kind in _COUNTED:
    banner(NOTICES[_kind].recognised_by[0])
#: The notice kinds a notice page may be, most specific first (an interstitial matches all).
_PAGE_KINDS = [
    kind for kind, row in NOTICES.items()
    if row.passage is Passage.CONTINUE and kind not in (*_COUNTED, Notice.INTERSTITIAL)
]  # fmt: skip
_NUMBER = re.compile(r"\d+")
_TEXT_ROLES = frozenset({"heading", "paragraph", "text", "status", "alert", "listitem"})


def starts_a_change(name: str, profile: Profile) -> bool:
    """Whether pressing a control named ``name`` could start a change or log out.

    The built-in change words always apply, even where a profile of one's own replaced its
    ``decline`` names: no profile can make the journey press « Continuer et modifier ».
    """
    return any(
        pattern.search(name)
        for pattern in (profile["decline"], default()["decline"], profile["logout"])
    )


def way_on(page: Page) -> Locator | None:
    """A visible button (else link) whose whole name goes on without changing anything.

    Names come from the accessibility tree, so an ``<input type=submit>`` counts like a
    ``<button>``. The control is then located by that exact name, never by a prefix: beside
    « Continuer », a « Continuer et modifier mon mot de passe » placed first is not pressed,
    and a name that also starts a change or logs out is never a way on, wherever it stands.
    """
    profile = profile_of(page)
    nodes = tree.snapshot(page)
    for role in ("button", "link"):
        for name in tree.names(nodes, {role}):
            if profile["continue"].search(name) and not starts_a_change(name, profile):
                control = page.get_by_role(role, name=name, exact=True).first
                if visible(control):
                    return control
    return None


def page_text(page: Page, max_chars: int = 200) -> str:
    """What a notice says (its headings and text), on one line, secrets redacted, safe to
    print (``wording.portal_text``)."""
    parts = [
        node.name if node.role == "heading" else node.text
        for node in tree.main_content(tree.snapshot(page))
        if node.role in _TEXT_ROLES
    ]
    return for_terminal(" ".join(" ".join(parts).split()), max_chars)


class SuccessPage(BaseScreen):
    """« Vous avez maintenant accès à votre eEspresso » on a confirmation page of its own."""

    priority: ClassVar[int] = 55  # after the home page, which may show the same text
    label: ClassVar[str] = "the confirmation page"
    needs: ClassVar[tuple[str, ...]] = ("success",)

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return locate(page, "success")

    def go_on(self) -> BaseScreen | None:
        """Follow the way on to eEspresso; ``None`` when the page offers none."""
        control = way_on(self.page)
        if control is None:
            return None
        return self._submit(control, "continue", "following the way on from the confirmation page")


class NoticePage(BaseScreen):
    """A page with nothing to fill in and a way on that changes nothing."""

    priority: ClassVar[int] = 80  # after every known screen, before the login page
    label: ClassVar[str] = "a notice"
    needs: ClassVar[tuple[str, ...]] = ("continue",)

    @classmethod
    def signature(cls, page: Page) -> Locator:
        return locate(page, "continue")

    def kind(self) -> Notice:
        """The notice kind whose profile elements all show on this page; else an unknown
        interstitial."""
        for kind in _PAGE_KINDS:
            if all(visible(locate(self.page, key).first) for key in NOTICES[kind].recognised_by):
                return kind
        return Notice.INTERSTITIAL

    def go_on(self, where: str) -> BaseScreen:
        control = way_on(self.page)
        if control is None:
            raise unexpected(
                f"after {where} the portal showed a notice whose only buttons start a change "
                f"({tree.outline(tree.snapshot(self.page))}); nothing was pressed"
            )
        return self._submit(control, "continue", f"going past a notice after {where}")


def counted(page: Page, kind: Notice) -> tuple[dict[str, int], str] | None:
    """The fields and the text of a counted notice (``kind``: a row with ``fields``) on the
    page, if its text shows: the numbers its profile pattern matched, in the row's order."""
    key = NOTICES[kind].recognised_by[0]
    notice = locate(page, key).first
    if not visible(notice):
        return None
    text = " ".join(notice.inner_text(timeout=1_000).split())
    found = profile_of(page)[key].search(text)
    numbers = _NUMBER.findall(found.group(0)) if found else []
    fields = NOTICES[kind].fields
    return (
        (dict(zip(fields, map(int, numbers), strict=False)), text)
        if len(numbers) >= len(fields)
        else None
    )


def go_past_notices(screen: BaseScreen, result: JourneyResult, where: str) -> BaseScreen:
    """The first screen after ``screen`` that is not a notice, each notice reported once.

    A counted notice (a password's expiry) is reported wherever its text shows; a notice page
    that shows one is that notice, not an interstitial besides.
    """
    for _ in range(MAX_NOTICES):
        seen = False
        # A screen recognised with no banner showing has no counted notice to read.
        for kind in _COUNTED if screen.banner is not False else ():
            if (found := counted(screen.page, kind)) is not None:
                seen = True
                if not result.warned(kind):
                    warn(result, kind, found[1], **found[0])
        if not isinstance(screen, NoticePage):
            return screen
        if not seen:
            warn(result, screen.kind(), page_text(screen.page))
        screen = screen.go_on(where)
    raise unexpected(f"after {where} the portal showed more than {MAX_NOTICES} notices in a row")
