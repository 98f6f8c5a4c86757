"""Portal profiles: what a person reads on a portal, as data (docs/portal.md, "Profiles").

A profile is a TOML file that names each element the page objects look for (fields, buttons,
texts) with case-insensitive regular expressions, plus the support numbers the portal shows:

    name = "eEspresso — CIUSSS de l'Estrie – CHUS"
    [elements.user_name]
    names = ["identifiant"]      # added to the built-in profile's names
    # replace = true             # use only these
    [elements.code]
    attributes = { id = "totp" } # or by markup, when the field has no usable name
    # css = "#totp"              # or a CSS selector; exact = false: the value contains it

Names are matched against what a person sees (role and accessible name, label, placeholder,
text); ``attributes`` (``ATTRIBUTES``) and ``css`` are the fallback a user chooses for a portal
whose markup gives an element no usable name (PORTAL.md: Keycloak's OTP set-up fields).

The built-in profile (``profiles/eespresso.toml``, package data) is the procedure's wording;
a profile file adds names to it, or replaces an element's names. A profile is checked when it
loads: unknown keys, a name that is not a regular expression for Python or for the browser
(``pages.js_regex``), or that matches the empty text (it would match every element) stop it
with one line that names the file and the key. No module here imports Playwright, so the
monitors' configuration can load profiles cheaply.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from pages import js_regex
from pages.profile_check import Checker, ProfileError, Recognise

__all__ = [
    "ELEMENTS",
    "Element",
    "Profile",
    "ProfileError",
    "Recognise",
    "builtin",
    "check_names",
    "default",
    "load",
]


class Element(NamedTuple):
    """One element a profile names: how a person finds it (``kind``, see
    ``pages.elements.ROLES``) and what it is, in words for messages."""

    kind: str
    words: str


#: The elements a profile names: the one list of profile keys.
ELEMENTS: dict[str, Element] = {
    "user_name": Element("field", "user name (CIP) field"),
    "password": Element("field", "password field"),
    "login_button": Element("button", "login button (« CONNEXION »)"),
    "qr": Element("image", "QR code image"),
    "code": Element("field", "one-time code field"),
    "code_submit": Element("button", "button that submits a code alone"),
    "device_name": Element("field", "device name field"),
    "device_placeholder": Element("placeholder", "device name field's placeholder"),
    "save_button": Element("button", "save button (« Enregistrer »)"),
    "success": Element("text", "success text (« Vous avez maintenant accès à votre eEspresso »)"),
    "continue": Element("control", "way on that changes nothing (« Continuer », « Plus tard »)"),
    "decline": Element("control", "button never pressed (« Changer mon mot de passe »)"),
    "home": Element("heading", "home page heading (eEspresso)"),
    "logout": Element("control", "logout button or link"),
    "logged_out": Element("text", "logged-out text (« Vous êtes déconnecté »)"),
    "locked": Element("heading", "lockout text"),
    "password_expiry": Element("text", "password-expiry text (« expirera dans N jours »)"),
    "password_length": Element("text", "password length rule (« 14 à 20 caractères »)"),
    "error": Element("text", "error text beside a field or form (« invalide »)"),
    "action_required": Element(
        "text", "form the suite must not fill (new password, terms to accept)"
    ),
    "maintenance": Element("text", "maintenance announcement (« Une maintenance est prévue »)"),
    "remember_device": Element(
        "text", "question to remember this computer (« Se souvenir de cet ordinateur ? »)"
    ),
}
_ROOT_KEYS = {"name", "elements", "support_numbers", "recognise", "base"}
_ELEMENT_KEYS = {"names", "replace", "css", "attributes", "exact"}
BUILTIN = "eespresso.toml"
# A pattern no text matches, for an element a profile names by markup only.
_NOTHING = "(?!)"


@dataclass(frozen=True)
class Profile:
    """A portal's wording: one compiled pattern per element, and its support numbers."""

    name: str
    source: str  # the file it came from ("built-in" for the default)
    names: Mapping[str, tuple[str, ...]] = field(repr=False, compare=False)
    support_numbers: tuple[str, ...] = field(default=(), repr=False)
    # CSS selectors per element, from ``css`` and ``attributes``: the fallback by markup.
    selectors: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    recognise: Recognise | None = field(default=None, repr=False)
    _patterns: Mapping[str, re.Pattern[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        compiled = {
            key: re.compile("|".join(f"(?:{name})" for name in names) or _NOTHING, re.IGNORECASE)
            for key, names in self.names.items()
        }
        object.__setattr__(self, "_patterns", MappingProxyType(compiled))
        object.__setattr__(self, "names", MappingProxyType(dict(self.names)))
        object.__setattr__(self, "selectors", MappingProxyType(dict(self.selectors)))

    def __getitem__(self, key: str) -> re.Pattern[str]:
        """The pattern of element ``key`` (one of ``ELEMENTS``)."""
        return self._patterns[key]


def parse(text: str, source: str, base: Profile | None, *, engine: bool = True) -> Profile:
    """A profile from TOML ``text``; its names are added to ``base``'s (None: the built-in
    profile itself, which must name every element). ``engine=False`` skips asking the
    browser's own engines (a Node.js process each) about names and selectors: for the
    profiles shipped with the suite, which its tests load through that check."""
    check = Checker(source, engine=engine)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # the message carries line and column
        raise ProfileError(f"{source}: not valid TOML: {error}") from None
    check.reject_unknown(data, _ROOT_KEYS, "")
    if "base" in data:  # « base = "keycloak" »: add to a shipped profile, not the default
        if base is None or not isinstance(data["base"], str):
            raise check.error("base", 'expected the name of a built-in profile, e.g. "keycloak"')
        try:
            base = builtin(data["base"])
        except ProfileError as error:
            raise check.error("base", str(error)) from None
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise check.error("name", 'missing or empty; write e.g. name = "eEspresso — staging"')
    elements = data.get("elements", {})
    if not isinstance(elements, dict):
        raise check.error("elements", "expected tables like [elements.user_name]")
    check.reject_unknown(elements, set(ELEMENTS), "elements.")
    own: dict[str, tuple[str, ...]] = {}
    markup: dict[str, tuple[str, ...]] = {}
    replaced: set[str] = set()
    for key, table in elements.items():
        if not isinstance(table, dict):
            raise check.error(f"elements.{key}", 'expected a table with names = ["…"]')
        check.reject_unknown(table, _ELEMENT_KEYS, f"elements.{key}.")
        markup[key] = check.markup(key, table)
        if "names" in table or not markup[key]:
            own[key] = check.names(f"elements.{key}.names", table.get("names"))
        else:
            own[key] = ()
        replace = table.get("replace", False)
        if not isinstance(replace, bool):
            raise check.error(f"elements.{key}.replace", f"expected true or false, got {replace!r}")
        if replace:
            replaced.add(key)
    if base is None and (missing := sorted(set(ELEMENTS) - set(own))):
        raise check.error("elements", f"the built-in profile must name {', '.join(missing)}")
    numbers = data.get("support_numbers", list(base.support_numbers) if base else [])
    if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
        raise check.error("support_numbers", 'expected a list of strings like ["13232"]')
    recognise = check.recognise(data.get("recognise")) or (base.recognise if base else None)
    check.browser_check(own)
    check.css_check(markup, {key: table.get("css") for key, table in elements.items()})
    merged = dict(base.names) if base else {}
    selectors = dict(base.selectors) if base else {}
    for key, names in own.items():
        merged[key] = names if key in replaced else (*merged.get(key, ()), *names)
        kept = () if key in replaced else selectors.get(key, ())
        selectors[key] = (*kept, *markup[key])
    return Profile(
        name=name,
        source=source,
        names=merged,
        support_numbers=tuple(numbers),
        selectors={key: found for key, found in selectors.items() if found},
        recognise=recognise,
    )


def check_names(source: str, key: str, names: object) -> tuple[str, ...]:
    """Names given elsewhere than in a profile (a monitor's pages to visit), checked as a
    profile's are, with the browser's engine too; ``ProfileError`` names ``source`` and
    ``key``."""
    check = Checker(source)
    checked = check.names(key, names)
    errors = js_regex.javascript_errors(list(checked))
    for index, (name, error) in enumerate(zip(checked, errors, strict=True)):
        if error:
            raise check.error(f"{key}[{index}]", f"{name!r} is refused by the browser: {error}")
    return checked


@functools.cache
def default() -> Profile:
    """The built-in profile: the procedure's wording (``profiles/eespresso.toml``). Read
    without the engines' check, which every run would pay (two Node.js starts) for a file
    that ships with the suite; ``load(shipped(...))`` checks it fully."""
    text = resources.files("profiles").joinpath(BUILTIN).read_text(encoding="utf-8")
    return parse(text, "built-in", None, engine=False)


def builtin_names() -> tuple[str, ...]:
    """The profiles shipped with the suite, by the name ``--profile`` accepts (``keycloak``)."""
    folder = resources.files("profiles")
    return tuple(sorted(p.name[: -len(".toml")] for p in folder.iterdir()
                        if p.name.endswith(".toml")))  # fmt: skip


@functools.cache
def builtin(name: str) -> Profile:
    """A shipped profile by name (``keycloak``), over the built-in one; the default itself
    for ``eespresso``."""
    if name == BUILTIN.removesuffix(".toml"):
        return default()
    if name not in builtin_names():
        known = ", ".join(builtin_names())
        raise ProfileError(f"{name}: no such built-in profile; known: {known}")
    text = resources.files("profiles").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return parse(text, f"built-in {name}", default(), engine=False)  # shipped: see default()


def load(path: str | Path) -> Profile:
    """A profile file, over the built-in profile, or a shipped profile by its bare name
    (``keycloak``) when no such file exists; ``ProfileError`` (one line) if unusable."""
    path = Path(path)
    if path.suffix == "" and path.name in builtin_names() and not path.exists():
        return builtin(path.name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = ", ".join(builtin_names())
        raise ProfileError(f"{path}: no such profile file (built-in profiles: {known})") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise ProfileError(f"{path}: cannot read the profile: {reason}") from None
    return parse(text, str(path), default())


def shipped(name: str) -> Path:
    """The path of a profile shipped with the suite (``profiles/<name>``), for examples."""
    return Path(str(resources.files("profiles").joinpath(name)))
