"""The steps of a journey: their stable ids and the titles they carry in reports.

The ids are the keys of ``JourneyResult.steps``, of a monitor's per-step thresholds
(``[monitors.thresholds.steps.<id>]``) and of the step labels of metrics and alerts; the
titles follow the seed's numbered steps. This table is their one source, kept free of
Playwright and Allure so a monitors file is checked without loading a browser driver.
"""

from __future__ import annotations

#: Allure step titles, after the seed's numbered steps, by step id (in journey order).
STEP_TITLES: dict[str, str] = {
    "open": "Étape 1 : Ouvrir l'adresse du portail eEspresso",
    "login": "Étape 2 : Saisir le CIP et le mot de passe, cliquer sur « CONNEXION »",
    "scan": "Étapes 3 à 5 : Scanner le code QR avec « Google Authenticator »",
    "code": "Étape 6 : Indiquer le code à usage unique fourni par « Google Authenticator »",
    "device": "Étape 7 : Créer un nom pour l'appareil mobile, cliquer sur « Enregistrer »",
    "home": "Accès à eEspresso",
    "logout": "Se déconnecter d'eEspresso",
}
#: The step id a title names (a failure names its step by title).
STEP_OF_TITLE: dict[str, str] = {title: step for step, title in STEP_TITLES.items()}
