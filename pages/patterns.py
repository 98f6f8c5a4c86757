"""What a person reads on the portal, as tolerant patterns (docs/portal.md, "Page objects").

The real portal's markup is unknown and changes between vendor releases, so every element is
found by its role and accessible name, label, placeholder or visible text, matched with one
compiled, case-insensitive pattern that accepts the seed's wording and the variants docs/portal.md
lists. Accented letters are written as classes (``[ée]``) so an unaccented variant still matches.
Playwright hands these patterns to the browser as JavaScript regular expressions: keep to the
syntax both engines share (no inline flags, no possessive quantifiers).
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE


def _p(source: str) -> re.Pattern[str]:
    return re.compile(source, _FLAGS)


# A word that no letter precedes: « Connexion » but not « Déconnexion ».
_NO_LETTER_BEFORE = r"(?<![a-zà-ÿ])"

#: « nom d'utilisateur (CIP) », « Nom d'utilisateur », « CIP », « Code d'utilisateur (CIP) ».
USER_NAME = _p(r"utilisateur|\bCIP\b")
#: « mot de passe », « Mot de passe (14 à 20 caractères) ».
PASSWORD = _p(r"mot de passe")
#: « CONNEXION », « Connexion », « Se connecter ».
LOGIN_BUTTON = _p(_NO_LETTER_BEFORE + r"connexion|se connecter")
#: The QR image (img, inline svg, canvas): its accessible name contains "QR".
QR = _p(r"\bQR\b")
#: « code à usage unique », « Code sur votre appareil mobile », « Code de vérification »,
#: « Code à 6 chiffres », « code fourni par Google Authenticator ». Never the user name field
#: (« Code d'utilisateur ») nor a text about the QR code.
CODE = _p(r"^(?!.*(utilisateur|\bCIP\b|\bQR\b)).*(\bcode\b|usage unique)")
#: « nom pour votre appareil mobile », « Nom de l'appareil », « Nom de votre appareil mobile ».
DEVICE_NAME = _p(r"\bnom\b.*appareil|appareil.*\bnom\b")
#: The device field's placeholder: « Ex : Mon iPhone ».
DEVICE_PLACEHOLDER = _p(r"\bex\s*:|iphone")
#: « Enregistrer », « ENREGISTRER », « Sauvegarder ».
SAVE_BUTTON = _p(r"enregistrer|sauvegarder")
#: The button that submits a code alone (two-page enrollment, later login); not in the seed.
CODE_SUBMIT = _p(
    r"continuer|suivant|valider|v[ée]rifier|confirmer|soumettre|" + _NO_LETTER_BEFORE + "connexion"
)
#: The eEspresso home page: a heading that names eEspresso.
HOME_HEADING = _p(r"eespresso")
#: « Vous avez maintenant accès à votre eEspresso. »
SUCCESS = _p(r"maintenant acc[èe]s|acc[èe]s [àa] votre eespresso")
#: A way out of the session: « Déconnexion », « Se déconnecter », « Quitter ».
LOGOUT = _p(r"d[ée]connexion|se d[ée]connecter|d[ée]connecter|quitter")
#: The lockout page (5 failures): « compte verrouillé », « bloqué », « trop de tentatives ».
LOCKED = _p(r"verrouill|bloqu[ée]|trop de tentatives")
#: The support line of the seed, shown on error and lockout pages.
SUPPORT_NUMBERS = ("13232", "819-829-3232", "1-833-829-3232")
#: A password refused for its length: « 14 à 20 caractères ».
PASSWORD_LENGTH = _p(r"14\s*(à|a|et)\s*20\s*caract[èe]res")
#: A TOTP secret shown as text for people who cannot scan (Base32, 16+ characters).
SECRET_TEXT = re.compile(r"\b[A-Z2-7]{4}(?:[ -]?[A-Z2-7]{4}){3,}\b")
