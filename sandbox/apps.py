"""The application behind the login: a few eEspresso pages reached from the home page.

A probe that stops at the home page passes while the application is broken, so the sandbox
has pages a monitor can check once logged in (« Mes talons de paie », « Mon dossier »), and a
fault (``broken_pages``, admin API) that breaks one: it still answers 200, as an application
does whose back end is down behind a working front end, but shows an error instead of its
content.
"""

from __future__ import annotations

from flask import Blueprint

from sandbox.core import current
from sandbox.faults import broken
from sandbox.store import Account
from sandbox.views import at_stage, page

bp = Blueprint("apps", __name__)

#: path → (heading, what the page lists); the home page links each one by its heading.
PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "/talons-de-paie": (
        "Mes talons de paie",
        ("Paie du 2026-11-20 : 2 145,32 $", "Paie du 2026-11-06 : 2 145,32 $"),
    ),
    "/dossier": ("Mon dossier", ("Statut : temps complet permanent", "Port d'attache : CHUS")),
}
BROKEN_HEADING = "Service temporairement indisponible"
BROKEN_TEXT = "Cette page ne peut pas être affichée pour le moment. Réessayez plus tard."


def _app_page(path: str, account: Account):
    heading, lines = PAGES[path]
    with current().store.lock:
        faults = current().store.faults
        failing = broken(faults, path)
    if failing:
        return page("app_page.html", variants=account.variants, heading=BROKEN_HEADING,
                    error=BROKEN_TEXT, lines=())  # fmt: skip
    return page("app_page.html", variants=account.variants, heading=heading, lines=lines)


@bp.get("/talons-de-paie", endpoint="pay_stubs")
@at_stage("home")
def pay_stubs(account: Account):
    return _app_page("/talons-de-paie", account)


@bp.get("/dossier", endpoint="file")
@at_stage("home")
def employee_file(account: Account):
    return _app_page("/dossier", account)
