"""What every screen's page object shares, and how the next screen is recognised.

Page objects wrap a Playwright ``Page``, build their locators once and expose intent verbs
that return the next page object (docs/design.md, "Code"). After a submit, which
screen comes next depends on the portal (first access or not, code accepted or not, lockout),
so verbs return ``identify(...)``: the first registered screen whose signature is visible.

A screen registers itself where it is defined (``BaseScreen.__init_subclass__``), so this
module imports none of them: ``pages.screens`` imports every page object, and the journeys
and the inspection import it. Whoever watches the screens go by (a journey's capture) is told
through the page's ``Navigation``, never imported here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import ClassVar, Self

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pages import inventory, tree
from pages.elements import locate, profile_of
from pages.failures import JourneyFailure, unexpected
from pages.navigation import Navigation
from pages.profile import ELEMENTS
from pages.result import Cause

DEFAULT_TIMEOUT_MS = 10_000.0
# How long a screen may take to render its elements once its document has loaded (pages
# built by scripts). Server-rendered pages are complete at DOMContentLoaded.
RENDER_MS = 2_000.0

_SCREENS: list[type[BaseScreen]] = []

#: Profile keys of texts a portal may show on any screen besides its own (a password's
#: expiry, the seed's confirmation on the home page), added where they are read
#: (``banner``). A screen guessed right is told in the same question whether any of them
#: shows (``BaseScreen.banner``): when none does, none is asked about one by one.
_BANNERS: list[str] = []


def banner(key: str) -> None:
    """Count the text of profile element ``key`` among those that may show on any screen."""
    if key not in _BANNERS:
        _BANNERS.append(key)


class BaseScreen:
    """One screen of the portal. Subclasses set ``priority`` and ``label`` and implement
    ``signature``; ``matches`` may be refined when one element is not enough."""

    #: Lower is checked first: the lockout page wins over the login form it may contain.
    priority: ClassVar[int] = 100
    #: How the screen is named in messages (« the login page »).
    label: ClassVar[str] = "a page"

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        _SCREENS.append(cls)
        _SCREENS.sort(key=lambda screen: screen.priority)

    #: The profile's elements (``pages.profile.ELEMENTS`` keys) a person needs on this screen.
    needs: ClassVar[tuple[str, ...]] = ()
    #: Those of them a match has just seen (``matches``): recognised, not looked for again.
    seen_by_match: ClassVar[tuple[str, ...]] = ()
    #: Screens before this one in priority that cannot match while it does (its ``shown``
    #: hides an element their match needs): a guess of this screen need not rule them out.
    excludes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, page: Page, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        self.page = page
        self.timeout_ms = timeout_ms
        self.nav = Navigation.of(page)
        self.profile = profile_of(page)
        self.alert = page.get_by_role("alert")
        # The elements found on this document so far (``_require``): not looked for again
        # until a submit leaves it.
        self._found: set[str] = set()
        # Whether a banner text shows (``banner``); None when recognition did not ask.
        self.banner: bool | None = None

    @classmethod
    def signature(cls, page: Page) -> Locator:
        """An element only this screen shows (used to wait for any screen at all)."""
        raise NotImplementedError

    @classmethod
    def missing(cls, page: Page) -> list[str]:
        """The keys of ``needs`` that no element on ``page`` matches now."""
        return [key for key in cls.needs if not visible(locate(page, key))]

    @classmethod
    def shown(cls, page: Page) -> Locator | None:
        """The page's root element while this screen shows (``showing``): whether it matches
        is then one question, which can be asked together with others (``_find``). None for
        a screen whose ``matches`` says more than a locator can."""
        return showing(page, cls.signature(page))

    @classmethod
    def matches(cls, page: Page) -> bool:
        shown = cls.shown(page)
        return shown is not None and _shows(shown)

    def expect_loaded(self) -> Self:
        expect(self.signature(self.page).first).to_be_visible(timeout=self.timeout_ms)
        return self

    def error_message(self) -> str:
        """The visible alert's text on one line, else the profile's error text (a portal that
        says its refusals in a live region beside the field), or "" (the portal's words)."""
        texts = [t for t in (_text(a) for a in self.alert.all()) if t]
        if not texts:
            texts = [t for t in (_text(e) for e in locate(self.page, "error").all()[:3]) if t]
        return tree.redact(" ".join(" ".join(texts).split()))[:300]

    def has_error(self) -> bool:
        return bool(self.error_message())

    def failure(self, where: str) -> JourneyFailure | None:
        """The cause this screen stands for wherever it shows instead of the screen a step
        expects (the lockout page: ``locked_out``), or None. A screen that ends journeys says
        so here, where it is defined, so no step keeps its own list of such screens."""
        return None

    def _require(self, locator: Locator, key: str) -> Locator:
        """Wait for element ``key`` a person needs here; missing means the markup changed or
        the portal profile does not know its name, and the message says which one."""
        if key not in self._found:
            try:
                expect(locator).to_be_visible(timeout=self.timeout_ms)
            except AssertionError:
                raise self._missing(key) from None
            self._found.add(key)
        return locator

    def _require_all(self, *elements: tuple[Locator, str]) -> None:
        """``_require`` for several elements in one wait; the first missing one is named."""
        elements = tuple((locator, key) for locator, key in elements if key not in self._found)
        if not elements:
            return
        try:
            expect(showing(self.page, *(locator for locator, _ in elements))).to_have_count(
                1, timeout=self.timeout_ms
            )
        except AssertionError:
            for locator, key in elements:
                if not visible(locator):
                    raise self._missing(key) from None
        self._found.update(key for _, key in elements)

    def _fill(self, locator: Locator, key: str, value: str) -> None:
        """Type ``value`` into element ``key`` once it shows (the fill waits for it); one that
        never shows fails as ``_require`` says."""
        try:
            locator.fill(value, timeout=self.timeout_ms)
        except PlaywrightTimeoutError:
            if visible(locator):
                raise  # it shows but takes no input: the step reports a slow portal
            raise self._missing(key) from None

    def _missing(self, key: str) -> JourneyFailure:
        return unexpected(
            f"no {ELEMENTS[key].words} on {self.label} (profile key {key}; "
            f"{self.profile.source} profile): {page_outline(self.page)}"
        )

    def _submit(self, locator: Locator, key: str, where: str, likely: Likely = ()) -> BaseScreen:
        """Click element ``key`` and return the page object of whatever screen comes next
        (``likely``: the screens expected, asked first)."""
        self._require(locator, key)
        self.nav.submit(locator.click, where, self.timeout_ms)
        self._found.clear()
        return identify(self.page, self.timeout_ms, after=where, likely=likely)

    def _submit_code(
        self, field: Locator, code: str, where: str, likely: Likely = ()
    ) -> BaseScreen:
        """Type a code and submit it alone: by its button when one is named, else by Enter."""
        self._fill(field, "code", code)
        button = locate(self.page, "code_submit").first
        if visible(button):
            self.nav.submit(button.click, where, self.timeout_ms)
        else:
            self.nav.submit(lambda: field.press("Enter"), where, self.timeout_ms)
        self._found.clear()
        return identify(self.page, self.timeout_ms, after=where, likely=likely)


def page_outline(page: Page) -> str:
    """What a page shows, for a message: headings, buttons and named fields, then the fields
    without a name by their attributes (a profile can name those only that way)."""
    unnamed = inventory.unnamed_fields(page)
    outline = tree.outline(tree.snapshot(page), 320 - len(unnamed))
    return outline + (f"; {unnamed}" if unnamed else "")


def code_field(page: Page) -> Locator:
    """The one-time code field, on the enrollment page and on the later-login code page."""
    return locate(page, "code").first


def device_field(page: Page) -> Locator:
    """The device name field (step 7), by label or by its « Ex : Mon iPhone » placeholder."""
    return locate(page, "device_name").first


def visible(locator: Locator) -> bool:
    """Whether the locator's first element shows now (no wait; a detached page is not)."""
    try:
        return locator.first.is_visible()
    except PlaywrightError:
        return False


def showing(page: Page, *shown: Locator, hidden: tuple[Locator, ...] = ()) -> Locator:
    """The page's root element while the first element of each of ``shown`` is visible and
    that of each of ``hidden`` is not: what several ``visible`` calls say, in one question."""
    root = page.locator(":root")
    for locator in shown:
        root = root.filter(has=locator.first.filter(visible=True))
    for locator in hidden:
        root = root.filter(has_not=locator.first.filter(visible=True))
    return root


def _shows(locator: Locator) -> bool:
    """Whether the locator matches anything now (no wait; a detached page does not)."""
    try:
        return locator.count() > 0
    except PlaywrightError:
        return False


def _union(locators: Iterable[Locator]) -> Locator:
    first, *others = locators
    for locator in others:
        first = first.or_(locator)
    return first


def _text(locator: Locator) -> str:
    try:
        return locator.inner_text(timeout=1_000).strip() if locator.is_visible() else ""
    except PlaywrightError:
        return ""


#: The screens a verb expects next, by class name (``identify(..., likely=...)``): names, so
#: that a page object need not import the screens it leads to (they import it back).
Likely = tuple[str, ...]


def _find(page: Page, likely: Likely = ()) -> BaseScreen | None:
    """The first screen, in priority order, that matches the page.

    Asking each screen is one round trip to the browser per screen (twelve for the login
    page). A ``likely`` screen is asked in one question whether it matches, with every
    element it ``needs``, while no element of the signature of any screen before it shows
    (but of those it ``excludes``): the same answer, as a screen matches only when its
    signature shows. Its needs are then known to show without another question, and so is
    whether a banner shows (``_asked``). The likely screens are asked in the caller's order;
    the full scan runs only when none of them is the answer (a screen missing one of its
    needs is recognised there, and the missing element named as it is looked for).
    """
    named = {screen.__name__: screen for screen in _SCREENS}
    for name in likely:
        screen = named[name]
        if (shown := screen.shown(page)) is None:
            continue
        if needed := [locate(page, key) for key in screen.needs if key not in screen.seen_by_match]:
            shown = shown.and_(showing(page, *needed))
        before = [
            s for s in _SCREENS[: _SCREENS.index(screen)] if s.__name__ not in screen.excludes
        ]
        if before:
            signatures = _union(other.signature(page) for other in before)
            shown = shown.filter(has_not=signatures.filter(visible=True))
        matched, banner_shown = _asked(page, shown)
        if matched:
            found = _recognised(screen, page, screen.needs)
            found.banner = banner_shown
            return found
    for screen in _SCREENS:
        if screen.matches(page):
            return _recognised(screen, page, screen.seen_by_match)
    return None


def _asked(page: Page, shown: Locator) -> tuple[bool, bool | None]:
    """Whether ``shown`` (the page's root element while a screen shows) matches, and whether
    a banner text shows (None: no banner is known). Asked first with no banner showing, the
    usual case; only when that fails, without that condition: a match then shows a banner."""
    if not _BANNERS:
        return _shows(shown), None
    banners = _union(locate(page, key).first.filter(visible=True) for key in _BANNERS)
    if _shows(shown.filter(has_not=banners)):
        return True, False
    return _shows(shown), True


def _recognised(screen: type[BaseScreen], page: Page, seen: Iterable[str]) -> BaseScreen:
    found = screen(page)
    found._found.update(seen)
    return found


def recognise(page: Page, wait_ms: float = RENDER_MS, likely: Likely = ()) -> BaseScreen | None:
    """The page object of the screen on display, or None when no screen matches.

    Server-rendered pages are complete at DOMContentLoaded: look once, cheaply (sooner when
    the caller names the ``likely`` next screens). Only when nothing matches (and no HTTP
    error explains it) wait up to ``wait_ms`` for a script to render one.
    """
    found = _find(page, likely)
    if found is None and not Navigation.of(page).http_error:
        anything = _union(screen.signature(page) for screen in _SCREENS)
        with contextlib.suppress(AssertionError):
            expect(anything.first).to_be_visible(timeout=wait_ms)
        found = _find(page)
    return found


def identify(
    page: Page,
    timeout_ms: float = DEFAULT_TIMEOUT_MS,
    *,
    after: str = "",
    expected: type[BaseScreen] | None = None,
    likely: Likely = (),
) -> BaseScreen:
    """The page object of the screen on display, waiting a little for script-built pages.

    An HTTP error page is recognised at once (no screen to wait for); a page that loads but
    matches no screen is an ``unexpected_page``: the portal changed or showed something new,
    and the message lists what it shows (headings, buttons, field labels; never a value) and,
    when a screen was ``expected``, which of its elements the profile found no name for.
    ``likely``: the screens the caller expects next (the ``expected`` one by default), asked
    first; any other screen is still recognised.
    """
    nav = Navigation.of(page)
    where = after or "the portal"
    likely = likely or ((expected.__name__,) if expected is not None else ())
    found = recognise(page, min(timeout_ms, RENDER_MS), likely)
    nav.saw(found)
    if found is not None:
        found.timeout_ms = timeout_ms
        return found
    if nav.http_error:
        raise nav.http_failure(where)
    missing = ""
    if expected is not None and (keys := expected.missing(page)):
        profile = profile_of(page)
        missing = (
            f"; not {expected.label}: the {profile.source} profile finds no "
            f"{', '.join(keys)} (add their names to a portal profile)"
        )
    raise JourneyFailure(
        Cause.UNEXPECTED_PAGE,
        f"after {where}: the portal showed a page the journey does not know{missing} "
        f"({page_outline(page)})",
    )
