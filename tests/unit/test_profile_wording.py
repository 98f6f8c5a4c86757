"""The built-in profile accepts every wording docs/portal.md lists and confuses no two
elements."""

import re

import pytest

from pages.failures import network_failure
from pages.profile import ELEMENTS, default
from pages.result import Cause
from pages.tree import SECRET_TEXT

P = default()

# (pattern, texts it must match, texts it must not match) — docs/portal.md's table and seed.
CASES = [
    (
        P["user_name"],
        ["nom d'utilisateur (CIP)", "Nom d'utilisateur", "CIP", "Code d'utilisateur (CIP)"],
        ["Mot de passe", "Code sur votre appareil mobile"],
    ),
    (
        P["password"],
        ["mot de passe", "Mot de passe (14 à 20 caractères)", "MOT DE PASSE"],
        ["Nom d'utilisateur (CIP)"],
    ),
    (
        P["login_button"],
        ["CONNEXION", "Connexion", "Se connecter"],
        ["Déconnexion", "Se déconnecter", "Enregistrer"],
    ),
    (P["qr"], ["Code QR à scanner", "code QR", "QR"], ["Quoi", "Code de vérification"]),
    (
        P["code"],
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
        P["device_name"],
        [
            "nom pour votre appareil mobile (ex : Mon iPhone)",
            "Nom de l'appareil",
            "Nom de votre appareil mobile",
        ],
        ["Code sur votre appareil mobile", "Nom d'utilisateur (CIP)"],
    ),
    (P["save_button"], ["Enregistrer", "ENREGISTRER", "Sauvegarder"], ["Connexion", "Suivant"]),
    (
        P["code_submit"],
        ["Valider", "Confirmer", "Soumettre", "Connexion", "Continuer", "Suivant", "Vérifier"],
        ["Déconnexion", "Enregistrer"],
    ),
    (
        P["home"],
        ["Bienvenue dans eEspresso", "EESPRESSO – Libre-service RH"],
        ["Accès à distance"],
    ),
    (P["logout"], ["Déconnexion", "Se déconnecter", "Deconnexion"], ["Connexion", "Se connecter"]),
    (
        P["logged_out"],
        [
            "Vous êtes déconnecté.",
            "Vous avez été déconnectée",
            "Déconnexion réussie",
            "Votre session est terminée",
            "You are logged out",
        ],
        ["Se déconnecter", "Déconnexion", "Déconnectez-vous", "Voulez-vous vous déconnecter ?"],
    ),
    (P["locked"], ["Compte verrouillé", "Compte bloqué", "Trop de tentatives"], ["Connexion"]),
    (
        P["success"],
        ["Vous avez maintenant accès à votre eEspresso.", "maintenant acces"],
        ["Bienvenue"],
    ),
    (
        P["password_length"],
        ["Le mot de passe doit contenir de 14 à 20 caractères."],
        ["Mot de passe invalide."],
    ),
]


@pytest.mark.parametrize(
    ("pattern", "good", "bad"), CASES, ids=lambda c: getattr(c, "pattern", "")[:30]
)
def test_pattern_accepts_portal_wordings_and_rejects_neighbours(pattern, good, bad):
    for text in good:
        assert pattern.search(text), f"{pattern.pattern!r} should match {text!r}"
    for text in bad:
        assert not pattern.search(text), f"{pattern.pattern!r} should not match {text!r}"


NOTICE_CASES = [
    (
        "continue",
        ["Accéder à eEspresso", "Continuer", "Poursuivre", "Terminer", "Plus tard", "Ignorer",
         "Non", "J'ai compris", "Aller à EESPRESSO"],
        ["Changer mon mot de passe", "Modifier", "Oui", "Se déconnecter"],
    ),
    (
        "decline",
        ["Changer mon mot de passe", "Modifier mes préférences", "Oui, se souvenir",
         "Mettre à jour", "Enregistrer cet appareil"],
        ["Plus tard", "Non", "Continuer", "Non, ne pas se souvenir"],
    ),
    (
        "password_expiry",
        ["Votre mot de passe expirera dans 5 jours", "Le mot de passe expire dans 1 jour"],
        ["Votre mot de passe a expiré", "expire bientôt"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("key", "good", "bad"), NOTICE_CASES, ids=lambda c: str(c)[:20])
def test_notice_names_go_on_without_changing_anything(key, good, bad):
    for text in good:
        assert P[key].search(text), f"{key} should match {text!r}"
    for text in bad:
        assert not P[key].search(text), f"{key} should not match {text!r}"


def test_every_element_is_named_case_insensitively():
    assert set(P.names) == set(ELEMENTS)
    for key in ELEMENTS:
        assert P[key].flags & re.IGNORECASE, key
    assert P.support_numbers == ("13232", "819-829-3232", "1-833-829-3232")


def test_secret_text_pattern_finds_base32_keys_but_not_words():
    assert SECRET_TEXT.search("Clé : JBSW Y3DP EHPK 3PXP")
    assert SECRET_TEXT.search("JBSWY3DPEHPK3PXPJBSWY3DP")
    assert not SECRET_TEXT.search("CONNEXION ENREGISTRER")


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
