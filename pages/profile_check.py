"""The checks a portal profile passes as it loads (``pages.profile``): every mistake is one
line naming the file and the key.

Names are regular expressions that must mean the same to Python and to the browser
(``pages.js_regex``: compiled with the JavaScript engine Playwright ships); ``css`` selectors
and the attribute selectors made of ``attributes`` must parse as Playwright parses them
(``pages.css_selector``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pages import css_selector, js_regex
from pages.css_selector import ATTRIBUTES, attribute_selector

RECOGNISE_KEYS = {"product", "css", "lang"}


class ProfileError(ValueError):
    """A profile that cannot be used: one line naming the file and the key."""


@dataclass(frozen=True)
class Recognise:
    """How ``inspect`` tells a page of the software a profile is written for (``[recognise]``):
    a CSS selector only its pages match, and the page language its names are in."""

    product: str  # « Keycloak »: what the page looks like, in the inspection's words
    css: str
    lang: str = ""  # the <html lang> prefix the names are written for; "" for any


class Checker:
    """Reads one profile's TOML, with errors that carry the file and the key path.

    ``engine``: also ask the browser's engines (one Node.js run each) about the names and
    selectors; off for the profiles shipped with the suite (``pages.profile.default``)."""

    def __init__(self, source: str, *, engine: bool = True) -> None:
        self.source, self.engine = source, engine

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

    def markup(self, key: str, table: dict) -> tuple[str, ...]:
        """The CSS selectors of element table ``key``: its ``css`` and its ``attributes``."""
        where = f"elements.{key}"
        selectors: list[str] = []
        css = table.get("css", [])
        if not isinstance(css, str | list) or ("css" in table and css == []):
            raise self.error(
                f"{where}.css", f'expected a CSS selector such as "#totp", got {css!r}'
            )
        for index, selector in enumerate([css] if isinstance(css, str) else css):
            at = f"{where}.css" + ("" if isinstance(css, str) else f"[{index}]")
            if not isinstance(selector, str) or not selector.strip():
                raise self.error(at, f'expected a CSS selector such as "#totp", got {selector!r}')
            selectors.append(selector.strip())
        exact = table.get("exact", True)
        if not isinstance(exact, bool):
            raise self.error(f"{where}.exact", f"expected true or false, got {exact!r}")
        if "exact" in table and "attributes" not in table:
            raise self.error(f"{where}.exact", "only applies to attributes = { … }")
        attributes = table.get("attributes", {})
        if not isinstance(attributes, dict) or ("attributes" in table and not attributes):
            raise self.error(f"{where}.attributes", 'expected a table like { name = "totp" }')
        parts = []
        for attribute, value in attributes.items():
            at = f"{where}.attributes.{attribute}"
            if attribute not in ATTRIBUTES:
                raise self.error(at, f"unknown attribute; expected one of {', '.join(ATTRIBUTES)}")
            if not isinstance(value, str) or not value.strip():
                raise self.error(at, f"expected a non-empty string, got {value!r}")
            parts.append(attribute_selector(attribute, value, exact))
        if parts:  # every attribute named must match (one element has them all)
            selectors.append("".join(parts))
        return tuple(selectors)

    def css_check(self, selectors: dict[str, tuple[str, ...]], written: dict[str, object]) -> None:
        """Parse every selector as Playwright will (one Node.js run for the whole profile,
        none for a profile without selectors)."""
        flat = [(key, index, s) for key, all_css in selectors.items()
                for index, s in enumerate(all_css)]  # fmt: skip
        if not flat or not self.engine:
            return
        errors = css_selector.selector_errors([s for _, _, s in flat])
        for (key, index, selector), error in zip(flat, errors, strict=True):
            if error:
                css = written.get(key)
                where = f"elements.{key}." + (
                    "attributes" if index >= _count(css) else
                    "css" + (f"[{index}]" if isinstance(css, list) else "")
                )  # fmt: skip
                raise self.error(where, f"{selector!r} is not a valid CSS selector: {error}")

    def recognise(self, table: object) -> Recognise | None:
        """The ``[recognise]`` table: product, CSS selector, optional language."""
        if table is None:
            return None
        if not isinstance(table, dict):
            raise self.error("recognise", 'expected a table with product = "…" and css = "…"')
        self.reject_unknown(table, RECOGNISE_KEYS, "recognise.")
        values = {}
        for key in ("product", "css", "lang"):
            value = table.get(key, "")
            if not isinstance(value, str) or (key != "lang" and not value.strip()):
                raise self.error(f"recognise.{key}", f"expected a non-empty string, got {value!r}")
            values[key] = value.strip()
        if self.engine and (error := css_selector.selector_errors([values["css"]])[0]):
            raise self.error(
                "recognise.css", f"{values['css']!r} is not a valid CSS selector: {error}"
            )
        return Recognise(**values)

    def browser_check(self, names: dict[str, tuple[str, ...]]) -> None:
        """Compile every name with the browser's engine at once (one Node.js run, none
        without names)."""
        flat = [(key, index, name) for key, all_names in names.items()
                for index, name in enumerate(all_names)]  # fmt: skip
        if not flat or not self.engine:
            return
        errors = js_regex.javascript_errors([name for _, _, name in flat])
        for (key, index, name), error in zip(flat, errors, strict=True):
            if error:
                where = f"elements.{key}.names[{index}]"
                raise self.error(where, f"{name!r} is refused by the browser's engine: {error}")


def _count(css: object) -> int:
    """How many selectors a ``css`` value holds (a string or a list of them)."""
    return 1 if isinstance(css, str) else len(css) if isinstance(css, list) else 0
