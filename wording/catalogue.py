"""Every sentence ops and release managers read, written by us in French (fr-CA) and English.

Each entry is a pair ``(French, English)``; French is written with ordinary spaces and typeset
by ``wording.typeset`` (non-breaking spaces before « : » and inside « »). Placeholders are
``str.format`` names and must be the same in both languages (a unit test checks it). Causes
say what happened in plain words, then the next action, after a colon.
"""

from __future__ import annotations

# Why a probe failed: (short title, plain words and the next action). The keys are the values
# of ``pages.result.Cause`` plus the probe's own causes; a unit test checks that none is missing.
CAUSES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "unreachable": (
        ("Portail injoignable",
         "Le portail ne répond pas à son adresse : vérifiez qu'il est en marche et que le réseau "
         "de la sonde l'atteint (DNS, pare-feu, VPN)."),
        ("Portal unreachable",
         "The portal does not answer at its address: check that it is running and that the "
         "probe's network reaches it (DNS, firewall, VPN)."),
    ),
    "http_error": (
        ("Erreur HTTP du portail",
         "Le portail répond par une erreur HTTP : consultez les journaux de son serveur ou "
         "prévenez l'équipe qui l'exploite."),
        ("Portal HTTP error",
         "The portal answers with an HTTP error: read its server's logs or tell the team that "
         "runs it."),
    ),
    "slow": (
        ("Portail lent",
         "Le portail répond plus lentement que les seuils de la sonde : vérifiez la charge du "
         "serveur et du réseau, puis les seuils si cette lenteur est normale."),
        ("Portal slow",
         "The portal answers more slowly than the probe's thresholds allow: check the server and "
         "network load, then the thresholds if this slowness is expected."),
    ),
    "credentials_rejected": (
        ("Mot de passe refusé",
         "Le portail refuse le mot de passe du compte de surveillance : vérifiez qu'il n'a pas "
         "expiré, puis que la sonde lit le bon (password_env ou password_file)."),
        ("Credentials refused",
         "The portal refuses the monitoring account's password: check that it has not expired, "
         "then that the probe reads the right one (password_env or password_file)."),
    ),
    "code_rejected": (
        ("Code de l'authentificateur refusé",
         "Le portail refuse le code à usage unique de la sonde : vérifiez que l'inscription du "
         "compte est toujours active, sinon refaites-la avec « python -m monitors enroll »."),
        ("Authenticator code refused",
         "The portal refuses the probe's one-time code: check that the account's enrollment is "
         "still active, otherwise enroll again with 'python -m monitors enroll'."),
    ),
    "clock_skew": (
        ("Horloges désynchronisées",
         "Les horloges du portail et de la sonde ne concordent pas, donc les codes sont refusés : "
         "synchronisez l'horloge de la sonde (NTP) et signalez l'écart à l'équipe du portail."),
        ("Clock drift",
         "The clocks of the portal and of the probe disagree, so codes are refused: synchronise "
         "the probe's clock (NTP) and report the offset to the portal's team."),
    ),
    "locked_out": (
        ("Compte verrouillé",
         "Le compte de surveillance est verrouillé : faites-le déverrouiller par le centre de "
         "soutien avant que la sonde ne réessaie."),
        ("Account locked",
         "The monitoring account is locked: have the support desk unlock it before the probe "
         "tries again."),
    ),
    "unexpected_page": (
        ("Page inattendue",
         "Le portail affiche une page que la sonde ne connaît pas (interface modifiée?) : "
         "comparez la capture de l'échec avec la dernière réussite, puis adaptez le profil du "
         "portail."),
        ("Portal markup changed",
         "The portal shows a page the probe does not know (markup changed?): compare the failing "
         "screenshot with the last success, then update the portal profile."),
    ),
    "qr_unreadable": (
        ("Code QR illisible",
         "Le code QR d'inscription n'a pas pu être lu : vérifiez que l'écran d'inscription "
         "affiche encore un code QR, puis relancez l'inscription."),
        ("QR code unreadable",
         "The enrollment QR code could not be read: check that the enrollment screen still "
         "shows a QR code, then run the enrollment again."),
    ),
    "tls_expiring": (
        ("Certificat TLS bientôt expiré",
         "Le certificat TLS du portail expire bientôt : demandez son renouvellement à l'équipe "
         "du portail."),
        ("TLS certificate expiring",
         "The portal's TLS certificate expires soon: ask the portal's team to renew it."),
    ),
    "password_expiring": (
        ("Mot de passe bientôt expiré",
         "Le portail annonce que le mot de passe du compte de surveillance expire bientôt : "
         "changez-le, puis mettez à jour le fichier ou la variable du mot de passe de la sonde."),
        ("Password expiring",
         "The portal says the monitoring account's password expires soon: change it, then "
         "update the probe's password file or variable."),
    ),
    "tls_expired": (
        ("Certificat TLS expiré",
         "Le certificat TLS du portail est expiré, les navigateurs le refusent : "
         "demandez à l'équipe du portail de le renouveler sans attendre."),
        ("TLS certificate expired",
         "The portal's TLS certificate has expired: browsers refuse the portal; ask the "
         "portal's team to renew it now."),
    ),
    "tls_invalid": (
        ("Certificat TLS non reconnu",
         "Le certificat TLS du portail n'est pas reconnu (nom ou autorité) : vérifiez l'adresse "
         "surveillée, puis signalez-le à l'équipe du portail."),
        ("TLS certificate not trusted",
         "The portal's TLS certificate is not trusted (name or issuer): check the monitored "
         "address, then report it to the portal's team."),
    ),
    "not_enrolled": (
        ("Compte non inscrit",
         "Le coffre de la sonde n'a aucune inscription active pour ce compte : inscrivez-le une "
         "fois avec « python -m monitors enroll »."),
        ("Account not enrolled",
         "The probe's vault has no active enrollment for this account: enroll it once with "
         "'python -m monitors enroll'."),
    ),
    "probe_error": (
        ("Erreur de la sonde",
         "La sonde elle-même a échoué (navigateur planté ou délai dépassé), pas forcément le "
         "portail : consultez le journal du runner."),
        ("Probe error",
         "The probe itself failed (browser crash or timeout), not necessarily the portal: read "
         "the runner's log."),
    ),
    "account_paused": (
        ("Compte en pause",
         "Des mots de passe ou des codes envoyés sans preuve d'acceptation ont mis le compte en "
         "pause pour le protéger du verrouillage : corrigez la cause, puis lancez "
         "« python -m monitors resume {monitor} »."),
        ("Account paused",
         "Passwords or codes sent without proof of acceptance paused the account to protect it "
         "from lockout: fix the cause, then run 'python -m monitors resume {monitor}'."),
    ),
    "action_required": (
        ("Action requise sur le portail",
         "Le portail demande une action que la sonde ne doit pas faire (choisir un nouveau mot "
         "de passe, accepter des conditions); rien n'a été envoyé : faites-la une fois dans un "
         "navigateur avec le compte de surveillance, puis mettez à jour le mot de passe de la "
         "sonde s'il a changé."),
        ("Action required at the portal",
         "The portal asks for something the probe must not do (choose a new password, accept "
         "terms); nothing was submitted: do it once in a browser with the monitoring account, "
         "then update the probe's password if it changed."),
    ),
    "app_check_failed": (
        ("Page de l'application en échec",
         "La connexion fonctionne, mais une page de l'application après la connexion ne "
         "s'affiche pas comme prévu : lisez les titres qu'elle montre dans le détail et "
         "prévenez l'équipe de l'application (le portail de connexion n'est pas en cause)."),
        ("Application page failing",
         "The login works, but a page of the application after it does not show what it should: "
         "read the headings it shows in the details and tell the application's team (the login "
         "portal is not at fault)."),
    ),
    "paused": (
        ("Sonde en pause",
         "La sonde est en pause pour protéger le compte du verrouillage : corrigez le mot de "
         "passe ou l'inscription, puis lancez « python -m monitors resume {monitor} »."),
        ("Monitor paused",
         "The monitor is paused to protect the account from lockout: fix the password or the "
         "enrollment, then run 'python -m monitors resume {monitor}'."),
    ),
}  # fmt: skip

UNKNOWN_CAUSE = (
    ("Cause inconnue ({cause})",
     "La sonde a échoué pour une raison qu'elle ne sait pas nommer : lisez la dernière erreur et "
     "le journal du runner."),
    ("Unknown cause ({cause})",
     "The probe failed for a reason it cannot name: read the last error and the runner's log."),
)  # fmt: skip

# Nouns that follow a number: (singular, plural) per language; French keeps 0 and 1 singular.
NOUNS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "test": (("test", "tests"), ("test", "tests")),
    "passed_test": (("test réussi", "tests réussis"), ("test passed", "tests passed")),
    "unsuccessful_test": (("test en échec ou cassé", "tests en échec ou cassés"),
                          ("failed or broken test", "failed or broken tests")),
    "probe": (("sonde", "sondes"), ("probe", "probes")),
    "failed_probe": (("sonde en échec", "sondes en échec"), ("failed probe", "failed probes")),
    "successful_login": (
        ("connexion réussie", "connexions réussies"), ("successful login", "successful logins")),
    "day": (("jour", "jours"), ("day", "days")),
}  # fmt: skip

MESSAGES: dict[str, tuple[str, str]] = {
    # -- shared words
    "n_a": ("n.d.", "n/a"),
    "unit.day": ("j", "d"),
    "status.ok": ("réussie", "ok"),
    "status.degraded": ("dégradée", "degraded"),
    "status.failed": ("en échec", "failed"),
    "status.passed": ("réussi", "passed"),
    "status.broken": ("cassé", "broken"),
    "status.skipped": ("ignoré", "skipped"),
    "step.open": ("Ouverture", "Open"),
    "step.login": ("Connexion", "Log in"),
    "step.scan": ("Lecture du code QR", "QR scan"),
    "step.code": ("Code", "Code"),
    "step.device": ("Appareil", "Device"),
    "step.home": ("Accueil", "Home"),
    # -- alerts (monitors/alerts.py)
    "alert.title.down": ("[eEspresso] PANNE {monitor} : {cause}",
                         "[eEspresso] DOWN {monitor}: {cause}"),
    "alert.title.still_down": ("[eEspresso] TOUJOURS EN PANNE {monitor} : {cause}",
                               "[eEspresso] still DOWN {monitor}: {cause}"),
    "alert.title.paused": ("[eEspresso] EN PAUSE {monitor} : {cause}",
                           "[eEspresso] PAUSED {monitor}: {cause}"),
    "alert.title.still_paused": ("[eEspresso] TOUJOURS EN PAUSE {monitor} : {cause}",
                                 "[eEspresso] still PAUSED {monitor}: {cause}"),
    "alert.title.warning": ("[eEspresso] AVERTISSEMENT {monitor} : {cause}",
                            "[eEspresso] WARNING {monitor}: {cause}"),
    "alert.details": ("Détails : {details}", "Details: {details}"),
    "alert.title.recovered": ("[eEspresso] RÉTABLI {monitor}", "[eEspresso] RECOVERED {monitor}"),
    "alert.monitor": ("Sonde : {monitor}", "Monitor: {monitor}"),
    "alert.target": ("Cible : {target}", "Target: {target}"),
    "alert.recovered_at": ("Rétabli le {when}, après {duration}",
                           "Recovered at: {when} after {duration}"),
    "alert.cause_was": ("La cause était : {cause}", "Cause was: {cause}"),
    "alert.cause": ("Cause : {cause} ({code})", "Cause: {cause} ({code})"),
    "alert.advice": ("Que faire : {advice}", "What to do: {advice}"),
    "alert.since": ("Depuis : {when} ({failures})", "Since: {when} ({failures})"),
    "alert.last_error": ("Dernière erreur : {error}", "Last error: {error}"),
    "alert.failed_step": ("Étape en échec : {step}", "Failed step: {step}"),
    "alert.report": ("Rapport : {url}", "Report: {url}"),
    "alert.screens.both": (
        "Captures jointes, secrets masqués : {failed} (écran de l'échec) et {last_ok} (dernière "
        "réussite de la même étape)",
        "Attached screenshots, secrets masked: {failed} (the failing screen) and {last_ok} (the "
        "last success of the same step)"),
    "alert.screens.failed_only": (
        "Capture jointe, secrets masqués : {failed} (écran de l'échec, sans réussite antérieure "
        "de cette étape)",
        "Attached screenshot, secrets masked: {failed} (the failing screen; this step has no "
        "earlier success)"),
    "alert.file.failed": ("echec-{step}.png", "failure-{step}.png"),
    "alert.file.last_ok": ("derniere-reussite-{step}.png", "last-success-{step}.png"),
    # -- status, as text (python -m monitors status) and as a page (monitors/status_page.py)
    "status.col.monitor": ("sonde", "monitor"),
    "status.col.day": ("24 h", "24 h"),
    "status.col.week": ("7 j", "7 d"),
    "status.col.quarter": ("90 j", "90 d"),
    "status.col.probes": ("sondes 7 j", "probes 7 d"),
    "status.col.last": ("dernière", "last"),
    "status.never": ("jamais", "never"),
    "status.last": ("{status} le {when}", "{status} at {when}"),
    "status.paused": ("EN PAUSE : {advice}", "PAUSED: {advice}"),
    "status.tls": ("certificat TLS : {expiry}", "TLS certificate: {expiry}"),
    "status.password": ("mot de passe : {expiry}", "password: {expiry}"),
    "expiry.future": ("expire le {when} (dans {left})", "expires on {when} (in {left})"),
    "expiry.past": ("expiré depuis le {when}", "expired on {when}"),
    "expiry.unknown": ("inconnue (pas encore relevée)", "unknown (not reported yet)"),
    "expiry.not_https": ("sans objet (cible http)", "n/a (http target)"),
    "status.incidents_none": ("incidents ouverts : aucun", "open incidents: none"),
    "status.incidents": ("incidents ouverts :", "open incidents:"),
    "status.incident": ("{monitor} : {cause} depuis {when} ({duration}), {failures}; dernière "
                        "erreur : {error}",
                        "{monitor}: {cause} since {when} ({duration}), {failures}; last error: "
                        "{error}"),
    "status.advice": ("que faire : {advice}", "what to do: {advice}"),
    "status.written": ("page d'état écrite dans {path}", "status page written to {path}"),
    "page.title": ("État des sondes eEspresso", "eEspresso monitors status"),
    "page.generated": ("Généré le {when}", "Generated {when}"),
    "page.refresh": ("Cette page se recharge toutes les {seconds} s.",
                     "This page reloads every {seconds} s."),
    "page.report": ("Rapport détaillé", "Detailed report"),
    "page.incidents": ("Incidents ouverts", "Open incidents"),
    "page.paused": ("Comptes en pause", "Paused accounts"),
    "page.none": ("Aucun.", "None."),
    "page.maintenance": ("Fenêtres de maintenance en cours", "Maintenance windows open"),
    "page.maintenance_day": ("sondes en maintenance (hors disponibilité)",
                             "probes in maintenance (not in uptime)"),
    "page.cell_maintenance": ("{probes} en maintenance, hors disponibilité",
                              "{probes} in maintenance, not in uptime"),
    "page.in_maintenance": ("En maintenance jusqu'au {when} : {reason}",
                            "In maintenance until {when}: {reason}"),
    "page.col.until": ("Jusqu'au", "Until"),
    "page.col.reason": ("Raison", "Reason"),
    "page.col.monitor": ("Sonde", "Monitor"),
    "page.col.account": ("Compte", "Account"),
    "page.col.cause": ("Cause", "Cause"),
    "page.col.advice": ("Que faire", "What to do"),
    "page.col.since": ("Depuis", "Since"),
    "page.col.duration": ("Durée", "Duration"),
    "page.col.failures": ("Sondes en échec", "Failed probes"),
    "page.col.last_error": ("Dernière erreur", "Last error"),
    "page.col.step": ("Étape", "Step"),
    "page.uptime": ("Disponibilité : 24 h {day}, 7 jours {week}, 90 jours {quarter} ({probes} "
                    "en 7 jours)",
                    "Uptime: 24 h {day}, 7 days {week}, 90 days {quarter} ({probes} in 7 days)"),
    "page.strip": ("Disponibilité par jour, 90 derniers jours (UTC)",
                   "Uptime per day, last 90 days (UTC)"),
    "page.cell": ("{day} : {uptime} ({probes})", "{day}: {uptime} ({probes})"),
    "page.cell_empty": ("{day} : aucune donnée", "{day}: no data"),
    "page.no_data": ("aucune donnée", "no data"),
    "page.durations": ("Durée par étape, dernières 24 h (UTC)",
                       "Duration per step, last 24 h (UTC)"),
    "page.durations_alt": ("Durée de chaque étape de {monitor} en millisecondes, dernières 24 h",
                           "Duration of each step of {monitor} in milliseconds, last 24 h"),
    "page.no_recent": ("Aucune sonde dans les dernières 24 h.", "No probe in the last 24 h."),
    "page.failed_probe": ("sonde en échec", "failed probe"),
    "page.percentiles": ("Durée par étape sur 7 jours", "Duration per step over 7 days"),
    "page.expiry": ("Échéances", "Expiry"),
    "page.tls": ("Certificat TLS", "TLS certificate"),
    "page.password": ("Mot de passe", "Password"),
    # -- release gate (reports/gate.py, reports/summary.py)
    "gate.title.pass": ("## Contrôle de mise en production : ✅ RÉUSSI",
                        "## Release gate: ✅ PASS"),
    "gate.title.fail": ("## Contrôle de mise en production : ❌ ÉCHEC ({n} sur {total} règles)",
                        "## Release gate: ❌ FAIL ({n} of {total} rules)"),
    "gate.tests": (
        "**Tests :** {total} au total — réussis : {passed}, en échec : {failed}, cassés : {broken},"
        " ignorés : {skipped}, instables : {flaky} (résultats : `{folder}`)",
        "**Tests:** {total} total, {passed} passed, {failed} failed, {broken} broken,"
        " {skipped} skipped, {flaky} flaky (results: `{folder}`)"),
    "gate.rules_head": ("| règle | résultat | détail |", "| rule | result | detail |"),
    "gate.cell.pass": ("réussie", "pass"),
    "gate.cell.fail": ("**ÉCHEC**", "**FAIL**"),
    "gate.failed_tests": ("### Tests en échec", "### Failed tests"),
    "gate.failed_head": ("| test | statut | cause |", "| test | status | cause |"),
    "gate.monitors": ("### Sondes (dernières {hours} h)", "### Monitors (last {hours} h)"),
    "gate.uptime": ("- disponibilité : {uptime} ({up} sur {probes} en service)",
                    "- uptime: {uptime} ({up} of {probes} up)"),
    "gate.p95": ("- p95 du temps de connexion : {p95} ({logins})",
                 "- p95 login time: {p95} ({logins})"),
    "gate.report": ("Rapport : [rapport HTML]({url})", "Report: [HTML report]({url})"),
    "gate.no_report": ("Rapport : aucun rapport HTML lié", "Report: no HTML report linked"),
    "gate.line": ("{rule} : {detail}", "{rule}: {detail}"),
    "gate.line.pass": ("RÉUSSI", "PASS"),
    "gate.line.fail": ("ÉCHEC", "FAIL"),
    "gate.verdict": ("contrôle : {verdict} ({n} sur {total} en échec)",
                     "gate: {verdict} ({n} of {total} failed)"),
    "gate.rule.max_failures": ("{tests}, au plus {max}", "{tests}, at most {max}"),
    "gate.rule.min_tests": ("{tests}, au moins {min}", "{tests}, at least {min}"),
    "gate.rule.success_rate": ("taux de réussite {rate}, au moins {min}",
                               "success rate {rate}, at least {min}"),
    "gate.rule.journey_missing": ("absent : aucun test avec {label}={journey}",
                                  "missing: no test with {label}={journey}"),
    "gate.rule.journey_failed": ("non réussi : {tests}", "not passed: {tests}"),
    "gate.rule.severity_failed": ("tests en échec de gravité {names} : {tests}",
                                  "failed tests of severity {names}: {tests}"),
    "gate.rule.severity_ok": ("aucun test en échec de gravité {names}",
                              "no failed test of severity {names}"),
    "gate.none": ("aucune", "none"),
    "gate.rule.flaky_none": ("aucun test réussi seulement à la relance",
                             "no test passed only on retry"),
    "gate.rule.flaky_failed": ("réussis seulement à la relance, comptés en échec : {names}",
                               "passed only on retry, counted as failed: {names}"),
    "gate.rule.flaky_tolerated": ("réussis seulement à la relance, tolérés par la politique : "
                                  "{names}", "passed only on retry, tolerated by policy: {names}"),
    "gate.window": ("dernières {hours} h", "last {hours} h"),
    "gate.rule.uptime": ("{uptime} en service sur {probes} ({window}), cible {target}",
                         "{uptime} of {probes} up over the {window}, target {target}"),
    "gate.rule.no_login": ("aucune sonde {journey} réussie ({window})",
                           "no successful {journey} probe over the {window}"),
    "gate.rule.p95": ("p95 {journey} {p95} ms sur {probes} ({window}), limite {max} ms",
                      "p95 {journey} {p95} ms over {probes} in the {window}, bound {max} ms"),
    "gate.test_item": ("{name} ({status} : {cause})", "{name} ({status}: {cause})"),
    "gate.more": (" et {n} de plus", " and {n} more"),
}  # fmt: skip
