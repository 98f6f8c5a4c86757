"""The French texts of the stand-in portal, in two complete sets.

"seed" follows the seed document word for word where it names an element; "alt" uses the
variants of docs/portal.md's table ("Page objects" contract) so the suite proves its locators
tolerate them. Buttons alternate between ``<button>`` and ``<input type="submit">`` across
the two sets (docs/portal.md, "Page objects": a button may be <button> or <input type=submit>).
"""

from __future__ import annotations

from dataclasses import dataclass

SUPPORT_PHONES = (
    ("De l'interne", "Poste 13232"),
    ("Sherbrooke et environs", "819-829-3232"),
    ("Sans frais", "1-833-829-3232"),
)
SUPPORT_EMAIL = "soutienprojetagilit.ciussse-chus@ssss.gouv.qc.ca"


@dataclass(frozen=True)
class Button:
    """A submit control: its visible text and whether it is a <button> or an <input>."""

    text: str
    tag: str  # "button" | "input"


# Steps 3-5 of the seed, shown on the set-up page (docs/portal.md "First access").
SEED_STEPS = (
    "À partir de votre appareil mobile, ouvrir votre application « Google Authenticator » "
    "et cliquer sur le bouton « Commencer ».",
    "Cliquer sur le bouton « Scanner un code QR ».",
    "Pointer la caméra de votre appareil mobile sur le code QR ci-dessous.",
)
ALT_STEPS = (
    "Ouvrez « Google Authenticator » sur votre téléphone et touchez « Commencer ».",
    "Touchez « Scanner un code QR ».",
    "Visez le code QR affiché sur cette page avec la caméra de votre téléphone.",
)

WORDINGS: dict[str, dict[str, object]] = {
    "seed": {
        "title": "eEspresso (Logibec) – Accès à distance",
        "login_heading": "Accès eEspresso à distance",
        "cip_label": "Nom d'utilisateur (CIP)",
        "password_label": "Mot de passe",
        "login_button": Button("CONNEXION", "button"),
        "setup_heading": "Configuration de la double authentification",
        "setup_intro": "Comme il s'agit du premier accès, complétez la configuration.",
        "clock_note": "Note : assurez-vous que votre ordinateur et votre appareil mobile "
        "soient à la même heure.",
        "steps": SEED_STEPS,
        "qr_name": "Code QR à scanner avec Google Authenticator",
        "key_help": "Vous ne pouvez pas numériser le code QR ? Dans Google Authenticator, "
        "choisissez « Saisir une clé de configuration » et entrez cette clé :",
        "remember_me": "Se souvenir de moi",
        "enroll_code_label": "Code sur votre appareil mobile",
        "enroll_code_help": "Indiquez le code à usage unique inscrit sur votre appareil mobile.",
        "device_help": "Créez un nom pour votre appareil mobile.",
        "device_label": "Nom pour votre appareil mobile",
        "device_placeholder": "Ex : Mon iPhone",
        "save_button": Button("Enregistrer", "input"),
        "next_button": Button("Suivant", "button"),
        "device_heading": "Nommer votre appareil mobile",
        "code_heading": "Confirmer votre identité",
        "login_code_label": "Code fourni par « Google Authenticator »",
        "login_code_button": Button("Confirmer", "input"),
        "success": "Vous avez maintenant accès à votre eEspresso.",
        "home_heading": "Bienvenue dans eEspresso",
        "devices_heading": "Mes appareils",
        "logout_button": Button("Se déconnecter", "button"),
        "bad_credentials": "Nom d'utilisateur (CIP) ou mot de passe invalide.",
        "bad_code": "Code invalide. Vérifiez que votre appareil mobile est à la bonne heure, "
        "puis entrez le nouveau code.",
    },
    "alt": {
        "title": "Portail eEspresso – Connexion sécurisée",
        "login_heading": "Connexion à eEspresso",
        "cip_label": "Code d'utilisateur (CIP)",
        "password_label": "Mot de passe (14 à 20 caractères)",
        "login_button": Button("Se connecter", "input"),
        "setup_heading": "Activer la double authentification",
        "setup_intro": "Première connexion : associez votre appareil mobile à votre compte.",
        "clock_note": "Important : l'heure de votre téléphone doit être juste.",
        "steps": ALT_STEPS,
        "qr_name": "Code QR de configuration",
        "key_help": "Impossible de scanner ? Saisissez plutôt cette clé dans votre application :",
        "remember_me": "Rester connecté sur cet ordinateur",
        "enroll_code_label": "Code de vérification",
        "enroll_code_help": "Saisissez le code affiché dans Google Authenticator.",
        "device_help": "Donnez un nom à cet appareil pour le reconnaître plus tard.",
        "device_label": "Nom de l'appareil",
        "device_placeholder": "Ex : Mon iPhone",
        "save_button": Button("Sauvegarder", "button"),
        "next_button": Button("Continuer", "input"),
        "device_heading": "Votre appareil",
        "code_heading": "Vérification en deux étapes",
        "login_code_label": "Code de vérification",
        "login_code_button": Button("Valider", "button"),
        "success": "Vous avez maintenant accès à votre eEspresso.",
        "home_heading": "eEspresso – Libre-service RH",
        "devices_heading": "Mes appareils",
        "logout_button": Button("Déconnexion", "input"),
        "bad_credentials": "CIP ou mot de passe incorrect.",
        "bad_code": "Le code de vérification est invalide ou expiré.",
    },
}

# Messages that do not vary with the wording set.
PASSWORD_LENGTH = "Le mot de passe doit contenir de 14 à 20 caractères."
MISSING_FIELDS = "Indiquez votre nom d'utilisateur (CIP) et votre mot de passe."
DEVICE_NAME = "Indiquez un nom pour votre appareil mobile (40 caractères au plus)."
ENROLLMENT_EXPIRED = (
    "La configuration a expiré. Connectez-vous de nouveau pour obtenir un nouveau code QR."
)
LOCKED_HEADING = "Compte verrouillé"
LOCKED_TEXT = (
    "Votre compte est verrouillé après {threshold} tentatives infructueuses. "
    "Réessayez dans {minutes} minutes ou communiquez avec le soutien."
)
SUPPORT_HEADING = "Pour toute demande d'assistance"

# Error pages by HTTP status: (heading, one line that says what to do).
ERRORS: dict[int, tuple[str, str]] = {
    400: (
        "Requête invalide",
        "Le formulaire envoyé n'est pas valide. Revenez à la page de connexion et recommencez.",
    ),
    403: (
        "Session expirée",
        "Votre session a expiré ou le formulaire n'est plus valide. "
        "Rechargez la page de connexion et recommencez.",
    ),
    404: ("Page introuvable", "Cette page n'existe pas. Revenez à la page de connexion."),
    405: (
        "Méthode non permise",
        "Cette adresse ne s'utilise pas ainsi. Revenez à la page de connexion.",
    ),
    413: (
        "Données trop volumineuses",
        "Les champs envoyés sont trop longs. Revenez à la page de connexion et recommencez.",
    ),
    500: (
        "Erreur du serveur",
        "Une erreur est survenue. Réessayez dans quelques minutes ou communiquez avec le soutien.",
    ),
    503: (
        "Service temporairement indisponible",
        "eEspresso est temporairement indisponible. Réessayez plus tard.",
    ),
}


def wording(name: str) -> dict[str, object]:
    """The text set called ``name`` ("seed" or "alt")."""
    return WORDINGS[name]
