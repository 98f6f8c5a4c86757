"""What a page shows, as roles and accessible names: never the values typed in its fields.

Playwright's ARIA snapshot (``locator.aria_snapshot()``) is the page's accessibility tree as
YAML lines such as ``- textbox "Mot de passe": typed value``. It prints what fields hold, so it
is parsed here and every value dropped before anything is kept: a field is its role and name,
never its content (docs/design.md, "Secrets"). Visible text (paragraphs, headings) is kept
with anything that looks like a secret painted over: a Base32 key shown for people who cannot
scan, an ``otpauth://`` URI, a run of 6 to 8 digits that could be a one-time code.

The tree serves three readers: the message of an ``unexpected_page`` (headings, buttons and
field labels), ``python -m monitors inspect`` and the per-screen capture of a journey.
Names and texts are kept as the page gives them, since controls are located by their names;
they are made safe where they are printed or written (``wording.portal_text``): a page can
name a button with terminal escape sequences or HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from wording.portal_text import for_terminal

#: Roles whose snapshot text after the colon is what a person typed or chose: never kept.
VALUE_ROLES = frozenset(
    {"textbox", "searchbox", "combobox", "spinbutton", "slider", "listbox", "textarea"}
)
#: Roles a person fills in or picks (their names are field labels).
FIELD_ROLES = frozenset({"textbox", "searchbox", "combobox", "spinbutton", "checkbox", "radio"})
#: Roles a person clicks to go on.
CONTROL_ROLES = frozenset({"button", "link"})

#: A TOTP secret shown as text for people who cannot scan (Base32, RFC 4648: 16 characters or
#: more, maybe in groups of four).
SECRET_TEXT = re.compile(r"\b[A-Z2-7]{4}(?:[ -]?[A-Z2-7]{4}){3,}\b")
# That, an otpauth URI, or a lone run of 6-8 digits (RFC 6238 codes are 6 to 8 digits).
_SECRET_LIKE = re.compile(r"otpauth://\S+|" + SECRET_TEXT.pattern + r"|(?<![\d-])\d{6,8}(?![\d-])")
_LINE = re.compile(r"^(?P<indent>\s*)- (?P<role>[a-zA-Z/][\w/-]*)(?P<rest>.*)$")
# A line whose key holds ": " or a quote is written as a single-quoted YAML scalar (YAML 1.2,
# section 7.3.2: a quote inside is doubled): ``- 'img "Figure: Barcode"'``.
_QUOTED_KEY = re.compile(r"^(?P<indent>\s*)- '(?P<key>(?:[^']|'')*)'(?P<after>.*)$")
_MAX_NAME = 80


def redact(text: str) -> str:
    """``text`` with anything secret-looking replaced by « *** »."""
    return _SECRET_LIKE.sub("***", text)


@dataclass(frozen=True)
class Node:
    """One line of the tree: depth, role, accessible name and (for text only) its text."""

    depth: int
    role: str
    name: str = ""
    text: str = ""

    def describe(self) -> str:
        """The node as one line: ``role "name"``, then its text when it has some; safe to
        print (``wording.portal_text``: the page chose the name and the text)."""
        label = self.role + (f" {json.dumps(self.name, ensure_ascii=False)}" if self.name else "")
        return for_terminal(label + (f": {self.text}" if self.text else ""))


def _name_and_tail(rest: str) -> tuple[str, str]:
    """Split ``"name" [attrs]: text`` into the name and what follows the name."""
    rest = rest.lstrip()
    if not rest.startswith('"'):
        return "", rest
    try:
        name, end = json.JSONDecoder().raw_decode(rest)
    except ValueError:
        return "", rest
    return (name if isinstance(name, str) else ""), rest[end:]


def _unquote_key(line: str) -> str:
    """``line`` with a single-quoted key written plainly, so it reads like any other line."""
    quoted_key = _QUOTED_KEY.match(line)
    if not quoted_key:
        return line
    key = quoted_key["key"].replace("''", "'")
    return f"{quoted_key['indent']}- {key}{quoted_key['after']}"


def parse(snapshot: str) -> list[Node]:
    """The nodes of an ARIA snapshot, values of fields dropped and secrets redacted."""
    nodes = []
    for line in snapshot.splitlines():
        match = _LINE.match(_unquote_key(line))
        if not match or match["role"].startswith("/"):  # "/url: ..." and other properties
            continue
        role = match["role"]
        name, tail = _name_and_tail(match["rest"])
        text = ""
        if role not in VALUE_ROLES and ":" in tail:
            text = tail.split(":", 1)[1].strip().strip('"')
        nodes.append(
            Node(
                depth=len(match["indent"]) // 2,
                role=role,
                name=redact(" ".join(name.split()))[:_MAX_NAME],
                text=redact(" ".join(text.split()))[: _MAX_NAME * 2],
            )
        )
    return nodes


def snapshot(page: Page, timeout_ms: float = 5_000) -> list[Node]:
    """The accessibility tree of ``page``'s body; empty when the page cannot be read."""
    try:
        return parse(page.locator("body").aria_snapshot(timeout=timeout_ms))
    except PlaywrightError:
        return []


def main_content(nodes: list[Node]) -> list[Node]:
    """The nodes inside the page's ``main`` landmark (WAI-ARIA 1.2), or all of them when it
    has none: a site banner is not what a notice says."""
    for index, node in enumerate(nodes):
        if node.role == "main":
            inside = []
            for child in nodes[index + 1 :]:
                if child.depth <= node.depth:
                    break
                inside.append(child)
            return inside
    return nodes


def names(nodes: Iterable[Node], roles: Iterable[str]) -> list[str]:
    """The distinct accessible names of the nodes of ``roles``, in page order."""
    wanted, seen = set(roles), []
    for node in nodes:
        if node.role in wanted and node.name and node.name not in seen:
            seen.append(node.name)
    return seen


def quoted(items: Iterable[str], limit: int = 6) -> str:
    """« a », « b » … at most ``limit`` of them, each safe to print (the page chose them)."""
    items = list(items)
    shown = ", ".join(f"« {for_terminal(item, _MAX_NAME * 2)} »" for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def outline(nodes: list[Node], max_chars: int = 320) -> str:
    """Headings, buttons (and links) and field labels of a page, on one bounded line."""
    parts = [
        (label, names(nodes, roles))
        for label, roles in (
            ("headings", {"heading"}),
            ("buttons", CONTROL_ROLES),
            ("fields", FIELD_ROLES),
        )
    ]
    text = "; ".join(f"{label} {quoted(found)}" for label, found in parts if found)
    text = text or "no heading, button or field"
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def as_text(nodes: list[Node]) -> str:
    """The tree as indented lines (the capture's and the inspection's record)."""
    return "\n".join("  " * node.depth + "- " + node.describe() for node in nodes)
