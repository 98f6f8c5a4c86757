"""Why a journey or a probe failed: one row per cause, and every word about it here only.

A cause's id is the value every output carries (the journey CLI's JSON, the history, the
metrics' and Allure's ``cause`` label). Its row says what it is about (the portal, the
monitoring account, the suite itself, or the network between them), how serious it is for
ops (``critical``: logins fail; ``warning``: act before they do), the release report's
category (one per thing a person does about it; several causes may share one), and, in
French (fr-CA) and English, a short title and the cause in plain words with the next action
after a colon. The CLI summary, the alerts, the status page, the Allure categories and the
release gate read this table; a unit test checks every row is whole in both languages and
that no other module writes a cause's words. French is written with ordinary spaces and
typeset by ``wording.typeset``; ``{cause}`` and ``{monitor}`` are ``str.format`` names.

Adding a cause is one member and one row here, and the place that finds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Cause(StrEnum):
    """Why a journey or a probe failed. The journeys' causes come first; then the probe's
    own: a certificate or the monitoring account's password about to expire, an account the
    vault holds no secret for, the probe itself breaking, the certificate faults the
    credential-free up-check finds, a paused account, a form the suite must not fill, and a
    page of the application after login that does not show what it should."""

    UNREACHABLE = "unreachable"
    HTTP_ERROR = "http_error"
    SLOW = "slow"
    CREDENTIALS_REJECTED = "credentials_rejected"
    CODE_REJECTED = "code_rejected"
    CLOCK_SKEW = "clock_skew"
    LOCKED_OUT = "locked_out"
    UNEXPECTED_PAGE = "unexpected_page"
    QR_UNREADABLE = "qr_unreadable"
    TLS_EXPIRING = "tls_expiring"
    PASSWORD_EXPIRING = "password_expiring"
    NOT_ENROLLED = "not_enrolled"
    PROBE_ERROR = "probe_error"
    TLS_EXPIRED = "tls_expired"
    TLS_INVALID = "tls_invalid"
    ACCOUNT_PAUSED = "account_paused"
    ACTION_REQUIRED = "action_required"
    APP_CHECK_FAILED = "app_check_failed"


class Kind(StrEnum):
    """Whose side a cause is on: who is told first."""

    PORTAL = "portal"
    ACCOUNT = "account"
    SUITE = "suite"
    NETWORK = "network"


@dataclass(frozen=True)
class CauseRow:
    kind: Kind
    severity: Literal["critical", "warning"]
    category: str  # the release report's category (Allure), in English like Allure's own
    fr: tuple[str, str]  # (title, plain words: next action)
    en: tuple[str, str]


CAUSES: dict[Cause, CauseRow] = {
    Cause.UNREACHABLE: CauseRow(
        Kind.NETWORK, "critical", "Portal down",
        fr=("Portail injoignable",
            "Le portail ne répond pas à son adresse : vérifiez qu'il est en marche et que le "
            "réseau de la sonde l'atteint (DNS, pare-feu, VPN)."),
        en=("Portal unreachable",
            "The portal does not answer at its address: check that it is running and that the "
            "probe's network reaches it (DNS, firewall, VPN)."),
    ),
    Cause.HTTP_ERROR: CauseRow(
        Kind.PORTAL, "critical", "Portal down",
        fr=("Erreur HTTP du portail",
            "Le portail répond par une erreur HTTP : consultez les journaux de son serveur ou "
            "prévenez l'équipe qui l'exploite."),
        en=("Portal HTTP error",
            "The portal answers with an HTTP error: read its server's logs or tell the team "
            "that runs it."),
    ),
    Cause.SLOW: CauseRow(
        Kind.PORTAL, "warning", "Portal slow",
        fr=("Portail lent",
            "Le portail répond plus lentement que les seuils de la sonde : vérifiez la charge "
            "du serveur et du réseau, puis les seuils si cette lenteur est normale."),
        en=("Portal slow",
            "The portal answers more slowly than the probe's thresholds allow: check the "
            "server and network load, then the thresholds if this slowness is expected."),
    ),
    Cause.CREDENTIALS_REJECTED: CauseRow(
        Kind.ACCOUNT, "critical", "Credentials refused",
        fr=("Mot de passe refusé",
            "Le portail refuse le mot de passe du compte de surveillance : vérifiez qu'il n'a "
            "pas expiré, puis que la sonde lit le bon (password_env ou password_file)."),
        en=("Credentials refused",
            "The portal refuses the monitoring account's password: check that it has not "
            "expired, then that the probe reads the right one (password_env or password_file)."),
    ),
    Cause.CODE_REJECTED: CauseRow(
        Kind.ACCOUNT, "critical", "Authenticator code refused",
        fr=("Code de l'authentificateur refusé",
            "Le portail refuse le code à usage unique de la sonde : vérifiez que l'inscription"
            " du compte est toujours active, sinon refaites-la avec « python -m monitors "
            "enroll »."),
        en=("Authenticator code refused",
            "The portal refuses the probe's one-time code: check that the account's enrollment"
            " is still active, otherwise enroll again with 'python -m monitors enroll'."),
    ),
    Cause.CLOCK_SKEW: CauseRow(
        Kind.SUITE, "critical", "Clock drift",
        fr=("Horloges désynchronisées",
            "Les horloges du portail et de la sonde ne concordent pas, donc les codes sont "
            "refusés : synchronisez l'horloge de la sonde (NTP) et signalez l'écart à l'équipe"
            " du portail."),
        en=("Clock drift",
            "The clocks of the portal and of the probe disagree, so codes are refused: "
            "synchronise the probe's clock (NTP) and report the offset to the portal's team."),
    ),
    Cause.LOCKED_OUT: CauseRow(
        Kind.ACCOUNT, "critical", "Account locked",
        fr=("Compte verrouillé",
            "Le compte de surveillance est verrouillé : faites-le déverrouiller par le centre "
            "de soutien avant que la sonde ne réessaie."),
        en=("Account locked",
            "The monitoring account is locked: have the support desk unlock it before the "
            "probe tries again."),
    ),
    Cause.UNEXPECTED_PAGE: CauseRow(
        Kind.PORTAL, "critical", "Portal markup changed",
        fr=("Page inattendue",
            "Le portail affiche une page que la sonde ne connaît pas (interface modifiée?) : "
            "comparez la capture de l'échec avec la dernière réussite, puis adaptez le profil "
            "du portail."),
        en=("Portal markup changed",
            "The portal shows a page the probe does not know (markup changed?): compare the "
            "failing screenshot with the last success, then update the portal profile."),
    ),
    Cause.QR_UNREADABLE: CauseRow(
        Kind.PORTAL, "critical", "QR code unreadable",
        fr=("Code QR illisible",
            "Le code QR d'inscription n'a pas pu être lu : vérifiez que l'écran d'inscription "
            "affiche encore un code QR, puis relancez l'inscription."),
        en=("QR code unreadable",
            "The enrollment QR code could not be read: check that the enrollment screen still "
            "shows a QR code, then run the enrollment again."),
    ),
    Cause.TLS_EXPIRING: CauseRow(
        Kind.PORTAL, "warning", "TLS certificate expiring",
        fr=("Certificat TLS bientôt expiré",
            "Le certificat TLS du portail expire bientôt : demandez son renouvellement à "
            "l'équipe du portail."),
        en=("TLS certificate expiring",
            "The portal's TLS certificate expires soon: ask the portal's team to renew it."),
    ),
    Cause.PASSWORD_EXPIRING: CauseRow(
        Kind.ACCOUNT, "warning", "Password expiring",
        fr=("Mot de passe bientôt expiré",
            "Le portail annonce que le mot de passe du compte de surveillance expire bientôt :"
            " changez-le, puis mettez à jour le fichier ou la variable du mot de passe de la "
            "sonde."),
        en=("Password expiring",
            "The portal says the monitoring account's password expires soon: change it, then "
            "update the probe's password file or variable."),
    ),
    Cause.NOT_ENROLLED: CauseRow(
        Kind.SUITE, "critical", "Account not enrolled",
        fr=("Compte non inscrit",
            "Le coffre de la sonde n'a aucune inscription active pour ce compte : inscrivez-le"
            " une fois avec « python -m monitors enroll »."),
        en=("Account not enrolled",
            "The probe's vault has no active enrollment for this account: enroll it once with "
            "'python -m monitors enroll'."),
    ),
    Cause.PROBE_ERROR: CauseRow(
        Kind.SUITE, "critical", "Probe error",
        fr=("Erreur de la sonde",
            "La sonde elle-même a échoué (navigateur planté ou délai dépassé), pas forcément "
            "le portail : consultez le journal du runner."),
        en=("Probe error",
            "The probe itself failed (browser crash or timeout), not necessarily the portal: "
            "read the runner's log."),
    ),
    Cause.TLS_EXPIRED: CauseRow(
        Kind.PORTAL, "critical", "TLS certificate expired",
        fr=("Certificat TLS expiré",
            "Le certificat TLS du portail est expiré, les navigateurs le refusent : demandez à"
            " l'équipe du portail de le renouveler sans attendre."),
        en=("TLS certificate expired",
            "The portal's TLS certificate has expired: browsers refuse the portal; ask the "
            "portal's team to renew it now."),
    ),
    Cause.TLS_INVALID: CauseRow(
        Kind.NETWORK, "critical", "TLS certificate not trusted",
        fr=("Certificat TLS non reconnu",
            "Le certificat TLS du portail n'est pas reconnu (nom ou autorité) : vérifiez "
            "l'adresse surveillée, puis signalez-le à l'équipe du portail."),
        en=("TLS certificate not trusted",
            "The portal's TLS certificate is not trusted (name or issuer): check the monitored"
            " address, then report it to the portal's team."),
    ),
    Cause.ACCOUNT_PAUSED: CauseRow(
        Kind.SUITE, "critical", "Account paused",
        fr=("Compte en pause",
            "Des mots de passe ou des codes envoyés sans preuve d'acceptation ont mis le "
            "compte en pause pour le protéger du verrouillage : corrigez la cause, puis lancez"
            " « python -m monitors resume {monitor} »."),
        en=("Account paused",
            "Passwords or codes sent without proof of acceptance paused the account to protect"
            " it from lockout: fix the cause, then run 'python -m monitors resume {monitor}'."),
    ),
    Cause.ACTION_REQUIRED: CauseRow(
        Kind.ACCOUNT, "critical", "Action required at the portal",
        fr=("Action requise sur le portail",
            "Le portail demande une action que la sonde ne doit pas faire (choisir un nouveau "
            "mot de passe, accepter des conditions); rien n'a été envoyé : faites-la une fois "
            "dans un navigateur avec le compte de surveillance, puis mettez à jour le mot de "
            "passe de la sonde s'il a changé."),
        en=("Action required at the portal",
            "The portal asks for something the probe must not do (choose a new password, "
            "accept terms); nothing was submitted: do it once in a browser with the monitoring"
            " account, then update the probe's password if it changed."),
    ),
    Cause.APP_CHECK_FAILED: CauseRow(
        Kind.PORTAL, "critical", "Application page broken",
        fr=("Page de l'application en échec",
            "La connexion fonctionne, mais une page de l'application après la connexion ne "
            "s'affiche pas comme prévu : lisez les titres qu'elle montre dans le détail et "
            "prévenez l'équipe de l'application (le portail de connexion n'est pas en cause)."),
        en=("Application page failing",
            "The login works, but a page of the application after it does not show what it "
            "should: read the headings it shows in the details and tell the application's team"
            " (the login portal is not at fault)."),
    ),
}  # fmt: skip

#: The words of a cause this table does not know (a newer runner's history, a typo).
UNKNOWN = CauseRow(
    Kind.SUITE, "critical", "Other failures",
    fr=("Cause inconnue ({cause})",
        "La sonde a échoué pour une raison qu'elle ne sait pas nommer : lisez la dernière "
        "erreur et le journal du runner."),
    en=("Unknown cause ({cause})",
        "The probe failed for a reason it cannot name: read the last error and the runner's "
        "log."),
)  # fmt: skip
