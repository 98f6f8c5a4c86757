"""Text shown by the portal, made safe to print on a terminal or to write in a Markdown file.

A heading, a button's name or a notice's text is chosen by whoever controls the page, and a
page can be hostile. Printed as is, a C0 or C1 control character starts an escape sequence
the terminal obeys (ECMA-48: SGR colours ``ESC [ 31 m``, ED clear screen ``ESC [ 2 J``, an
OSC window title ``ESC ] 0 ; … BEL``), and a bidirectional control (Unicode UAX #9: LRE, RLE,
PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM) reorders what is shown around it. Written
in a Markdown file as is, ``<img onerror=…>`` is raw HTML and ``[x](javascript:…)`` a link
(CommonMark 0.31, §6.6 and §6.3) that a viewer may run or follow.

So every text from the portal goes through one of these functions on its way out:

- ``for_terminal``: one line, every control and bidirectional character shown as its
  ``\\uXXXX`` escape (visible, and the same escape JSON and TOML strings use), the line
  bounded in length. Ordinary text, accents, French quotes and non-breaking spaces are kept.
- ``for_markdown``: ``for_terminal``, then HTML, link, emphasis and table syntax escaped
  (CommonMark backslash escapes and entity references), so a viewer shows the text and runs
  or follows nothing.
- ``markdown_code`` and ``markdown_block``: the text as an inline code span or a fenced code
  block whose fence no backtick run in the text can close (CommonMark §6.1, §4.5).

``for_terminal`` leaves its own output unchanged, so a message cleaned where it is built (a
journey's failure) can be cleaned again where it is printed; the Markdown functions are called
once, where the file is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Longest line printed on a terminal for one text of the portal, escapes included.
TERMINAL_MAX = 1000
#: Longest text of the portal shown in one place of a Markdown file.
MARKDOWN_MAX = 300
ELLIPSIS = "…"

# Characters that break a line or a table row: shown as one space.
_BREAKS = re.compile("[\t\n\v\f\r\x85\u2028\u2029]+")
# C0 controls, DEL, C1 controls (ECMA-48 §5) and the bidirectional controls of UAX #9 §2:
# ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What Markdown would read as markup inside a line: raw HTML and autolinks (<), link and
# image brackets, code spans, emphasis, table cells; an entity reference (&name; or &#n;);
# a backslash that escapes the punctuation after it; an underscore that is not inside a word
# (CommonMark §6.2: an intraword underscore never starts emphasis).
_INLINE = re.compile(
    r"[<>\[\]`*|]|&(?=#?[0-9A-Za-z]+;)|\\(?=[!-/:-@\[-`{-~])|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])"
)
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# What Markdown would read as a block at the start of a line: a heading, a list item, a
# setext underline, a fence (CommonMark §4.2, §4.3, §4.5, §5.2).
_ORDERED_ITEM = re.compile(r"\d{1,9}(?=[.)])")


def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}"


def for_terminal(text: object, max_chars: int = TERMINAL_MAX) -> str:
    """``text`` as one line a terminal shows and never obeys, at most ``max_chars`` long.

    Line and paragraph breaks and tabs become a space; every other control character and
    every bidirectional control is shown as its ``\\uXXXX`` escape; a longer line is cut,
    between two characters of the text (never inside an escape), and ends with « … ».
    """
    line = _BREAKS.sub(" ", str(text))
    pieces, size = [], 0
    for start, char in enumerate(line):
        piece = _escape(char) if _UNSAFE.match(char) else char
        rest = len(line) - start - 1
        if size + len(piece) > max_chars - (1 if rest else 0):
            pieces.append(ELLIPSIS)
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces)


def for_terminal_data(value: object, max_chars: int = TERMINAL_MAX) -> object:
    """``value`` (JSON-like data: mappings, lists, strings) with each string made safe for a
    terminal by ``for_terminal``; keys are the program's own and kept."""
    if isinstance(value, str):
        return for_terminal(value, max_chars)
    if isinstance(value, Mapping):
        return {key: for_terminal_data(item, max_chars) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [for_terminal_data(item, max_chars) for item in value]
    return value


def for_markdown(text: object, max_chars: int = MARKDOWN_MAX) -> str:
    """``text`` as Markdown that shows it and holds no markup: no HTML, no link or image, no
    emphasis, no table cell break, no block at its start; one line, ``max_chars`` of text at
    most (escapes not counted)."""
    line = _INLINE.sub(_markdown_escape, for_terminal(text, max_chars))
    if line[:1] in ("#", "+", "=", "-", "~"):
        return "\\" + line
    if item := _ORDERED_ITEM.match(line):
        return line[: item.end()] + "\\" + line[item.end() :]
    return line


def _markdown_escape(match: re.Match[str]) -> str:
    found = match.group(0)
    return _ENTITIES.get(found) or "\\" + found


def markdown_code(text: object, max_chars: int = MARKDOWN_MAX) -> str:
    """``text`` as an inline code span (CommonMark §6.1): delimited by one backtick more than
    its longest run of backticks, padded with a space when it starts or ends with one. Not for
    a table cell, where a "|" inside would still end the cell (use ``for_markdown``)."""
    line = for_terminal(text, max_chars)
    fence = "`" * (_longest_backtick_run(line) + 1)
    padded = f" {line} " if line.startswith("`") or line.endswith("`") else line
    return f"{fence}{padded}{fence}"


def markdown_block(text: str, info: str = "") -> str:
    """``text`` as a fenced code block (CommonMark §4.5): each line made safe for a terminal,
    the fence longer than any run of backticks inside, so no line of the text can close it."""
    lines = [for_terminal(line) for line in text.splitlines()]
    fence = "`" * max(3, _longest_backtick_run("\n".join(lines)) + 1)
    return "\n".join([fence + info, *lines, fence])


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall("`+", text)), default=0)
