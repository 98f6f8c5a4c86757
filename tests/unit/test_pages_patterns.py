"""The locator patterns accept every wording docs/portal.md lists and confuse no two elements."""

import re

import pytest

from pages import patterns as P
from pages.failures import network_failure
from pages.result import Cause

# (pattern, texts it must match, texts it must not match) — docs/portal.md's table and seed.
CASES = [
    (
        P.USER_NAME,
        ["nom d'utilisateur (CIP)", "Nom d'utilisateur", "CIP", "Code d'utilisateur (CIP)"],
        ["Mot de passe", "Code sur votre appareil mobile"],
    ),
    (
        P.PASSWORD,
        ["mot de passe", "Mot de passe (14 à 20 caractères)", "MOT DE PASSE"],
        ["Nom d'utilisateur (CIP)"],
    ),
    (
        P.LOGIN_BUTTON,
        ["CONNEXION", "Connexion", "Se connecter"],
        ["Déconnexion", "Se déconnecter", "Enregistrer"],
    ),
    (P.QR, ["Code QR à scanner", "code QR", "QR"], ["Quoi", "Code de vérification"]),
    (
        P.CODE,
        [
            "code à usage unique",
            "Code sur votre appareil mobile",
            "Code de vérification",
            "Code à 6 chiffres",
            "Code fourni par « Google Authenticator »",
        ],
        ["Code d'utilisateur (CIP)", "Code QR à scanner", "Nom de l'appareil", "Mot de passe"],
    ),
    (
        P.DEVICE_NAME,
        [
            "nom pour votre appareil mobile (ex : Mon iPhone)",
            "Nom de l'appareil",
            "Nom de votre appareil mobile",
        ],
        ["Code sur votre appareil mobile", "Nom d'utilisateur (CIP)"],
    ),
    (P.SAVE_BUTTON, ["Enregistrer", "ENREGISTRER", "Sauvegarder"], ["Connexion", "Suivant"]),
    (
        P.CODE_SUBMIT,
        ["Valider", "Confirmer", "Soumettre", "Connexion", "Continuer", "Suivant", "Vérifier"],
        ["Déconnexion", "Enregistrer"],
    ),
    (
        P.HOME_HEADING,
        ["Bienvenue dans eEspresso", "EESPRESSO – Libre-service RH"],
        ["Accès à distance"],
    ),
    (P.LOGOUT, ["Déconnexion", "Se déconnecter", "Deconnexion"], ["Connexion", "Se connecter"]),
    (P.LOCKED, ["Compte verrouillé", "Compte bloqué", "Trop de tentatives"], ["Connexion"]),
    (
        P.SUCCESS,
        ["Vous avez maintenant accès à votre eEspresso.", "maintenant acces"],
        ["Bienvenue"],
    ),
    (
        P.PASSWORD_LENGTH,
        ["Le mot de passe doit contenir de 14 à 20 caractères."],
        ["Mot de passe invalide."],
    ),
]


@pytest.mark.parametrize(("pattern", "good", "bad"), CASES, ids=lambda c: getattr(c, "pattern", ""))
def test_pattern_accepts_portal_wordings_and_rejects_neighbours(pattern, good, bad):
    for text in good:
        assert pattern.search(text), f"{pattern.pattern!r} should match {text!r}"
    for text in bad:
        assert not pattern.search(text), f"{pattern.pattern!r} should not match {text!r}"


def test_patterns_are_case_insensitive_and_portable_to_javascript():
    # Playwright sends source + flags to the browser: no inline flags, no Python-only syntax.
    for name in dir(P):
        value = getattr(P, name)
        if isinstance(value, re.Pattern):
            assert "(?i" not in value.pattern and "(?P<" not in value.pattern, name
    assert P.LOGIN_BUTTON.flags & re.IGNORECASE


def test_secret_text_pattern_finds_base32_keys_but_not_words():
    assert P.SECRET_TEXT.search("Clé : JBSW Y3DP EHPK 3PXP")
    assert P.SECRET_TEXT.search("JBSWY3DPEHPK3PXPJBSWY3DP")
    assert not P.SECRET_TEXT.search("CONNEXION ENREGISTRER")


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        ("net::ERR_CONNECTION_REFUSED at http://127.0.0.1:1/", Cause.UNREACHABLE),
        ("net::ERR_NAME_NOT_RESOLVED", Cause.UNREACHABLE),
        ("net::ERR_CONNECTION_TIMED_OUT", Cause.SLOW),
        ("net::ERR_CERT_DATE_INVALID", Cause.UNREACHABLE),
        ("something else entirely", Cause.UNREACHABLE),
    ],
)
def test_network_errors_are_classified_with_the_chromium_code_only(error, cause):
    failure = network_failure(error, "opening the portal")
    assert failure.cause is cause
    assert "\n" not in failure.message and "http://" not in failure.message
