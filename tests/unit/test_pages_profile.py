"""Portal profiles: the built-in one, the shipped ones, and every mistake a file can hold.

Each mistake is one line naming the file and the key; names must mean the same to Python and
to the browser's engine (compiled with the Node.js Playwright ships).
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from monitors.config_file import load as load_config
from monitors.toml_reader import ConfigError
from pages import js_regex
from pages.account import Account
from pages.profile import ELEMENTS, ProfileError, default, load, shipped
from pages.settings import Settings, SettingsError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portail.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_built_in_profile_names_every_element_and_travels_on_the_account():
    profile = default()
    assert profile.source == "built-in" and set(profile.names) == set(ELEMENTS)
    account = Account("https://Portal.Example/", "CIP1", "x" * 16)
    assert account.profile is profile
    assert "password" not in repr(account) and "eEspresso" in repr(account.profile)


@pytest.mark.parametrize("name", ["eespresso.toml", "sandbox-alt.toml", "sandbox-other.toml",
                                  "keycloak.toml", "keycloak-en.toml"])  # fmt: skip
def test_the_shipped_profiles_load(name):
    profile = load(shipped(name))
    assert set(profile.names) == set(ELEMENTS) and profile.name


def test_names_are_added_to_the_built_in_ones_unless_replaced(tmp_path):
    profile = load(
        write(
            tmp_path,
            """
            name = "Portail de test"
            [elements.user_name]
            names = ["identifiant"]
            [elements.password]
            names = ["phrase secr[èe]te"]
            replace = true
            """,
        )
    )
    assert profile["user_name"].search("Identifiant") and profile["user_name"].search("CIP")
    assert profile["password"].search("PHRASE SECRETE")
    assert not profile["password"].search("Mot de passe")  # replaced
    assert profile["login_button"].search("CONNEXION")  # not named: the built-in names
    assert profile.support_numbers == default().support_numbers


BAD = [
    ('name = "x"\ncolour = "red"', "colour: unknown key"),
    ("[elements.user_name]\nnames = ['a']", "name: missing or empty"),
    ('name = "x"\n[elements.username]\nnames = ["a"]', "elements.username: unknown key"),
    ('name = "x"\n[elements.qr]\nnames = ["a"]\nexact = true', "elements.qr.exact: only applies"),
    ('name = "x"\n[elements.qr]\nnames = ["a"]\nalt = "QR"', "elements.qr.alt: unknown key"),
    ('name = "x"\n[elements.qr]\nnames = "QR"', "elements.qr.names: expected a non-empty list"),
    ('name = "x"\n[elements.qr]\nnames = []', "elements.qr.names: expected a non-empty list"),
    ('name = "x"\n[elements.qr]\nnames = [""]', "elements.qr.names[0]: expected a non-empty"),
    ('name = "x"\n[elements.qr]\nnames = ["a", "(b"]', "elements.qr.names[1]: '(b' is not a "
     "regular expression"),
    ('name = "x"\n[elements.qr]\nnames = ["x?"]', "matches the empty text"),
    ('name = "x"\n[elements.qr]\nnames = ["(?i)qr"]', "inline flags such as (?i)"),
    ('name = "x"\n[elements.qr]\nnames = ["(?P<q>qr)"]', "named groups are written (?<name>"),
    ("name = \"x\"\n[elements.qr]\nnames = ['\\AQR']", r"\A, \Z and \z are Python only"),
    ('name = "x"\n[elements.qr]\nnames = ["QR{,2}"]', "{,n} is a quantifier in Python only"),
    ('name = "x"\n[elements.qr]\nnames = ["qr"]\nreplace = "yes"', "replace: expected true"),
    ('name = "x"\nsupport_numbers = [13232]', "support_numbers: expected a list of strings"),
    ('name = "x"\n[elements]\nqr = "QR"', "elements.qr: expected a table"),
    ("name = ", "not valid TOML"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m for _, m in BAD])
def test_every_mistake_is_one_line_that_names_the_file_and_the_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load(path)
    said = str(caught.value)
    assert said.startswith(f"{path}: ") and message in said and "\n" not in said


def test_a_missing_or_unreadable_file_is_one_line(tmp_path):
    with pytest.raises(ProfileError, match="no such profile file"):
        load(tmp_path / "absent.toml")
    (tmp_path / "latin1.toml").write_bytes('name = "é"'.encode("latin-1"))
    with pytest.raises(ProfileError, match="not UTF-8"):
        load(tmp_path / "latin1.toml")


def test_the_browsers_engine_is_asked_for_what_the_rules_do_not_know(tmp_path, monkeypatch):
    assert js_regex.javascript_errors(["QR", "a|*b"]) == [
        None,
        "Invalid regular expression: /a|*b/i: Nothing to repeat",
    ]
    # A name only the engine refuses: with the rules silenced, the engine still says no.
    monkeypatch.setattr(js_regex, "python_only", lambda source: None)
    path = write(tmp_path, 'name = "x"\n[elements.qr]\nnames = ["QR", "(?x)code"]')
    with pytest.raises(ProfileError) as caught:
        load(path)
    assert "elements.qr.names[1]: '(?x)code' is refused by the browser's engine" in str(
        caught.value
    )
    assert "Invalid group" in str(caught.value)


def test_the_suites_settings_carry_the_portal_profile(tmp_path):
    chosen = Settings.from_sources({"profile": str(shipped("sandbox-other.toml"))}, env={})
    assert chosen.profile.name.endswith("« other »")
    assert "profile: Portail d'essai" in chosen.describe()
    assert Settings.from_sources({}, env={}).profile is default()
    with pytest.raises(SettingsError, match="portal profile: .*absent.toml: no such profile"):
        Settings.from_sources({"profile": str(tmp_path / "absent.toml")}, env={})


def test_pytest_refuses_a_bad_portal_profile_in_one_line(tmp_path):
    bad = write(tmp_path, 'name = "x"\n[elements.qr]\nnames = ["(?P<q>QR)"]')
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "--portal-profile", str(bad), "tests/unit/test_pages_tree.py"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 4  # pytest's usage error
    said = [line for line in done.stderr.splitlines() if "portal profile" in line]
    assert len(said) == 1 and "elements.qr.names[0]" in said[0] and "Traceback" not in done.stderr


def test_a_monitor_targets_profile_is_read_relative_to_the_config_file(tmp_path):
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "portail.toml").write_text(
        'name = "Portail X"\n[elements.user_name]\nnames = ["identifiant"]\n', encoding="utf-8"
    )
    config_text = textwrap.dedent(
        """
        [targets.portal]
        base_url = "https://portal.example/"
        profile = "{profile}"
        [accounts.probe]
        cip = "PROBE1"
        password_env = "P"
        [[monitors]]
        id = "m"
        target = "portal"
        account = "probe"
        every = "5m"
        """
    )
    path = tmp_path / "monitors.toml"
    path.write_text(config_text.format(profile="profiles/portail.toml"), encoding="utf-8")
    target = load_config(path).monitors[0].target
    assert target.profile is not None and target.profile.name == "Portail X"
    assert target.profile["user_name"].search("Identifiant")
    path.write_text(config_text.format(profile="profiles/absent.toml"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: targets.portal.profile: ")
    assert "absent.toml: no such profile file" in str(caught.value)


@pytest.mark.parametrize("text", ["Code (CIP) ?", "a.b*c+d", "[x]{1}|^$\\", "Accès « eEspresso »"])
def test_a_literal_name_matches_its_text_in_both_engines(text):
    pattern = js_regex.literal(text)
    assert re.fullmatch(pattern, text) and js_regex.python_only(pattern) is None
    assert js_regex.javascript_errors([pattern]) == [None]


def test_the_shipped_profiles_start_without_nodejs_but_are_checked_when_loaded(monkeypatch):
    """A run reads the built-in profiles without starting Node.js (two starts per run); the
    same files loaded by path go through the engines' check (the test above)."""
    from pages import css_selector
    from pages import profile as profiles

    started: list[list[str]] = []

    def asked(sources: list[str]) -> list[None]:
        started.append(sources)
        return [None] * len(sources)

    monkeypatch.setattr(js_regex, "javascript_errors", asked)
    monkeypatch.setattr(css_selector, "selector_errors", asked)
    assert set(profiles.default.__wrapped__().names) == set(ELEMENTS)
    assert set(profiles.builtin.__wrapped__("keycloak").names) == set(ELEMENTS)
    assert started == []
    load(shipped("keycloak.toml"))
    assert started  # a profile file is still asked about
