"""What the suite sees on one screen: the screen recognised, each profile element found or
missing, the accessibility tree, and a masked screenshot with the elements found boxed.

``python -m monitors inspect`` records the portal's first screen this way, and a journey run
with a capture folder records every screen it passes (``pages.capture``). Nothing here types
or clicks. Fields keep their roles and names, never their values (``pages.tree``); the
screenshot is masked before it is taken (``pages.masking``: the QR, every image, the password
and code fields, a key shown as text), and the boxes are drawn on the masked image.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages import inventory, tree
from pages.base import RENDER_MS, BaseScreen, recognise
from pages.elements import ROLES, locate, profile_of
from pages.inventory import Control
from pages.js_regex import literal
from pages.masking import masked_screenshot
from pages.profile import ELEMENTS, Profile, builtin, builtin_names
from pages.screens import CodePage, DevicePage, EnrollmentPage, LoginPage

BOX_COLOR = "#00A050"
_CANDIDATES_MAX = 5
# Kinds whose missing element can be suggested from the tree's names (a text can be anything).
_SUGGESTED_KINDS = ("field", "placeholder", "button", "image", "heading")


@dataclass(frozen=True)
class Finding:
    """One profile element on the screen: found or not, as what role and accessible name."""

    key: str
    found: bool
    role: str = ""
    name: str = ""
    box: tuple[float, float, float, float] | None = None  # x, y, width, height on the page

    @property
    def description(self) -> str:
        return ELEMENTS[self.key].words


@dataclass(frozen=True)
class ScreenRecord:
    """One screen as the suite saw it; nothing in it is a value typed or a secret."""

    path: str  # the URL's path (never its query)
    screen: str  # the screen recognised (« the login page »), or "" when none
    login: bool  # the login screen was recognised
    profile: str  # the profile's name and where it came from
    findings: tuple[Finding, ...]
    nodes: tuple[tree.Node, ...]
    candidates: dict[str, list[str]]  # missing key → names seen on the page, in profile syntax
    png: bytes  # masked screenshot with the elements found boxed
    controls: tuple[Control, ...] = ()  # every field, button, link and image, with attributes
    # missing key → (profile line naming it by markup, the control it names)
    markup: dict[str, tuple[str, str]] | None = None
    # built-in profiles whose software this page looks like: (product, profile name)
    looks_like: tuple[tuple[str, str], ...] = ()


def _find(page: Page, key: str, profile: Profile, scroll: tuple[float, float]) -> Finding:
    try:
        element = locate(page, key, profile).filter(visible=True).first
        if not element.count():
            return Finding(key, False)
        nodes = tree.parse(element.aria_snapshot(timeout=2_000))
        box = element.bounding_box(timeout=2_000)
    except PlaywrightError:
        return Finding(key, False)
    node = nodes[0] if nodes else tree.Node(0, "")
    where = None
    if box:  # the viewport's coordinates, moved to the full page's
        where = (box["x"] + scroll[0], box["y"] + scroll[1], box["width"], box["height"])
    return Finding(key, True, node.role, node.name or node.text, where)


def _candidates(
    findings: list[Finding], nodes: list[tree.Node], keys: tuple[str, ...]
) -> dict[str, list[str]]:
    """For each missing element of ``keys``, the names the page shows in the roles a person
    would find it by that no element found already owns: what to add to a profile."""
    owned = {f.name for f in findings if f.found}
    suggestions: dict[str, list[str]] = {}
    for finding in findings:
        kind = ELEMENTS[finding.key].kind
        if finding.found or finding.key not in keys or kind not in _SUGGESTED_KINDS:
            continue
        seen = [n for n in tree.names(nodes, ROLES[kind]) if n not in owned and "***" not in n]
        if seen:
            suggestions[finding.key] = [literal(name) for name in seen[:_CANDIDATES_MAX]]
    return suggestions


# The texts by which a control without a usable name tells what it is for.
def _clues(control: Control) -> list[str]:
    attrs = control.attributes
    return [t for t in (control.label, attrs.get("placeholder"), attrs.get("title"),
                        attrs.get("alt"), control.name) if t]  # fmt: skip


def _fits(control: Control, kind: str) -> bool:
    if kind in ("field", "placeholder"):
        return control.is_field and control.role not in ("checkbox", "radio")
    return control.role in ROLES.get(kind, ())


def _wanted(screen: BaseScreen | None, markup: dict[str, tuple[str, str]]) -> tuple[str, ...]:
    """The elements to suggest names for: the screen's own; on a screen not recognised, the
    login screen's, and those of every screen whose fields the markup candidates found (a
    set-up page whose code field has no name still needs its QR named)."""
    if screen is not None:
        return screen.needs
    wanted = list(LoginPage.needs)
    for other in (EnrollmentPage, DevicePage, CodePage):
        if set(other.needs) & set(markup):
            wanted += [key for key in other.needs if key not in wanted]
    return tuple(wanted)


def markup_candidates(
    findings: list[Finding], controls: list[Control], profile: Profile
) -> dict[str, tuple[str, str]]:
    """For each missing element, a control of its kind that the profile's names describe by
    its label near it, placeholder, title or alt but that no locator finds by name (a field
    whose label points elsewhere): the profile line naming it by attribute, and the control."""
    suggestions: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    for finding in findings:
        kind = ELEMENTS[finding.key].kind
        if finding.found or kind not in _SUGGESTED_KINDS:
            continue
        pattern = profile[finding.key]
        for control in controls:
            line = control.profile_line()
            if not line or line in taken or not _fits(control, kind):
                continue
            if any(pattern.search(clue) for clue in _clues(control)):
                suggestions[finding.key] = (line, control.describe())
                taken.add(line)
                break
    return suggestions


def looks_like(page: Page, current: Profile) -> list[tuple[str, str]]:
    """The built-in profiles written for the software this page belongs to (their
    ``[recognise]`` selector matches), those for the page's language first; none when the
    page's profile is already one of them."""
    try:
        lang = str(page.evaluate("() => document.documentElement.lang || ''")).lower()
        found = [
            (name, builtin(name))
            for name in builtin_names()
            if builtin(name).recognise and page.locator(builtin(name).recognise.css).count()
        ]
    except PlaywrightError:
        return []
    mine = current.recognise.product if current.recognise else None
    if any(profile.recognise.product == mine for _, profile in found):
        return []  # the page's profile is already written for it (or based on one that is)
    for_lang = [(n, p) for n, p in found if p.recognise.lang and lang.startswith(p.recognise.lang)]
    return [(p.recognise.product, n) for n, p in (for_lang or found)]


def annotate(png: bytes, findings: list[Finding]) -> bytes:
    """``png`` with a box around every element found, its keys written above its right end
    (one label for keys that found the same element)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    boxes: dict[tuple[float, float, float, float], list[str]] = {}
    for finding in findings:
        if finding.box is not None:
            boxes.setdefault(finding.box, []).append(finding.key)
    for (x, y, width, height), keys in boxes.items():
        draw.rectangle((x - 2, y - 2, x + width + 2, y + height + 2), outline=BOX_COLOR, width=3)
        label = ", ".join(keys)
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        at = (max(0, x + width - (right - left)), max(0, y - (bottom - top) - 6))
        backdrop = (at[0] - 3, at[1] - 2, at[0] + right + 3, at[1] + bottom + 2)
        draw.rectangle(backdrop, fill=BOX_COLOR)
        draw.text(at, label, fill="white", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def record(page: Page, wait_ms: float = RENDER_MS) -> ScreenRecord:
    """The screen on display, as the page's profile (``pages.elements``) sees it."""
    return record_screen(page, recognise(page, wait_ms))


def record_screen(page: Page, screen: BaseScreen | None) -> ScreenRecord:
    """The record of ``page``, whose screen was recognised as ``screen`` (None: unknown)."""
    profile = profile_of(page)
    scroll = tuple(page.evaluate("() => [window.scrollX, window.scrollY]"))
    findings = [_find(page, key, profile, scroll) for key in ELEMENTS]  # type: ignore[arg-type]
    nodes = tree.snapshot(page)
    controls = inventory.controls(page)
    markup = markup_candidates(findings, controls, profile)
    path = re.sub(r"[?#].*", "", page.url.split("://", 1)[-1].partition("/")[2])
    return ScreenRecord(
        path="/" + path,
        screen=screen.label if screen else "",
        login=isinstance(screen, LoginPage),
        profile=f"{profile.name} ({profile.source})",
        findings=tuple(findings),
        nodes=tuple(nodes),
        # The screen's own elements, or the login screen's when none was recognised.
        candidates=_candidates(findings, nodes, _wanted(screen, markup)),
        png=annotate(masked_screenshot(page), findings),
        controls=tuple(controls),
        markup=markup,
        looks_like=tuple(looks_like(page, profile)),
    )


def toml_names(names: list[str]) -> str:
    """``names`` as a TOML array of basic strings (JSON's escapes are TOML's)."""
    return "[" + ", ".join(json.dumps(name, ensure_ascii=False) for name in names) + "]"
