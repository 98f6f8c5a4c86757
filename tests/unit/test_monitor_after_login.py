"""``[[monitors.after_login]]``: pages to check once logged in, read and checked as data.

Names are regular expressions checked like a portal profile's (Python and the browser's
engine), so a mistake is one line at start-up. The checks themselves run on the real
sandbox in tests/e2e/test_monitor_maintenance.py.
"""

from __future__ import annotations

import textwrap

import pytest

from monitors.config_file import load
from monitors.toml_reader import ConfigError
from pages.app_checks import AppCheck
from pages.result import Cause
from wording.causes import CAUSES, Kind

BASE = """
[targets.portal]
base_url = "http://127.0.0.1:9"
[accounts.probe]
cip = "PROBE0001"
password_env = "EESPRESSO_TEST_PASSWORD"
[[monitors]]
id = "login-a"
target = "portal"
account = "probe"
every = "1m"
"""


def write(tmp_path, checks: str):
    path = tmp_path / "monitors.toml"
    path.write_text(textwrap.dedent(BASE) + textwrap.dedent(checks))
    return path


def test_pages_after_login_are_read_in_order(tmp_path):
    config = load(write(tmp_path, """
        [[monitors.after_login]]
        id = "paie"
        link = "talons de paie"
        expect = "^mes talons de paie$"
        timeout = "20s"
        [[monitors.after_login]]
        id = "dossier"
        link = "mon dossier|my file"
        expect = "mon dossier"
    """))  # fmt: skip
    assert config.monitors[0].after_login == (
        AppCheck("paie", "talons de paie", "^mes talons de paie$", 20.0),
        AppCheck("dossier", "mon dossier|my file", "mon dossier", 15.0),
    )
    assert config.monitors[0].after_login[0].step_id == "app.paie"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('link = "x"\nexpect = "y"\n', "monitors[0].after_login[0].id: is missing; add it"),
        ('id = "Paie!"\nlink = "x"\nexpect = "y"\n',
         "monitors[0].after_login[0].id: 'Paie!': use up to 32 lower-case letters"),
        ('id = "p"\nexpect = "y"\n', "monitors[0].after_login[0].link: is missing; add it"),
        ('id = "p"\nlink = "talons (de paie"\nexpect = "y"\n',
         "monitors[0].after_login[0].link: 'talons (de paie' is not a regular expression"),
        ('id = "p"\nlink = "x|"\nexpect = "y"\n',
         "monitors[0].after_login[0].link: 'x|' matches the empty text, so every element"),
        ('id = "p"\nlink = "x"\nexpect = "(?i)paie"\n',
         "monitors[0].after_login[0].expect: '(?i)paie' does not work in the browser"),
        ('id = "p"\nlink = "x"\nexpect = "y"\ntimeout = "10m"\n',
         "monitors[0].after_login[0].timeout: '10m' is out of range"),
        ('id = "p"\nlink = "x"\nexpect = "y"\nclick = true\n',
         "monitors[0].after_login[0].click: unknown key"),
    ],
)  # fmt: skip
def test_mistakes_are_one_line_naming_the_key(tmp_path, table, expected):
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, "[[monitors.after_login]]\n" + table))
    assert "\n" not in str(caught.value) and expected in str(caught.value), str(caught.value)


def test_an_id_used_twice_is_refused(tmp_path):
    check = '[[monitors.after_login]]\nid = "p"\nlink = "x"\nexpect = "y"\n'
    with pytest.raises(ConfigError, match=r"after_login\[1\]\.id: 'p' is used twice"):
        load(write(tmp_path, check * 2))


def test_app_check_failed_is_in_every_cause_table():
    cause = Cause.APP_CHECK_FAILED
    row = CAUSES[cause]
    assert cause.value == "app_check_failed" and row.kind is Kind.PORTAL
    assert row.category == "Application page broken"
    (fr_title, fr_advice), (en_title, en_advice) = row.fr, row.en
    assert fr_title == "Page de l'application en échec" and en_title == "Application page failing"
    assert "titres" in fr_advice and "headings" in en_advice
