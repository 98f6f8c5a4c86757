"""Whether a CSS selector from a profile is one Playwright and the browser will accept.

A profile may name an element by a CSS selector (``css = "#totp"``) or by attributes, which
become attribute selectors (Selectors Level 4, §6 "Attribute selectors"). A selector the
browser refuses would fail the locator at run time, in the middle of a journey; so it is
parsed as the profile loads, by the selector parser Playwright itself runs before handing a
selector to the browser (its ``parseCSS``, in the Node.js driver Playwright ships: the same
engine ``pages.js_regex`` asks about regular expressions). When that parser cannot be reached
(a Playwright without its driver), a few strict rules still catch the usual mistakes.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pages import js_regex

# Playwright's driver bundle: its ``iso.parseCSS`` throws on a selector it cannot read.
_NODE_SCRIPT = (
    "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{let parse=null;"
    "try{parse=require(process.argv[1]).iso.parseCSS}catch(e){}"
    "console.log(JSON.stringify(parse===null?null:JSON.parse(s).map(p=>{"
    "try{parse(p,new Set());return null}catch(e){return String(e.message).split('\\n')[0]}"
    "})))})"
)
#: Attributes a profile may name an element by (HTML Living Standard attribute names).
ATTRIBUTES = ("id", "name", "autocomplete", "alt", "title", "placeholder")


def attribute_selector(attribute: str, value: str, exact: bool) -> str:
    """``[name="totp"]`` (the whole value), or ``[name*="totp" i]`` (contains it, any case)."""
    # A CSS string (CSS Syntax §4.3.5): backslash and quote escaped, a control character by
    # its code point.
    body = "".join(
        f"\\{ord(c):x} " if ord(c) < 0x20 or c == "\x7f" else "\\" + c if c in '"\\' else c
        for c in value
    )
    quoted = f'"{body}"'
    return f"[{attribute}={quoted}]" if exact else f"[{attribute}*={quoted} i]"


def _strict(selector: str) -> str | None:
    """Why ``selector`` cannot be CSS, by the rules that need no parser; None if none fires."""
    if ">>" in selector:
        return "'>>' chains Playwright selectors; write one CSS selector"
    pairs = {"[": "]", "(": ")"}
    stack: list[str] = []
    quote, escaped = "", False
    for char in selector:
        if escaped or char == "\\":  # CSS Syntax §4.3.7: a backslash escapes what follows
            escaped = not escaped
        elif quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in pairs:
            stack.append(pairs[char])
        elif char in pairs.values() and (not stack or stack.pop() != char):
            return f"unbalanced {char!r}"
    if quote or stack:
        return "an unclosed bracket or quote"
    return None


def _bundle() -> str | None:
    node = js_regex.node()
    if node is None:
        return None
    bundle = Path(node).parent / "package" / "lib" / "coreBundle.js"
    return str(bundle) if bundle.is_file() else None


@functools.lru_cache(maxsize=64)
def _parse_in_playwright(selectors: tuple[str, ...]) -> tuple[str | None, ...] | None:
    bundle = _bundle()
    if bundle is None:
        return None
    errors = js_regex.run_node(_NODE_SCRIPT, list(selectors), bundle)
    if not isinstance(errors, list) or len(errors) != len(selectors):
        return None
    return tuple(error if isinstance(error, str) else None for error in errors)


def selector_errors(selectors: list[str]) -> list[str | None]:
    """For each selector, why it is not a usable CSS selector (None: accepted)."""
    found: list[str | None] = [_strict(selector) for selector in selectors]
    engine = _parse_in_playwright(tuple(selectors)) or (None,) * len(selectors)
    return [rule or error for rule, error in zip(found, engine, strict=True)]
