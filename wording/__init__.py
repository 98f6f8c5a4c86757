"""What ops and release managers read, in French (fr-CA) or English, from one catalogue.

The people who act on an alert, a status page or a release verdict work in French; some
deployments want English. Every sentence is written by us in both languages in
``wording.catalogue`` (no translation at run time), looked up here by key and filled in with
values. Monitors and reports both import this package; it imports nothing of the project, so
it sits below them in the layering (settings → journeys → results → sinks).

French output follows the Office québécois de la langue française's typography: a
non-breaking space before the colon and inside « », a decimal comma and a non-breaking space
before « % ». The catalogue is written with ordinary spaces; ``typeset`` sets them as each
message is rendered, so a value filled in (a step title) is spaced the same way.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Literal

from wording.catalogue import MESSAGES, NOUNS
from wording.causes import CAUSES, UNKNOWN, CauseRow
from wording.notices import LINE_TEXT_MAX, STEP_TITLE, alerting, row_of

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
DEFAULT: Language = "fr"
NBSP = "\u00a0"
_INDEX = {"fr": 0, "en": 1}


def check_language(value: object) -> Language:
    """``value`` as a language, or ``ValueError`` with the one line that says what to write."""
    if value in LANGUAGES:
        return value  # type: ignore[return-value]
    choices = " or ".join(f'"{code}"' for code in LANGUAGES)
    raise ValueError(f"{value!r} is not a language; write {choices}")


def typeset(text: str, language: Language) -> str:
    """French spacing (OQLF): non-breaking space before ``:`` and ``%`` and inside « »."""
    if language != "fr":
        return text
    for plain, fixed in ((" :", NBSP + ":"), ("« ", "«" + NBSP), (" »", NBSP + "»"),
                         (" %", NBSP + "%")):  # fmt: skip
        text = text.replace(plain, fixed)
    return text


def say(language: Language, key: str, **values: object) -> str:
    """The message ``key`` in ``language`` with its ``{placeholders}`` filled in."""
    return typeset(MESSAGES[key][_INDEX[language]].format(**values), language)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template needs (for the catalogue's own tests)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def count(n: int, noun: str, language: Language) -> str:
    """``n`` and the noun in the right number: French keeps 0 and 1 singular, English only 1."""
    singular, plural = NOUNS[noun][_INDEX[language]]
    one = n < 2 if language == "fr" else n == 1
    return typeset(f"{n} {singular if one else plural}", language)


def number(value: float, language: Language, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "fr" else text


def percent(value: float, language: Language, digits: int = 1) -> str:
    """``value`` (0 to 100) as a percentage: « 99,5 % » or "99.5%"."""
    figure = number(value, language, digits)
    return f"{figure}{NBSP}%" if language == "fr" else f"{figure}%"


def when(epoch: float) -> str:
    """A moment as ISO 8601 in UTC, read the same way in both languages."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def elapsed(seconds: float, language: Language) -> str:
    """A duration as a person reads it: « 45 s », « 12 min », « 3 h 05 min », « 2 j 4 h »."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours = seconds // 60, seconds // 3600
    if hours == 0:
        return f"{minutes} min"
    if hours < 24:
        return f"{hours} h {minutes % 60:02d} min"
    return f"{hours // 24} {say(language, 'unit.day')} {hours % 24} h"


def _words(cause: str | None, language: Language) -> tuple[str, str]:
    row: CauseRow = CAUSES.get(cause or "", UNKNOWN)  # a Cause is its str value
    return row.fr if language == "fr" else row.en


def cause_title(cause: str | None, language: Language) -> str:
    """A cause in a few words (an alert's title, a table cell): « Mot de passe refusé »."""
    return typeset(_words(cause, language)[0].format(cause=cause or "?"), language)


def cause_advice(cause: str | None, language: Language, monitor: str = "ID") -> str:
    """The cause in plain words and what to do next, one sentence."""
    template = _words(cause, language)[1]
    return typeset(template.format(cause=cause or "?", monitor=monitor), language)


def status_word(status: str, language: Language) -> str:
    """A probe's or a test's status (``ok``, ``failed``, ``broken``...) in words."""
    key = f"status.{status}"
    return say(language, key) if key in MESSAGES else status


def step_name(step: str, language: Language) -> str:
    """A journey step id (``open``, ``login``...) as a short label for plots and tables."""
    key = f"step.{step}"
    return say(language, key) if key in MESSAGES else step


def expiry_name(kind: str, language: Language) -> str:
    """What an expiry kind counts down to, in a few words: the certificate's here, a notice's
    from its row (``wording.notices``), so a new dated notice brings its own words."""
    if kind == "tls":
        return say(language, "expiry.tls")
    words = next(a.expiry_words for a in alerting().values() if a.expiry == kind)
    return words[_INDEX[language]]


def notice_title(kind: str, language: Language) -> str:
    """A notice kind in a few words: « Mot de passe bientôt expiré »."""
    row = row_of(kind)
    return typeset((row.fr if language == "fr" else row.en)[0].format(kind=kind), language)


def _notice_line(warning: Mapping[str, object], language: Language) -> str:
    kind = str(warning.get("kind", ""))
    template = (row_of(kind).fr if language == "fr" else row_of(kind).en)[1]
    values = {name: warning.get(name, "?") for name in placeholders(template)}
    values["text"] = str(warning.get("text", ""))[:LINE_TEXT_MAX]
    return template.format(**values)


def notice_line(warning: Mapping[str, object], language: Language) -> str:
    """One warning in words, its fields filled in: « le mot de passe expire dans 5 jours »."""
    return typeset(_notice_line(warning, language), language)


def notice_step(warning: Mapping[str, object]) -> str:
    """The Allure step of one warning, in French with the seed's plain spacing (portal text
    only, never a secret): « Avis : le mot de passe expire dans 5 jours »."""
    return STEP_TITLE.format(line=_notice_line(warning, "fr"))
