"""Every field, button, link and image of a page, with what a profile can name it by.

A profile names an element by role and accessible name, or, when the markup gives it none, by
attribute (``id``, ``name``, ``autocomplete``, ``alt``, ``title``, ``placeholder``) or CSS
(``pages.profile``). ``python -m monitors inspect``, the per-screen capture and the message of
an ``unexpected_page`` list the page's controls that way, so the user sees what to write: for
a field without a name, its attributes and the label text near it even when that label points
at another element (Keycloak 26's set-up page: both labels have ``for="form-vertical-name"``).

Never a value: fields are read for their attributes only, hidden inputs (which carry values
such as Keycloak's ``totpSecret``, not fields a person sees) are left out, and every text kept
goes through the tree's redaction (``pages.tree.redact``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages import tree
from pages.css_selector import attribute_selector

#: The attributes shown for each control, in this order; the first ones a profile may use.
SHOWN = ("id", "name", "type", "autocomplete", "alt", "title", "placeholder")
#: The attributes a suggested profile line names an element by, best first: an id is unique.
PREFERRED = ("id", "name", "autocomplete", "alt", "title", "placeholder")
_MAX_CONTROLS = 60
_MAX_TEXT = 80
_SELECTOR = (
    "input:not([type=hidden]), select, textarea, button, a[href], img, svg[role=img], canvas, "
    "[role=button], [role=link], [role=img], [role=textbox], [role=checkbox]"
)
# For each control: its tag, the SHOWN attributes (never ``value``), whether it shows, and the
# text of the label nearest to it: its own (``labels``), else one in the nearest ancestor
# holding a label and no other visible field (the group the label was written for).
_READ = """(elements, shown) => elements.map(e => {
  const attrs = {};
  for (const a of shown) { const v = e.getAttribute(a); if (v !== null && v.trim()) attrs[a] = v; }
  const box = e.getBoundingClientRect();
  const style = getComputedStyle(e);
  const visible = box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
  let label = '';
  if (e.labels && e.labels.length) label = e.labels[0].textContent;
  for (let up = e.parentElement, depth = 0; !label && up && depth < 4;
       up = up.parentElement, depth++) {
    const fields = up.querySelectorAll('input:not([type=hidden]), select, textarea');
    const found = up.querySelector('label');
    if (found && fields.length <= 1) label = found.textContent;
    if (fields.length > 1) break;
  }
  label = label.replace(/\\s+/g, ' ').replace(/[\\s*]+$/, '').trim();  // the required mark
  return {tag: e.tagName.toLowerCase(), attrs, visible, label};
})"""


@dataclass(frozen=True)
class Control:
    """One field, button, link or image: role and accessible name as a person's tools see
    them, and the markup a profile can name it by. No value, no secret."""

    tag: str
    role: str
    name: str  # accessible name ("" when it has none)
    attributes: dict[str, str]  # of SHOWN, redacted
    label: str  # label text near it, even when that label points elsewhere

    @property
    def is_field(self) -> bool:
        return self.role in tree.FIELD_ROLES or self.tag in ("input", "select", "textarea")

    def describe(self, keys: tuple[str, ...] = SHOWN) -> str:
        """``input#totp (name "totp", label « Code à usage unique »)``: one line, no value;
        ``keys``: the attributes shown."""
        ident = self.tag + (f"#{self.attributes['id']}" if "id" in self.attributes else "")
        parts = [f"{k} {json.dumps(v, ensure_ascii=False)}" for k, v in self.attributes.items()
                 if k != "id" and k in keys]  # fmt: skip
        if self.label:
            parts.append(f"label « {self.label} »")
        return ident + (f" ({', '.join(parts)})" if parts else "")

    def profile_line(self) -> str:
        """The TOML that names this control by its most telling attribute (``id`` first),
        or "" when it has none a profile can use."""
        for attribute in PREFERRED:
            if value := self.attributes.get(attribute):
                return f"attributes = {{ {attribute} = {json.dumps(value, ensure_ascii=False)} }}"
        return ""

    def selector(self) -> str:
        """The CSS selector ``profile_line`` stands for ("" when none)."""
        for attribute in PREFERRED:
            if value := self.attributes.get(attribute):
                return attribute_selector(attribute, value, exact=True)
        return ""


def _clean(text: str) -> str:
    return tree.redact(" ".join(text.split()))[:_MAX_TEXT]


def controls(page: Page) -> list[Control]:
    """The page's visible fields, buttons, links and images, in page order (at most 60)."""
    try:
        found = page.locator(_SELECTOR)
        read = found.evaluate_all(_READ, list(SHOWN))
    except PlaywrightError:
        return []
    result = []
    for index, item in enumerate(read[:_MAX_CONTROLS]):
        if not item["visible"]:
            continue
        try:
            nodes = tree.parse(found.nth(index).aria_snapshot(timeout=2_000))
        except PlaywrightError:
            nodes = []
        node = nodes[0] if nodes else tree.Node(0, "")
        attributes = {k: _clean(v) for k, v in item["attrs"].items()}
        result.append(Control(item["tag"], node.role, node.name, attributes, _clean(item["label"])))
    return result


def unnamed_fields(page: Page, limit: int = 4) -> str:
    """The visible fields without an accessible name, by their attributes, on one line
    ("" when every field has a name): what an ``unexpected_page`` message adds to the page's
    outline, so the user sees the fields a profile can only name by attribute."""
    found = [c.describe(("name",)) for c in controls(page) if c.is_field and not c.name]
    if not found:
        return ""
    more = f" and {len(found) - limit} more" if len(found) > limit else ""
    text = "unnamed fields " + ", ".join(found[:limit]) + more
    return text if len(text) <= 200 else text[:199] + "…"
