"""Portal profiles: what a person reads on a portal, as data (docs/portal.md, "Profiles").

A profile is a TOML file that names each element the page objects look for (fields, buttons,
texts) with case-insensitive regular expressions, plus the support numbers the portal shows:

    name = "eEspresso — CIUSSS de l'Estrie – CHUS"
    [elements.user_name]
    names = ["identifiant"]      # added to the built-in profile's names
    # replace = true             # use only these

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

from pages import js_regex

#: The elements a profile names, and what each one is, in words for messages.
ELEMENTS: dict[str, str] = {
    "user_name": "user name (CIP) field",
    "password": "password field",
    "login_button": "login button (« CONNEXION »)",
    "qr": "QR code image",
    "code": "one-time code field",
    "code_submit": "button that submits a code alone",
    "device_name": "device name field",
    "device_placeholder": "device name field's placeholder",
    "save_button": "save button (« Enregistrer »)",
    "success": "success text (« Vous avez maintenant accès à votre eEspresso »)",
    "continue": "way on that changes nothing (« Continuer », « Plus tard »)",
    "decline": "button never pressed (« Changer mon mot de passe »)",
    "home": "home page heading (eEspresso)",
    "logout": "logout button or link",
    "logged_out": "logged-out text (« Vous êtes déconnecté »)",
    "locked": "lockout text",
    "password_expiry": "password-expiry text (« expirera dans N jours »)",
    "password_length": "password length rule (« 14 à 20 caractères »)",
}
_ROOT_KEYS = {"name", "elements", "support_numbers"}
_ELEMENT_KEYS = {"names", "replace"}
BUILTIN = "eespresso.toml"


class ProfileError(ValueError):
    """A profile that cannot be used: one line naming the file and the key."""


@dataclass(frozen=True)
class Profile:
    """A portal's wording: one compiled pattern per element, and its support numbers."""

    name: str
    source: str  # the file it came from ("built-in" for the default)
    names: Mapping[str, tuple[str, ...]] = field(repr=False, compare=False)
    support_numbers: tuple[str, ...] = field(default=(), repr=False)
    _patterns: Mapping[str, re.Pattern[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        compiled = {
            key: re.compile("|".join(f"(?:{name})" for name in names), re.IGNORECASE)
            for key, names in self.names.items()
        }
        object.__setattr__(self, "_patterns", MappingProxyType(compiled))
        object.__setattr__(self, "names", MappingProxyType(dict(self.names)))

    def __getitem__(self, key: str) -> re.Pattern[str]:
        """The pattern of element ``key`` (one of ``ELEMENTS``)."""
        return self._patterns[key]


class _Checker:
    """Reads one profile's TOML, with errors that carry the file and the key path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, key: str, message: str) -> ProfileError:
        return ProfileError(f"{self.source}: {key}: {message}")

    def reject_unknown(self, table: dict, allowed: set[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.error(f"{prefix}{key}", f"unknown key; expected one of {known}")

    def names(self, key: str, value: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.error(key, 'expected a non-empty list of names, e.g. names = ["CIP"]')
        for index, name in enumerate(value):
            where = f"{key}[{index}]"
            if not isinstance(name, str) or not name.strip():
                raise self.error(where, f"expected a non-empty string, got {name!r}")
            try:
                compiled = re.compile(name, re.IGNORECASE)
            except re.error as error:
                raise self.error(where, f"{name!r} is not a regular expression: {error}") from None
            if compiled.search(""):
                raise self.error(where, f"{name!r} matches the empty text, so every element")
            if advice := js_regex.python_only(name):
                raise self.error(where, f"{name!r} does not work in the browser: {advice}")
        return tuple(value)

    def browser_check(self, names: dict[str, tuple[str, ...]]) -> None:
        """Compile every name with the browser's engine at once (one Node.js run)."""
        flat = [(key, index, name) for key, all_names in names.items()
                for index, name in enumerate(all_names)]  # fmt: skip
        errors = js_regex.javascript_errors([name for _, _, name in flat])
        for (key, index, name), error in zip(flat, errors, strict=True):
            if error:
                where = f"elements.{key}.names[{index}]"
                raise self.error(where, f"{name!r} is refused by the browser's engine: {error}")


def parse(text: str, source: str, base: Profile | None) -> Profile:
    """A profile from TOML ``text``; its names are added to ``base``'s (None: the built-in
    profile itself, which must name every element)."""
    check = _Checker(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # the message carries line and column
        raise ProfileError(f"{source}: not valid TOML: {error}") from None
    check.reject_unknown(data, _ROOT_KEYS, "")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise check.error("name", 'missing or empty; write e.g. name = "eEspresso — staging"')
    elements = data.get("elements", {})
    if not isinstance(elements, dict):
        raise check.error("elements", "expected tables like [elements.user_name]")
    check.reject_unknown(elements, set(ELEMENTS), "elements.")
    own: dict[str, tuple[str, ...]] = {}
    replaced: set[str] = set()
    for key, table in elements.items():
        if not isinstance(table, dict):
            raise check.error(f"elements.{key}", 'expected a table with names = ["…"]')
        check.reject_unknown(table, _ELEMENT_KEYS, f"elements.{key}.")
        own[key] = check.names(f"elements.{key}.names", table.get("names"))
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
    check.browser_check(own)
    merged = dict(base.names) if base else {}
    for key, names in own.items():
        merged[key] = names if key in replaced else (*merged.get(key, ()), *names)
    return Profile(name=name, source=source, names=merged, support_numbers=tuple(numbers))


def check_names(source: str, key: str, names: object) -> tuple[str, ...]:
    """Names given elsewhere than in a profile (a monitor's pages to visit), checked as a
    profile's are, with the browser's engine too; ``ProfileError`` names ``source`` and
    ``key``."""
    check = _Checker(source)
    checked = check.names(key, names)
    errors = js_regex.javascript_errors(list(checked))
    for index, (name, error) in enumerate(zip(checked, errors, strict=True)):
        if error:
            raise check.error(f"{key}[{index}]", f"{name!r} is refused by the browser: {error}")
    return checked


@functools.cache
def default() -> Profile:
    """The built-in profile: the procedure's wording (``profiles/eespresso.toml``)."""
    text = resources.files("profiles").joinpath(BUILTIN).read_text(encoding="utf-8")
    return parse(text, "built-in", None)


def load(path: str | Path) -> Profile:
    """A profile file, over the built-in profile; ``ProfileError`` (one line) if unusable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{path}: no such profile file") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise ProfileError(f"{path}: cannot read the profile: {reason}") from None
    return parse(text, str(path), default())


def shipped(name: str) -> Path:
    """The path of a profile shipped with the suite (``profiles/<name>``), for examples."""
    return Path(str(resources.files("profiles").joinpath(name)))
