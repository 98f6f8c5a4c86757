"""Profiles that name an element by its markup: ``attributes`` and ``css``, checked as they load.

A portal may leave a field without a usable accessible name (Keycloak's OTP set-up page); a
profile then names it by ``id``, ``name``, ``autocomplete``, ``alt``, ``title``,
``placeholder`` or a CSS selector. Every mistake is one line naming the file and the key; a
selector is parsed by Playwright's own selector parser.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pages import css_selector
from pages.profile import ProfileError, builtin, builtin_names, default, load


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portail.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_attributes_and_css_become_selectors_beside_the_names(tmp_path):
    profile = load(
        write(
            tmp_path,
            """
            name = "Portail derrière Keycloak"
            [elements.code]
            attributes = { id = "totp", name = "totp" }
            [elements.device_name]
            css = "#userLabel"
            [elements.qr]
            attributes = { alt = "barcode" }
            exact = false
            [elements.save_button]
            css = ["#saveTOTPBtn", "input[type=submit]"]
            replace = true
            """,
        )
    )
    assert profile.selectors["code"] == ('[id="totp"][name="totp"]',)
    assert profile.selectors["device_name"] == ("#userLabel",)
    assert profile.selectors["qr"] == ('[alt*="barcode" i]',)
    # Markup only: the built-in names stay, unless replaced.
    assert profile["code"].search("Code à usage unique")
    assert profile.names["save_button"] == () and not profile["save_button"].search("Enregistrer")
    assert "user_name" not in profile.selectors and default().selectors == {}


BAD = [
    ('[elements.code]\nattributes = { data-x = "a" }', "elements.code.attributes.data-x: unknown "
     "attribute; expected one of id, name, autocomplete, alt, title, placeholder"),
    ('[elements.code]\nattributes = { id = "" }', "elements.code.attributes.id: expected a "
     "non-empty string"),
    ('[elements.code]\nattributes = { id = 3 }', "elements.code.attributes.id: expected a"),
    ("[elements.code]\nattributes = {}", "elements.code.attributes: expected a table like"),
    ('[elements.code]\nattributes = "totp"', "elements.code.attributes: expected a table like"),
    ('[elements.code]\nattributes = { id = "a" }\nexact = "yes"', "elements.code.exact: "
     "expected true or false"),
    ('[elements.code]\ncss = ""', "elements.code.css: expected a CSS selector"),
    ("[elements.code]\ncss = []", "elements.code.css: expected a CSS selector"),
    ("[elements.code]\ncss = 7", "elements.code.css: expected a CSS selector"),
    ('[elements.code]\ncss = "[name=totp"', "elements.code.css: '[name=totp' is not a valid CSS "
     "selector"),
    ('[elements.code]\ncss = ["#a", "##b"]', "elements.code.css[1]: '##b' is not a valid CSS "
     "selector"),
    ('[elements.code]\ncss = "form >> #totp"', "elements.code.css: 'form >> #totp' is not a "
     "valid CSS selector: '>>' chains Playwright selectors"),
    ("[elements.code]\nreplace = true", "elements.code.names: expected a non-empty list"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m[:40] for _, m in BAD])
def test_every_markup_mistake_is_one_line_that_names_the_file_and_the_key(tmp_path, text, message):
    path = write(tmp_path, 'name = "x"\n' + text)
    with pytest.raises(ProfileError) as caught:
        load(path)
    said = str(caught.value)
    assert said.startswith(f"{path}: ") and message in said and "\n" not in said


def test_playwrights_parser_refuses_what_the_strict_rules_let_through():
    # Balanced and quoted, so only the parser Playwright runs can say no.
    errors = css_selector.selector_errors(["#totp", "input[name='totp' i]", "a:has(> b)", "##x"])
    assert errors[:3] == [None, None, None]
    assert errors[3] and "while parsing css selector" in errors[3]


@pytest.mark.parametrize(
    ("value", "exact", "selector"),
    [("totp", True, '[name="totp"]'), ('a"b\\c', True, '[name="a\\"b\\\\c"]'),
     ("Bar", False, '[name*="Bar" i]')],
)  # fmt: skip
def test_an_attribute_value_is_a_quoted_css_string(value, exact, selector):
    assert css_selector.attribute_selector("name", value, exact) == selector
    assert css_selector.selector_errors([selector]) == [None]


def test_a_shipped_profile_is_loaded_by_its_bare_name(tmp_path, monkeypatch):
    assert {"keycloak", "keycloak-en", "eespresso"} <= set(builtin_names())
    assert load("keycloak") is builtin("keycloak")
    assert load("keycloak").source == "built-in keycloak" and load("eespresso") is default()
    # A file of that name in the working folder wins: it is what the user wrote.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keycloak").write_text('name = "Mon Keycloak"\n', encoding="utf-8")
    assert load("keycloak").name == "Mon Keycloak"
    with pytest.raises(ProfileError, match=r"absent: no such profile file \(built-in profiles: "):
        load("absent")


def test_a_profile_of_ones_own_adds_to_a_shipped_one_with_base(tmp_path):
    path = write(
        tmp_path,
        """
        name = "Keycloak aux couleurs du CIUSSS"
        base = "keycloak"
        [elements.login_button]
        names = ["^ouvrir une session$"]
        """,
    )
    profile = load(path)
    assert profile.selectors["code"] == ('[id="totp"]',)  # from the keycloak profile
    assert profile["login_button"].search("Ouvrir une session")
    assert profile["login_button"].search("Connexion")  # the built-in names, through it
    assert profile.recognise == builtin("keycloak").recognise
    for bad, said in (('"nulle-part"', "base: nulle-part: no such built-in profile"),
                      ("3", "base: expected the name of a built-in profile")):  # fmt: skip
        path.write_text(f'name = "x"\nbase = {bad}\n', encoding="utf-8")
        with pytest.raises(ProfileError, match=said):
            load(path)
