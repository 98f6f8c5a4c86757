"""Keycloak's login messages, French and English, as its message bundles word them.

Copied key by key from Keycloak's ``themes/.../login/messages/messages_fr.properties`` and
``messages_en.properties`` (only the keys the stand-in's pages use). A key missing from the
French bundle falls back to English, as Keycloak's theme resolver does (``showPassword``
and the authenticator application names have no French entry there).
"""

from __future__ import annotations

LOCALES = ("fr", "en")

EN: dict[str, str] = {
    "doLogIn": "Sign In",
    "doSubmit": "Submit",
    "doAccept": "Accept",
    "doDecline": "Decline",
    "doClickHere": "Click here",
    "loginAccountTitle": "Sign in to your account",
    "loginTitle": "Sign in to {0}",
    "username": "Username",
    "password": "Password",
    "passwordNew": "New Password",
    "passwordConfirm": "Confirm password",
    "showPassword": "Show password",
    "hidePassword": "Hide password",
    "authenticatorCode": "One-time code",
    "loginOtpOneTime": "One-time code",
    "logoutOtherSessions": "Sign out from other devices",
    "restartLoginTooltip": "Restart login",
    "loginTotpTitle": "Mobile Authenticator Setup",
    "loginTotpStep1": "Install one of the following applications on your mobile:",
    "loginTotpStep2": "Open the application and scan this QR-Code:",
    "loginTotpStep3": (
        "Enter the one-time code provided by the application and click Submit to finish the setup."
    ),
    "loginTotpStep3DeviceName": "Provide a Device Name to help you manage your OTP devices.",
    "loginTotpManualStep2": "Open the application and enter the key:",
    "loginTotpManualStep3": (
        "Use the following configuration values if the application allows setting them:"
    ),
    "loginTotpUnableToScan": "Unable to scan?",
    "loginTotpScanBarcode": "Scan QR-Code?",
    "loginTotpType": "Type",
    "loginTotpAlgorithm": "Algorithm",
    "loginTotpDigits": "Digits",
    "loginTotpInterval": "Interval",
    "loginTotpDeviceName": "Device Name",
    "loginTotp.totp": "Time-based",
    "totpAppFreeOTPName": "FreeOTP",
    "totpAppGoogleName": "Google Authenticator",
    "totpAppMicrosoftAuthenticatorName": "Microsoft Authenticator",
    "pageExpiredTitle": "Page has expired",
    "pageExpiredMsg1": "To restart the login process",
    "pageExpiredMsg2": "To continue the login process",
    "updatePasswordTitle": "Update password",
    "termsTitle": "Terms and Conditions",
    "termsText": "Terms and conditions to be defined",
    "errorTitle": "We are sorry...",
    "invalidUserMessage": "Invalid username or password.",
    "invalidTotpMessage": "Invalid authenticator code.",
    "missingTotpMessage": "Please specify authenticator code.",
    "missingTotpDeviceNameMessage": "Please specify device name.",
    "missingPasswordMessage": "Please specify password.",
    "notMatchPasswordMessage": "Passwords don't match.",
    "configureTotpMessage": "You need to set up Mobile Authenticator to activate your account.",
    "updatePasswordMessage": "You need to change your password to activate your account.",
    "invalidPasswordMinLengthMessage": "Invalid password: minimum length {0}.",
    "invalidPasswordMaxLengthMessage": "Invalid password: maximum length {0}.",
    "invalidRedirectUriMessage": "Invalid redirect uri",
    "invalidParameterMessage": "Invalid parameter: {0}",
    "clientNotFoundMessage": "Client not found.",
    "pageNotFound": "Page not found",
    "internalServerError": "An internal server error has occurred",
    "invalidRequestMessage": "Invalid Request",
    "logoutConfirmTitle": "Logging out",
    "logoutConfirmHeader": "Do you want to log out?",
    "doLogout": "Logout",
    "successLogout": "You are logged out",
}

FR: dict[str, str] = {
    **EN,
    "doLogIn": "Connexion",
    "doSubmit": "Soumettre",
    "doAccept": "Accepter",
    "doDecline": "Décliner",
    "doClickHere": "Cliquez ici",
    "loginAccountTitle": "Connectez-vous à votre compte",
    "loginTitle": "Se connecter à {0}",
    "username": "Nom d'utilisateur",
    "password": "Mot de passe",
    "passwordNew": "Nouveau mot de passe",
    "passwordConfirm": "Confirmation du mot de passe",
    "authenticatorCode": "Code à usage unique",
    "loginOtpOneTime": "Code à usage unique",
    "logoutOtherSessions": "Se déconnecter des autres appareils",
    "restartLoginTooltip": "Redémarrer la connexion",
    "loginTotpTitle": "Configuration de l'authentification par mobile",
    "loginTotpStep1": "Installez une des applications suivantes sur votre mobile:",
    "loginTotpStep2": "Ouvrez l'application et scannez le code-barres ou entrez la clef.",
    "loginTotpStep3": (
        "Entrez le code à usage unique fourni par l'application et cliquez sur Sauvegarder "
        "pour terminer."
    ),
    "loginTotpStep3DeviceName": (
        "Renseignez un nom d'appareil pour vous aider à gérer vos a appareils OTP."
    ),
    "loginTotpManualStep2": "Ouvrez l'application et saisissez la clé",
    "loginTotpManualStep3": (
        "Utilisez la configuration de valeur suivante si l'application permet son édition"
    ),
    "loginTotpUnableToScan": "Impossible de scanner?",
    "loginTotpScanBarcode": "Scanner le code barre ?",
    "loginTotpType": "Type",
    "loginTotpAlgorithm": "Algorithme",
    "loginTotpDigits": "Chiffres",
    "loginTotpInterval": "Intervalle",
    "loginTotpDeviceName": "Nom d'appareil",
    "loginTotp.totp": "Basé sur le temps",
    "pageExpiredTitle": "La page a expiré",
    "pageExpiredMsg1": "Pour recommencer le processus d'authentification",
    "pageExpiredMsg2": "Pour continuer le processus d'authentification",
    "updatePasswordTitle": "Mise à jour du mot de passe",
    "termsTitle": "Termes et Conditions",
    "termsText": "Termes et conditions à définir",
    "errorTitle": "Nous sommes désolés...",
    "invalidUserMessage": "Nom d'utilisateur ou mot de passe invalide.",
    "invalidTotpMessage": "Le code d'authentification est invalide.",
    "missingTotpMessage": "Veuillez entrer votre code d'authentification.",
    "missingTotpDeviceNameMessage": "Veuillez entrer le nom de votre appareil.",
    "missingPasswordMessage": "Veuillez entrer votre mot de passe.",
    "notMatchPasswordMessage": "Les mots de passe ne sont pas identiques.",
    "configureTotpMessage": (
        "Vous devez configurer l'authentification par mobile pour activer votre compte."
    ),
    "updatePasswordMessage": "Vous devez changer votre mot de passe pour activer votre compte.",
    "invalidPasswordMinLengthMessage": (
        "Mot de passe invalide : longueur minimale requise de {0}."
    ),
    "invalidPasswordMaxLengthMessage": "Mot de passe invalide : longueur maximale de {0}.",
    "invalidRedirectUriMessage": "L'URI de redirection est invalide",
    "invalidParameterMessage": "Paramètre invalide : {0}",
    "clientNotFoundMessage": "Client inconnu.",
    "pageNotFound": "Page non trouvée",
    "internalServerError": "Une erreur interne du serveur s'est produite",
    "invalidRequestMessage": "Requête invalide",
    "logoutConfirmTitle": "Déconnexion",
    "logoutConfirmHeader": "Voulez-vous vous déconnecter ?",
    "doLogout": "Se déconnecter",
    "successLogout": "Vous êtes déconnecté",
}

BUNDLES = {"fr": FR, "en": EN}


def messages(locale: str) -> dict[str, str]:
    """The bundle of ``locale`` (one of ``LOCALES``)."""
    return BUNDLES[locale]


def msg(locale: str, key: str, *args: object) -> str:
    """``key`` in ``locale`` with ``{0}``-style arguments filled, like Keycloak's ``msg()``."""
    return BUNDLES[locale][key].format(*args)
