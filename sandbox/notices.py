"""The pages between the steps: notices and the first access's confirmation page.

Per-account variants (admin API): ``notices`` shows a password-expiry notice after the
password (``expiry_days`` days left), and a notice to acknowledge and a "remember this
computer" question after the code; ``success`` puts the seed's success text on a
confirmation page of its own, with a link on to eEspresso (``page``) or without
(``page-only``). ``notice_words`` (admin API) replace a notice's heading, text and way-on
name with any text, as a hostile page would show. Every answer is audited
(``notice_<kind>_<answer>``), so a test proves which button a journey pressed; an answer that
starts a change ends on a page no journey knows.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for

from sandbox import wording
from sandbox.core import current
from sandbox.store import Account
from sandbox.views import at_stage, message_page, page

bp = Blueprint("notices", __name__)


def _notice_page(kind: str, account: Account, status: int = 200):
    notice = wording.NOTICES[kind]
    text = str(notice["text"]).format(days=account.variants["expiry_days"])
    words = account.notice_words  # set through the admin API, else the notice's own
    changes: tuple[str, ...] = notice["changes"]  # type: ignore[assignment]
    answers = [
        (value, label if value in changes else words.get("button", label))
        for value, label in notice["answers"]  # type: ignore[attr-defined]
    ]
    return page(
        "notice.html",
        status,
        account.variants,
        heading=words.get("heading", notice["heading"]),
        text=words.get("text", text),
        answers=answers,
    )


@bp.route("/avis", methods=["GET", "POST"])
def notice():
    """The first pending notice; its answer leads to the next one, then on to the stage."""
    pending = list(session.get("notices") or [])
    account = current().store.accounts.get(session.get("cip", ""))
    if session.get("stage") != "notice" or not pending or account is None:
        return redirect(url_for("portal.index")) if request.method == "GET" else message_page(403)
    kind = pending[0]
    if request.method == "GET":
        return _notice_page(kind, account)
    answer = request.form.get("answer", "")
    notice = wording.NOTICES[kind]
    if answer not in dict(notice["answers"]):  # type: ignore[arg-type]
        return _notice_page(kind, account, 400)
    sandbox = current()
    sandbox.store.record(account.cip, f"notice_{kind}_{answer}", sandbox.now())
    if answer in notice["changes"]:  # type: ignore[operator]
        session.clear()
        session.ended = True  # type: ignore[attr-defined]
        heading, message = wording.CHANGE_REFUSED
        return message_page(200, heading, message)
    if pending[1:]:
        session["notices"] = pending[1:]
        return redirect(url_for("notices.notice"))
    landing = session.pop("landing")
    session["stage"] = session.pop("then")
    session.pop("notices")
    return redirect(url_for(landing))


@bp.get("/configuration/terminee")
@at_stage("home")
def confirmation(account: Account):
    """« Vous avez maintenant accès à votre eEspresso », with or without a link on."""
    success = wording.wording(account.variants["wording"])["success"]
    return page(
        "confirmation.html",
        variants=account.variants,
        heading=wording.CONFIRMATION_HEADING,
        success=success,
        way_on=wording.WAY_ON if account.variants["success"] == "page" else None,
    )
