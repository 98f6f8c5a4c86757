"""The table of notice kinds: every row whole in both languages, recognised by elements the
profiles know, alerting through keys the config knows; its words nowhere else; warnings that
read as the JSON the history has always stored."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

import wording
from monitors.config import AlertPolicy
from pages.profile import ELEMENTS
from tests.fixtures.owned_words import ROOT, held_elsewhere
from wording.causes import CAUSES
from wording.notices import NOTICES, UNKNOWN, JourneyWarning, Notice, Passage, alerting

NBSP = "\u00a0"


def _sample(kind: Notice) -> JourneyWarning:
    return JourneyWarning(kind, "Avis important", {name: 5 for name in NOTICES[kind].fields})


@pytest.mark.parametrize("kind", list(Notice))
def test_every_notice_kind_has_its_whole_row_in_both_languages(kind):
    assert kind in NOTICES, f"write the row of {kind.value!r} in wording/notices.py"
    row = NOTICES[kind]
    titles = (wording.notice_title(kind, "fr"), wording.notice_title(kind, "en"))
    assert all(t.strip() for t in titles) and titles[0] != titles[1]
    allowed = {*row.fields, "text"}
    for language in wording.LANGUAGES:
        template = (row.fr if language == "fr" else row.en)[1]
        assert template.strip() and wording.placeholders(template) <= allowed, template
        line = wording.notice_line(_sample(kind), language)
        assert line and "{" not in line and "?" not in line.replace(" ?", "")
    assert wording.placeholders(row.fr[1]) == wording.placeholders(row.en[1])
    assert wording.notice_step(_sample(kind)).startswith("Avis : ")


@pytest.mark.parametrize("kind", list(Notice))
def test_every_row_says_how_it_is_recognised_and_gone_past(kind):
    row = NOTICES[kind]
    assert row.recognised_by and set(row.recognised_by) <= set(ELEMENTS)
    assert (row.stops_with is not None) == (row.passage is Passage.STOP)
    assert row.stops_with is None or row.stops_with in CAUSES


@pytest.mark.parametrize(("kind", "alert"), list(alerting().items()))
def test_an_alerting_row_names_a_config_key_a_field_a_cause_and_a_gauge(kind, alert):
    policy = {f.name for f in dataclasses.fields(AlertPolicy)}
    assert alert.within in policy, f"[alerts] has no key {alert.within!r}"
    assert alert.field in NOTICES[kind].fields
    assert alert.cause in CAUSES and alert.severity in ("critical", "warning")
    assert wording.placeholders(alert.error) <= {alert.field, "cip", "text"}
    assert not alert.expiry or re.fullmatch(r"[a-z_]+_timestamp_seconds", alert.metric)
    assert not alert.expiry or alert.metric_help


def test_the_password_expiry_row_alerts_within_the_configured_days():
    alert = NOTICES[Notice.PASSWORD_EXPIRING].alert
    assert alert is not None and alert.within == "password_expiry_warn_days"
    assert (alert.field, alert.expiry) == ("days", "password")
    assert NOTICES[Notice.ACTION_REQUIRED].stops_with == "action_required"


def test_french_titles_are_typeset():
    for row in [*NOTICES.values(), UNKNOWN]:
        for text in row.fr:
            typeset = wording.typeset(text, "fr")
            assert " :" not in typeset and "« " not in typeset and " »" not in typeset


def test_a_warning_reads_and_writes_the_json_of_the_history():
    stored = {"kind": "password_expiring", "days": 5, "text": "expirera  dans\n5 jours"}
    warning = JourneyWarning.of(stored)
    assert warning.kind is Notice.PASSWORD_EXPIRING and warning.number("days") == 5
    assert warning.text == "expirera dans 5 jours"
    assert warning == {**stored, "text": "expirera dans 5 jours"}
    assert json.loads(json.dumps(warning.to_json())) == warning.to_json()
    assert list(warning.to_json()) == ["kind", "days", "text"]  # as older runners wrote it
    assert JourneyWarning.of(warning) is warning
    assert wording.notice_step(warning) == "Avis : le mot de passe expire dans 5 jours"


def test_a_notice_kind_nobody_wrote_yet_still_reads():
    warning = JourneyWarning.of({"kind": "captcha", "text": "Prouvez que vous êtes humain"})
    assert warning.kind == "captcha" and not isinstance(warning.kind, Notice)
    assert warning.row is UNKNOWN and warning.to_json()["kind"] == "captcha"
    assert wording.notice_title("captcha", "fr") == "Avis inconnu (captcha)"
    assert wording.notice_line(warning, "en") == "Prouvez que vous êtes humain"


def test_no_module_but_the_notice_table_holds_notice_words():
    rows = [*NOTICES.values(), UNKNOWN]
    words = {text for row in rows for text in (*row.fr, *row.en)}
    words |= {row.alert.error for row in rows if row.alert}
    words -= {"{text}"}  # the portal's own words: nothing of ours
    assert held_elsewhere(ROOT / "wording" / "notices.py", words, "Notice") == {}
