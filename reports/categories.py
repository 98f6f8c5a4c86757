"""Allure failure categories that speak the journeys' causes (``pages.result.Cause``).

The journeys report why they failed as a ``Cause``; the E2E tests carry it as an Allure label
``cause`` and as the first word of the failure message (``code_rejected: ...``). Allure 3
categories (``categories`` in the Allure config) match the label first, then that message
prefix, so the report groups failures the way ops is alerted: portal down, slow, credentials,
code, clock drift, markup changed, ...
"""

from __future__ import annotations

import re

from pages.result import Cause
from reports.results import Outcome
from wording import DEFAULT, Language, cause_title
from wording.causes import CAUSES

CAUSE_LABEL = "cause"

# "AssertionError: code_rejected: ..." or "code_rejected: ..." (pytest prefixes the type).
_MESSAGE_PREFIX = r"^(?:[\w.]+: )?(?:{values})\b"
_CAUSE_VALUES = {cause.value for cause in Cause}


def category_name(cause: Cause) -> str:
    """The release report's category of ``cause`` (``wording.causes``: one per thing a person
    does about it, several causes may share one)."""
    return CAUSES[cause].category


def _message_pattern(causes: list[Cause]) -> str:
    return _MESSAGE_PREFIX.format(values="|".join(re.escape(c.value) for c in causes))


def allure_categories() -> list[dict]:
    """The ``categories`` value of the Allure 3 config (JSON: regexes are strings)."""
    names = list(dict.fromkeys(category_name(cause) for cause in Cause))
    rules = []
    for name in names:
        causes = [cause for cause in Cause if category_name(cause) == name]
        rules.append(
            {
                "id": re.sub(r"\W+", "-", name.lower()),
                "name": name,
                "matchers": [
                    {
                        "statuses": ["failed", "broken"],
                        "labels": {CAUSE_LABEL: f"^(?:{'|'.join(c.value for c in causes)})$"},
                    },
                    {"statuses": ["failed", "broken"], "message": _message_pattern(causes)},
                ],
            }
        )
    # Without a journey cause: Allure's own split between product and test errors.
    rules.append({"id": "other-failures", "name": "Other failures", "matchers": [
        {"statuses": ["failed"]}]})  # fmt: skip
    rules.append({"id": "test-errors", "name": "Test errors (broken)", "matchers": [
        {"statuses": ["broken"]}]})  # fmt: skip
    return rules


def cause_of(test: Outcome) -> Cause | None:
    """The journey cause of a failed test: its ``cause`` label, else its message prefix."""
    for value in test.label_values(CAUSE_LABEL):
        try:
            return Cause(value.strip())
        except ValueError:
            continue
    # "code_rejected: ..." or "AssertionError: code_rejected: ...": one of the first two parts.
    for part in test.message.split(": ", 2)[:2]:
        if part.strip() in _CAUSE_VALUES:
            return Cause(part.strip())
    return None


def describe_failure(test: Outcome, language: Language = DEFAULT) -> str:
    """Cause in words for the summary, e.g. « Mot de passe refusé (credentials_rejected) »."""
    cause = cause_of(test)
    if cause is not None:
        return f"{cause_title(cause.value, language)} ({cause.value})"
    first_line = test.message.strip().splitlines()[0] if test.message.strip() else test.status
    return first_line[:160]
