"""The accessibility tree as the suite keeps it: roles and names, never values or secrets."""

from __future__ import annotations

from pages import tree
from tests.fixtures.tree_snapshot import SNAPSHOT


def test_values_urls_and_secrets_never_survive_the_parse():
    text = tree.as_text(tree.parse(SNAPSHOT))
    for secret in ("123456", "Qa-secret-password", "JBSW", "otpauth", "token=abc", "value"):
        assert secret not in text
    assert 'textbox "Code sur votre appareil mobile"' in text
    assert 'textbox "Dit \\"bonjour\\""' in text
    assert 'img "Code QR à scanner avec Google Authenticator"' in text
    assert "paragraph: Clé : ***" in text


def test_the_outline_names_headings_buttons_and_fields():
    nodes = tree.parse(SNAPSHOT)
    outline = tree.outline(nodes)
    assert outline.startswith("headings « Configuration de la double authentification »")
    assert "buttons « Enregistrer », « Accéder à eEspresso »" in outline
    assert "fields « Code sur votre appareil mobile », « Mot de passe »" in outline
    assert "« Se souvenir »" in outline and "Français" not in outline


def test_the_outline_is_bounded_and_says_when_the_page_is_empty():
    many = "\n".join(f'- button "Bouton numéro {i}"' for i in range(200))
    assert len(tree.outline(tree.parse(many), max_chars=120)) == 120
    assert tree.outline([]) == "no heading, button or field"


def test_main_content_leaves_the_banner_out():
    inside = tree.main_content(tree.parse(SNAPSHOT))
    assert inside[0].role == "heading" and all(node.depth >= 1 for node in inside)
    assert not any("CIUSSS" in node.text for node in inside)


# Playwright writes a key that holds ": " or a quote as a single-quoted YAML scalar.
QUOTED = """- main:
  - 'heading "Note: it''s \\"here\\"" [level=1]'
  - 'img "Figure: Barcode"'
  - 'button "Continuer : changer"'
  - paragraph: "Texte: avec deux-points"
  - 'link "l''a: b"':
    - /url: /x
  - 'textbox "Code: ''x''"': "123456"
"""


def test_names_holding_a_colon_or_a_quote_are_kept():
    nodes = tree.parse(QUOTED)
    assert [(node.role, node.name) for node in nodes if node.name] == [
        ("heading", 'Note: it\'s "here"'),
        ("img", "Figure: Barcode"),
        ("button", "Continuer : changer"),
        ("link", "l'a: b"),
        ("textbox", "Code: 'x'"),
    ]
    assert "123456" not in tree.as_text(nodes)
    assert "buttons « Continuer : changer », « l'a: b »" in tree.outline(nodes)
