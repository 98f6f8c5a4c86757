"""Where a profile's elements are on a page: one locator per element key, by what a person sees.

Each element has a kind that says how a person finds it (docs/design.md, "Locators": role,
then label, then placeholder, then text): a field by its label or placeholder, a button by
its role and name, a control by button or link, an image by its name, a heading, a text.
The page objects, ``python -m monitors inspect`` and the per-screen capture all locate
elements here, so an element is found the same way everywhere. A profile may also name an
element by its markup (``attributes``, ``css``: for fields a portal leaves without a name);
those elements are found here too, beside the ones matched by name.

A journey binds its account's profile to its page (``bind``); page objects read it back with
``profile_of``. A page no journey bound (a test driving page objects directly) reads the
built-in profile.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from playwright.sync_api import Locator, Page

from pages.profile import Profile, default

# Page → the profile its journey uses. Weak keys: a closed page does not keep its entry.
_BOUND: WeakKeyDictionary[Page, Profile] = WeakKeyDictionary()

#: How a person finds each element (see ``locate``), and the role reported for it.
KINDS: dict[str, str] = {
    "user_name": "field",
    "password": "field",
    "login_button": "button",
    "qr": "image",
    "code": "field",
    "code_submit": "button",
    "device_name": "field",
    "device_placeholder": "placeholder",
    "save_button": "button",
    "success": "text",
    "continue": "control",
    "decline": "control",
    "home": "heading",
    "logout": "control",
    "logged_out": "text",
    "locked": "heading",
    "password_expiry": "text",
    "password_length": "text",
    "error": "text",
    "action_required": "text",
    "maintenance": "text",
    "remember_device": "text",
}
#: The accessibility roles a person would find each kind of element under.
ROLES: dict[str, tuple[str, ...]] = {
    "field": ("textbox", "searchbox", "combobox", "spinbutton"),
    "placeholder": ("textbox",),
    "button": ("button",),
    "control": ("button", "link"),
    "image": ("img",),
    "heading": ("heading",),
    "text": ("paragraph", "text", "status", "alert", "heading", "listitem"),
}


def bind(page: Page, profile: Profile) -> None:
    """From now on the page objects on ``page`` read ``profile``."""
    _BOUND[page] = profile


def profile_of(page: Page) -> Profile:
    """The profile bound to ``page``, or the built-in one."""
    return _BOUND.get(page) or default()


def locate(page: Page, key: str, profile: Profile | None = None) -> Locator:
    """All elements of ``page`` that match element ``key`` of the profile: by what a person
    sees, or by the markup (attributes, CSS) the profile names it by, or both."""
    profile = profile or profile_of(page)
    by_sight = _by_sight(page, key, profile) if profile.names[key] else None
    selectors = profile.selectors.get(key)
    if not selectors:
        return by_sight if by_sight is not None else page.locator(":not(*)")
    by_markup = page.locator(", ".join(selectors))
    return by_markup if by_sight is None else by_sight.or_(by_markup)


def _by_sight(page: Page, key: str, profile: Profile) -> Locator:
    """Element ``key`` by role and accessible name, label, placeholder or text."""
    pattern, kind = profile[key], KINDS[key]
    if kind == "field":
        found = page.get_by_label(pattern).or_(page.get_by_placeholder(pattern))
        if key == "device_name":  # its placeholder is the procedure's « Ex : Mon iPhone »
            found = found.or_(page.get_by_placeholder(profile["device_placeholder"]))
        return found
    if kind == "placeholder":
        return page.get_by_placeholder(pattern)
    if kind == "button":
        return page.get_by_role("button", name=pattern)
    if kind == "control":
        return page.get_by_role("button", name=pattern).or_(page.get_by_role("link", name=pattern))
    if kind == "image":  # an <img>, an inline <svg> or a <canvas> named after the QR
        return page.get_by_role("img", name=pattern).or_(page.get_by_label(pattern))
    if kind == "heading":
        return page.get_by_role("heading", name=pattern)
    return page.get_by_text(pattern)
