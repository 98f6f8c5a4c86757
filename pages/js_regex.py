"""Whether a regular expression means the same to Python and to the browser.

Playwright hands a Python pattern to the page as a JavaScript ``RegExp`` (source and the ``i``
flag, ECMAScript without the ``u`` flag). Two kinds of pattern break there: those JavaScript
refuses (``(?P<name>…)``, inline flags ``(?i)``, possessive quantifiers…), which fail the
locator at run time, and those it reads differently without complaint (``\\A`` is the letter A
there), which silently never match. The first kind is caught by compiling every pattern with
the JavaScript engine Playwright ships (its Node.js, the V8 engine Chromium runs too); the
second by a small set of rules. When no Node.js can be started, the rules still run.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess

# Python-only syntax, and what to write instead (ECMAScript 2024, §22.2 "RegExp Objects").
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), advice)
    for pattern, advice in (
        (r"\(\?[aiLmsux-]+[:)]", "inline flags such as (?i) are Python only: names already "
         "ignore case"),
        (r"\(\?P[<=>]", "named groups are written (?<name>…) in both engines"),
        (r"\(\?#", "comments (?#…) are Python only"),
        (r"\(\?>", "atomic groups (?>…) are Python only"),
        (r"\(\?\(", "conditional groups (?(…)…) are Python only"),
        (r"(?<!\\)(?:[*+?]|\})\+", "possessive quantifiers (*+, ++, ?+) are Python only"),
        (r"(?<!\\)\\[AZz]", r"\A, \Z and \z are Python only: write ^ and $"),
        (r"(?<!\\)\{,\d", "{,n} is a quantifier in Python only: write {0,n}"),
        (r"(?<!\\)\\(?:U[0-9a-fA-F]{8}|N\{)", r"\U… and \N{…} are Python only: write the letter"),
        (r"(?<!\\)\[\^?\]", "a class that starts with ] is empty in the browser: write \\]"),
    )
)  # fmt: skip

_NODE_SCRIPT = (
    "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{"
    "console.log(JSON.stringify(JSON.parse(s).map(p=>{"
    "try{new RegExp(p,'i');return null}catch(e){return String(e.message)}})))})"
)
_NODE_TIMEOUT_S = 30
_SPECIAL = re.compile(r"[\\^$.|?*+()\[\]{}]")


def literal(text: str) -> str:
    """A pattern that matches ``text`` as written, in both engines (only the characters
    special to both are escaped: ``re.escape`` also escapes spaces and ``#``)."""
    return _SPECIAL.sub(r"\\\g<0>", text)


def python_only(source: str) -> str | None:
    """Why ``source`` would not mean the same in the browser, by the rules; None if it would."""
    for rule, advice in _RULES:
        if rule.search(source):
            return advice
    return None


def node() -> str | None:
    """Playwright's own Node.js (the one that drives the browser), else one on the PATH."""
    try:
        from playwright._impl._driver import compute_driver_executable

        return compute_driver_executable()[0]
    except Exception:  # a Playwright without its driver: fall back to the PATH
        return shutil.which("node")


def run_node(script: str, payload: object, *args: str) -> object:
    """What ``script`` prints (JSON) when given ``payload`` (JSON) on its standard input;
    None when no Node.js runs it. ``pages.css_selector`` asks the same engine about CSS."""
    executable = node()
    if executable is None:
        return None
    try:
        done = subprocess.run(
            [executable, "-e", script, *args],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=_NODE_TIMEOUT_S,
            check=True,
        )
        return json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


@functools.lru_cache(maxsize=64)
def _compile_in_javascript(sources: tuple[str, ...]) -> tuple[str | None, ...] | None:
    errors = run_node(_NODE_SCRIPT, list(sources))
    if not isinstance(errors, list) or len(errors) != len(sources):
        return None
    return tuple(error if isinstance(error, str) else None for error in errors)


def javascript_errors(sources: list[str]) -> list[str | None]:
    """For each source, why the browser's engine refuses it (None: accepted or unknown)."""
    errors = _compile_in_javascript(tuple(sources))
    return list(errors) if errors is not None else [None] * len(sources)
