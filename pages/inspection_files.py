"""Screen records on disk: Markdown and self-contained HTML, readable by the owner only.

A record holds no value and no secret (``pages.inspection``), but it shows a portal behind a
password: the folder is made 0700 and every file 0600 (created so, never widened after), like
the vault's files.
"""

from __future__ import annotations

import base64
import html
import os
from pathlib import Path

from pages import tree
from pages.inspection import ScreenRecord, toml_names
from pages.inventory import Control
from wording.portal_text import for_markdown, markdown_block, markdown_code

FOLDER_MODE, FILE_MODE = 0o700, 0o600


def private_folder(path: str | os.PathLike[str]) -> Path:
    """``path`` as a folder only its owner can read (created when missing)."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    folder.chmod(FOLDER_MODE)
    return folder


def write_private(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path``, a file only its owner can read, from its creation on."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)
        handle.write(raw)
    return path


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def candidates_toml(record: ScreenRecord) -> str:
    """The candidates in profile syntax, ready to paste into a profile file: names seen on
    the page in the element's role, and the attributes of a control its label describes."""
    lines = ["# names seen on the page in the element's role: keep each element's own;",
             "# attributes: a control without a usable name that its label describes"]  # fmt: skip
    markup = record.markup or {}
    for key in dict.fromkeys([*record.candidates, *markup]):
        lines.append(f"[elements.{key}]")
        if key in record.candidates:
            lines.append(f"names = {toml_names(record.candidates[key])}")
        if key in markup:
            line, control = markup[key]
            lines.append(f"{line}  # {control}")
    return "\n".join(lines)


def looks_like_line(record: ScreenRecord) -> str:
    """« looks like Keycloak: try --profile keycloak », or "" when no built-in profile fits."""
    if not record.looks_like:
        return ""
    products = list(dict.fromkeys(product for product, _ in record.looks_like))
    tries = " or ".join(f"--profile {name}" for _, name in record.looks_like)
    return f"looks like {', '.join(products)}: try {tries}"


_CONTROL_COLUMNS = ("role", "accessible name", "id", "name", "type", "autocomplete", "alt",
                    "label near it", "profile line")  # fmt: skip


def _control_row(control: Control) -> list[str]:
    a = control.attributes
    return [control.role or control.tag, control.name, a.get("id", ""), a.get("name", ""),
            a.get("type", ""), a.get("autocomplete", ""), a.get("alt", ""), control.label,
            control.profile_line()]  # fmt: skip


def markdown(record: ScreenRecord, title: str, image: str) -> str:
    """One screen in Markdown: screen, elements, candidate names, tree, screenshot. What the
    page chose (names, path, tree) is escaped or fenced as code: the file shows it, never runs
    or links it (``wording.portal_text``)."""
    lines = [
        f"# {title}",
        "",
        f"- page: {markdown_code(record.path)}",
        f"- screen recognised: {record.screen or 'none (no screen of the profile matches)'}",
        f"- profile: {record.profile}",
        *([f"- {looks_like_line(record)}"] if record.looks_like else []),
        "",
        "## Elements of the profile",
        "",
        "| key | element | found | role | accessible name |",
        "|---|---|---|---|---|",
    ]
    for f in record.findings:
        found = "yes" if f.found else "no"
        lines.append(
            f"| `{f.key}` | {_cell(f.description)} | {found} | {for_markdown(f.role)} "
            f"| {for_markdown(f.name)} |"
        )
    if record.candidates or record.markup:
        lines += ["", "## Candidates for the missing elements", ""]
        lines.append(markdown_block(candidates_toml(record), "toml"))
    if record.controls:
        lines += ["", "## Fields, buttons, links and images (what a profile can name)", ""]
        lines += ["| " + " | ".join(_CONTROL_COLUMNS) + " |", "|---" * len(_CONTROL_COLUMNS) + "|"]
        for control in record.controls:
            *cells, line = _control_row(control)
            cells = [for_markdown(c) for c in cells] + [markdown_code(line) if line else ""]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Accessibility tree (roles and names, no values)", ""]
    lines += [markdown_block(tree.as_text(list(record.nodes)) or "(empty)"), ""]
    lines += [f"![Screenshot, secrets masked, elements found boxed]({image})", ""]
    return "\n".join(lines)


def html_page(records: list[tuple[str, ScreenRecord]], title: str) -> str:
    """Screens in one self-contained HTML page (screenshots inline), every text escaped."""
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}"
        ".no{color:#a00}pre{background:#f4f4f4;padding:1rem;overflow:auto}"
        "img{max-width:100%;border:1px solid #ccc}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for heading, record in records:
        parts += [
            f"<section><h2>{html.escape(heading)}</h2>",
            f"<p>page <code>{html.escape(record.path)}</code>; screen recognised: "
            f"{html.escape(record.screen or 'none')}; profile: {html.escape(record.profile)}</p>",
            f"<p><strong>{html.escape(looks_like_line(record))}</strong></p>"
            if record.looks_like
            else "",
            "<table><tr><th>key</th><th>element</th><th>found</th><th>role</th>"
            "<th>accessible name</th></tr>",
        ]
        for f in record.findings:
            found = "yes" if f.found else "<span class=no>no</span>"
            parts.append(
                f"<tr><td><code>{f.key}</code></td><td>{html.escape(f.description)}</td>"
                f"<td>{found}</td><td>{html.escape(f.role)}</td><td>{html.escape(f.name)}</td></tr>"
            )
        parts.append("</table>")
        if record.candidates or record.markup:
            toml = html.escape(candidates_toml(record))
            parts.append(f"<h3>Candidates for the missing elements</h3><pre>{toml}</pre>")
        if record.controls:
            parts.append("<h3>Fields, buttons, links and images (what a profile can name)</h3>")
            parts.append(
                "<table><tr>" + "".join(f"<th>{c}</th>" for c in _CONTROL_COLUMNS) + "</tr>"
            )
            for control in record.controls:
                cells = "".join(f"<td>{html.escape(c)}</td>" for c in _control_row(control))
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</table>")
        picture = base64.b64encode(record.png).decode()
        parts += [
            "<h3>Accessibility tree (roles and names, no values)</h3>",
            f"<pre>{html.escape(tree.as_text(list(record.nodes)))}</pre>",
            f"<img alt='Screenshot, secrets masked, elements found boxed' "
            f"src='data:image/png;base64,{picture}'></section>",
        ]
    parts.append("</body></html>")
    return "\n".join(parts)
