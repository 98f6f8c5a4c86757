"""The French and English catalogue: complete, consistent, and typeset as French is written."""

from __future__ import annotations

import re

import pytest

import wording
from tests.fixtures.owned_words import ROOT, held_elsewhere
from wording import catalogue
from wording.causes import CAUSES, UNKNOWN, Cause, Kind

NBSP = "\u00a0"


@pytest.mark.parametrize("cause", list(Cause))
def test_every_cause_has_its_whole_row_in_both_languages_with_the_next_action(cause):
    assert cause in CAUSES, f"write the row of {cause.value!r} in wording/causes.py"
    row = CAUSES[cause]
    assert isinstance(row.kind, Kind) and row.severity in ("critical", "warning")
    assert row.category.strip() and row.category[0].isupper()
    french = (wording.cause_title(cause, "fr"), wording.cause_advice(cause, "fr", "m-1"))
    english = (wording.cause_title(cause, "en"), wording.cause_advice(cause, "en", "m-1"))
    assert all(french) and all(english)
    assert french[0] != english[0] and french[1] != english[1]
    # Plain words, a colon, then what to do: « … : vérifiez … ».
    assert f"{NBSP}: " in french[1] and ": " in english[1]
    assert french[1].endswith(".") and english[1].endswith(".")
    assert "{" not in french[1] + english[1]


def test_the_seed_example_reads_as_written():
    advice = wording.cause_advice("credentials_rejected", "fr")
    assert advice.startswith(
        f"Le portail refuse le mot de passe du compte de surveillance{NBSP}: vérifiez qu'il n'a "
        "pas expiré"
    )


def test_a_cause_nobody_wrote_yet_still_reads():
    assert wording.cause_title("tls_handshake", "fr") == "Cause inconnue (tls_handshake)"
    assert "the runner's log" in wording.cause_advice(None, "en")


@pytest.mark.parametrize("key", sorted(catalogue.MESSAGES))
def test_every_message_has_both_languages_and_the_same_placeholders(key):
    french, english = catalogue.MESSAGES[key]
    assert french.strip() and english.strip()
    assert wording.placeholders(french) == wording.placeholders(english)


@pytest.mark.parametrize("noun", sorted(catalogue.NOUNS))
def test_nouns_agree_with_their_number(noun):
    for language in wording.LANGUAGES:
        one, two = wording.count(1, noun, language), wording.count(2, noun, language)
        assert one.startswith("1 ") and two.startswith("2 ") and one[2:] != two[2:]
    assert wording.count(0, "probe", "fr") == "0 sonde"  # French: 0 is singular
    assert wording.count(0, "probe", "en") == "0 probes"
    assert wording.count(2, "failed_probe", "fr") == "2 sondes en échec"


def _french_texts() -> list[str]:
    texts = [french for french, _ in catalogue.MESSAGES.values()]
    for row in [*CAUSES.values(), UNKNOWN]:
        texts += list(row.fr)
    return [wording.typeset(text, "fr") for text in texts]


def test_french_typography():
    """OQLF: non-breaking space before the colon and inside « »; none before ; ! or ?"""
    for text in _french_texts():
        assert " :" not in text and "« " not in text and " »" not in text, text
        assert not re.search(r"\S:(?!//)\s", text.replace(NBSP + ":", "")), text
        assert not re.search(r"\s[;!?]", text), text


def test_numbers_percentages_and_durations():
    assert wording.percent(99.5, "fr") == f"99,5{NBSP}%" and wording.percent(99.5, "en") == "99.5%"
    assert wording.number(3120.4, "fr", 0) == "3120"
    assert wording.elapsed(45, "fr") == "45 s" and wording.elapsed(720, "en") == "12 min"
    assert wording.elapsed(3 * 3600 + 300, "fr") == "3 h 05 min"
    assert wording.elapsed(2 * 86400 + 4 * 3600, "fr") == "2 j 4 h"
    assert wording.elapsed(2 * 86400 + 4 * 3600, "en") == "2 d 4 h"
    assert wording.step_name("login", "fr") == "Connexion" and wording.step_name("x", "fr") == "x"
    assert wording.status_word("broken", "fr") == "cassé"


def test_language_check_says_what_to_write():
    assert wording.check_language("en") == "en"
    with pytest.raises(ValueError, match='\'fr-CA\' is not a language; write "fr" or "en"'):
        wording.check_language("fr-CA")


def test_no_module_but_the_cause_table_holds_cause_words():
    rows = [*CAUSES.values(), UNKNOWN]
    words = {text for row in rows for text in (*row.fr, *row.en)}
    assert held_elsewhere(ROOT / "wording" / "causes.py", words, "Cause") == {}
