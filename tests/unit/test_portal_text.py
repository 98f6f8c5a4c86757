"""Portal text made safe to print or write (``wording.portal_text``), and the outputs that use
it without a browser: the tree's lines, journey failures, progress lines, alerts, Markdown."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitors.alerts import Notice, body
from monitors.probe import Outcome
from monitors.runner import progress_line
from pages import tree
from pages.failures import JourneyFailure
from pages.inspection import Finding, ScreenRecord
from pages.inspection_files import markdown
from pages.result import Cause
from tests.fixtures.hostile_text import (
    CHANGE,
    CONTROL,
    HEADING,
    TEXT,
    assert_markdown_safe,
    assert_terminal_safe,
)
from tests.fixtures.monitoring import probe_record
from wording.portal_text import (
    ELLIPSIS,
    for_markdown,
    for_terminal,
    for_terminal_data,
    markdown_block,
    markdown_code,
)

PAYLOADS = [
    ("\x1b[31mRouge\x1b[0m", "\\u001b[31mRouge\\u001b[0m"),
    ("\x1b]0;Titre\x07", "\\u001b]0;Titre\\u0007"),
    ("\x1b[2J", "\\u001b[2J"),
    ("\x9b31mCSI", "\\u009b31mCSI"),
    ("abc\u202edef\u202c", "abc\\u202edef\\u202c"),
    ("\u2066isolé\u2069 \u200e\u200f\u061c", "\\u2066isolé\\u2069 \\u200e\\u200f\\u061c"),
    ("nul\x00 del\x7f", "nul\\u0000 del\\u007f"),
]


@pytest.mark.parametrize(("text", "shown"), PAYLOADS)
def test_a_terminal_shows_controls_and_bidi_escaped_never_obeys_them(text, shown):
    assert for_terminal(text) == shown
    assert not CONTROL.search(for_terminal(text))


def test_ordinary_text_is_kept_as_it_is():
    for text in (
        'Avis : « "Important" » l\'accès',
        "Mot\u00a0de passe : 14 à 20 caractères (2 essais)",
        "net::ERR_CONNECTION_REFUSED",
        "名前 👩‍💻 café",
    ):
        assert for_terminal(text) == text


def test_breaks_and_tabs_become_one_space():
    assert for_terminal("un\r\ndeux\tTrois\u2028quatre\x85cinq") == "un deux Trois quatre cinq"


def test_the_line_is_bounded_and_never_cut_inside_an_escape():
    assert for_terminal("x" * 50, 10) == "x" * 9 + ELLIPSIS
    assert for_terminal("x" * 10, 10) == "x" * 10
    cut = for_terminal("abcdefgh\x1b[2J", 12)
    assert cut == "abcdefgh" + ELLIPSIS
    assert len(for_terminal("\x1b" * 10_000)) <= 1000


@given(st.text(max_size=300), st.integers(min_value=2, max_value=400))
def test_any_text_comes_out_bounded_clean_and_stable(text, limit):
    shown = for_terminal(text, limit)
    assert len(shown) <= limit
    assert not CONTROL.search(shown)
    assert for_terminal(shown, limit) == shown  # cleaned twice: the same line


def test_json_data_has_each_string_cleaned_and_its_keys_kept():
    data = {"ok": False, "warnings": [{"kind": "interstitial", "text": "\x1b[2J avis"}], "n": 3}
    assert for_terminal_data(data) == {
        "ok": False,
        "warnings": [{"kind": "interstitial", "text": "\\u001b[2J avis"}],
        "n": 3,
    }


MARKDOWN = [
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
    ("![i](javascript:alert(1))", "!\\[i\\](javascript:alert(1))"),
    ("<javascript:alert(1)>", "&lt;javascript:alert(1)&gt;"),
    ("a | b", "a \\| b"),
    ("*gras* _it_ `code`", "\\*gras\\* \\_it\\_ \\`code\\`"),
    ("&lt; & &#60;", "&amp;lt; & &amp;#60;"),
    ("\\[x]", "\\\\\\[x\\]"),
    ("# titre", "\\# titre"),
    ("- puce", "\\- puce"),
    ("1. un", "1\\. un"),
    ("ERR_CONNECTION_REFUSED : « Non »", "ERR_CONNECTION_REFUSED : « Non »"),
    ('Continuer : "oui"', 'Continuer : "oui"'),
]


@pytest.mark.parametrize(("text", "written"), MARKDOWN)
def test_markdown_shows_html_and_links_as_text(text, written):
    assert for_markdown(text) == written
    assert_markdown_safe(for_markdown(text))


def test_markdown_of_every_payload_is_safe_and_readable():
    for text in (HEADING, TEXT, CHANGE):
        written = for_markdown(text)
        assert_markdown_safe(written)
        assert "Rouge" in for_markdown(HEADING) and "onerror=alert(1)" in for_markdown(TEXT)
    assert "\\u001b\\[31mRouge" in for_markdown(HEADING)  # the escape shown, not obeyed


def test_code_spans_and_blocks_cannot_be_closed_by_the_text():
    assert markdown_code("/avis") == "`/avis`"
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`x`") == "`` `x` ``"
    block = markdown_block("- heading\n```\n<script>alert(1)</script>\n\x1b[2J", "toml")
    assert block.startswith("````toml\n") and block.endswith("\n````")
    assert "\\u001b[2J" in block and not CONTROL.search(block)
    assert_markdown_safe(block)


# The tree keeps names as the page gives them (controls are located by them) and shows them
# safely: Playwright writes an ESC in a name as "\u001b", which the parser decodes.
SNAPSHOT = """- main:
  - 'heading "Avis : \\"Lu\\" \\u001b[31mRouge\\u001b]0;Titre\\u0007" [level=1]'
  - paragraph: Texte \u202eesrever\u202c <img src=x onerror=alert(1)>
  - button "Suite \\u001b[2J <script>alert(2)</script>"
"""


def test_the_tree_keeps_the_page_s_names_and_prints_them_escaped():
    nodes = tree.parse(SNAPSHOT)
    assert nodes[1].name == 'Avis : "Lu" \x1b[31mRouge\x1b]0;Titre\x07'
    assert nodes[3].name == "Suite \x1b[2J <script>alert(2)</script>"
    lines = tree.as_text(nodes)
    outline = tree.outline(nodes)
    for shown in (lines, outline):
        assert not CONTROL.search(shown)
        assert "\\u001b[31mRouge" in shown and "\\u001b[2J" in shown
    assert "\\u202eesrever" in lines
    assert 'headings « Avis : "Lu" \\u001b[31mRouge' in outline


def test_a_journey_failure_quoting_the_page_is_one_clean_line():
    failure = JourneyFailure(Cause.UNEXPECTED_PAGE, f"the portal said « {HEADING}\n{TEXT} »")
    assert failure.message == str(failure)
    assert "\n" not in failure.message
    assert_terminal_safe(failure.message)


def _hostile_record(**fields: object):
    error = f"after the code: headings « {HEADING} »; buttons « {TEXT} »"
    return probe_record(status="failed", cause="unexpected_page", error=error, **fields)


def test_a_progress_line_shows_the_page_s_words_escaped():
    line = progress_line(Outcome("m", _hostile_record()))
    assert_terminal_safe(line)
    assert 'Avis : "Lu"' in line and "onerror=alert(1)" in line


@pytest.mark.parametrize("kind", ["alert", "warning"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_alert_quoting_the_page_runs_and_links_nothing(kind, language):
    error = f"after the code: headings « {HEADING} »; buttons « {TEXT} »"
    notice = Notice(kind, "m", "http://t", "unexpected_page", 0.0, last_error=error)
    text = body(notice, language)
    assert_markdown_safe(text)
    assert "Rouge" in text and "onerror=alert(1)" in text and "Cliquez" in text


def test_an_alert_keeps_ordinary_errors_as_they_are():
    error = "the portal could not be reached (net::ERR_CONNECTION_REFUSED)"
    notice = Notice("alert", "m", "http://t", "unreachable", 0.0, last_error=error)
    assert error in body(notice, "en")
    no_error = body(Notice("alert", "m", "http://t", "unreachable", 0.0), "en")
    assert "Last error: -\n" in no_error  # a dash, not an escaped one


def test_a_screen_record_in_markdown_shows_the_page_as_text():
    nodes = tuple(tree.parse(SNAPSHOT))
    record = ScreenRecord(
        path="/avis`x",
        screen="",
        login=False,
        profile="built-in",
        findings=(Finding("decline", True, "button", CHANGE), Finding("code", False)),
        nodes=nodes,
        candidates={"login_button": [json.dumps(nodes[3].name)[1:-1]]},
        png=b"",
    )
    text = markdown(record, "Screen 1", "01.png")
    assert_markdown_safe(text)
    assert "- page: ``/avis`x``" in text
    (row,) = [line for line in text.splitlines() if line.startswith("| `decline`")]
    assert row.endswith(
        "| button | Modifier \\u001b\\[2J &lt;img src=x onerror=alert(1)&gt; "
        "\\[x\\](javascript:alert(3)) \\| \\*a\\* |"
    )
