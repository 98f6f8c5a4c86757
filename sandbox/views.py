"""The portal's pages (docs/portal.md "First access" and "Later accesses").

Flow: login (CIP + password) → first access: set-up page (QR, code, device name on one page,
or code then device name on two pages) → home; later access: code page → home. Notices may
come after the password and after the code, and the first access may end on a confirmation
page (``sandbox.notices``). The session
``stage`` says which page the person may post to next. State changes happen under the store
lock; the set-up page's QR (the costliest render) is drawn outside it on the normal path.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from sandbox import rules, wording
from sandbox.config import instance_variants
from sandbox.core import current
from sandbox.qr import render as render_qr
from sandbox.store import Account

bp = Blueprint("portal", __name__)

CIP_MAX = 64
PASSWORD_MIN, PASSWORD_MAX = 14, 20  # seed: "14 à 20 caractères"
DEVICE_MAX = 40


def page(template: str, status: int = 200, variants: dict[str, Any] | None = None, **ctx: Any):
    """Render ``template`` in the wording of ``variants`` (the instance's by default)."""
    variants = variants or instance_variants(current().config)
    w = wording.wording(variants["wording"])
    return render_template(template, w=w, a11y=variants["a11y"], **ctx), status


def message_page(status: int, heading: str | None = None, message: str | None = None):
    """A French error page with the support numbers; never a traceback. It links back to the
    login page where the app has one (an identity server's outage page has none)."""
    default_heading, default_message = wording.ERRORS.get(status, wording.ERRORS[400])
    has_login = "portal.index" in current_app.view_functions
    return page(
        "message.html",
        status,
        heading=heading or default_heading,
        message=message or default_message,
        show_support=True,
        back_url=url_for("portal.index") if has_login else None,
    )


def locked_page():
    """Lockout page (HTTP 423 Locked) with the support numbers (docs/portal.md "Behaviour")."""
    config = current().config
    text = wording.LOCKED_TEXT.format(
        threshold=config["LOCKOUT_THRESHOLD"], minutes=round(config["LOCKOUT_SECONDS"] / 60)
    )
    _end_session()
    return message_page(423, wording.LOCKED_HEADING, text)


def _end_session() -> None:
    session.clear()
    session.ended = True  # type: ignore[attr-defined]


def advance(account: Account, moment: str, stage: str, endpoint: str) -> Response:
    """Go on to ``stage`` (its page is ``endpoint``), through the notices the account shows
    after ``moment`` ("password" or "code") first (``sandbox.notices``)."""
    pending = rules.notices(account.variants, moment)
    if not pending:
        session["stage"] = stage
        return redirect(url_for(endpoint))
    session.update(stage="notice", notices=pending, then=stage, landing=endpoint)
    return redirect(url_for("notices.notice"))


def _start_stage(cip: str, stage: str) -> None:
    """Bind the session to ``cip`` at ``stage``; a new session id after the password."""
    csrf = session.get("csrf")
    session.clear()
    session.update(cip=cip, stage=stage, csrf=csrf)
    session.rotate = True  # type: ignore[attr-defined]


def _account_at(stage: str) -> Account | None:
    """The account whose session is at ``stage``, or None (no session, wrong page, or the
    account was deleted or its enrollment reset through the admin API meanwhile)."""
    if session.get("stage") != stage:
        return None
    account = current().store.accounts.get(session.get("cip", ""))
    if account is None or account.enrolled != (stage in ("code", "home")):
        return None
    return account


def at_stage(stage: str) -> Callable[[Callable[[Account], Any]], Callable[[], Any]]:
    """Give the view the session's account at ``stage``; a page reached out of order goes
    back to login on GET and gets a clear 403 on POST."""

    def decorate(view: Callable[[Account], Any]) -> Callable[[], Any]:
        @functools.wraps(view)
        def guarded() -> Any:
            account = _account_at(stage)
            if account is not None:
                return view(account)
            if request.method == "GET":
                return redirect(url_for("portal.index"))
            return message_page(403)

        return guarded

    return decorate


def _device_name() -> str | None:
    name = request.form.get("device_name", "").strip()
    return name if 0 < len(name) <= DEVICE_MAX and name.isprintable() else None


def _bad_code(account: Account) -> str:
    return wording.wording(account.variants["wording"])["bad_code"]


def _check(account: Account, now: float) -> str:
    """Check the posted code: "ok" (step remembered), "rejected" or "locked".

    Wrong and replayed codes get the same answer; only the audit tells them apart
    (RFC 6238 §5.2). Call with the store lock held.
    """
    sandbox = current()
    secret = account.secret if account.enrolled else account.pending_secret
    outcome, step = rules.check_code(
        secret or "",
        account.variants,
        request.form.get("code", ""),
        now,
        account.last_accepted_step,
    )
    if outcome is rules.CodeCheck.OK:
        account.last_accepted_step = step
        account.consecutive_failures = 0
        return "ok"
    locked = rules.register_failure(sandbox.store, account, outcome.value, now, sandbox.config)
    return "locked" if locked else "rejected"


@bp.get("/")
@bp.get("/connexion")
def index():
    if session.get("stage") == "home":
        return redirect(url_for("portal.home"))
    return page("login.html", cip="", notice=session.pop("notice", None))


def _login_refused(status: int, error: str, cip: str = ""):
    return page("login.html", status, cip=cip[:CIP_MAX], error=error)


@bp.post("/connexion", endpoint="login")
def login():
    sandbox = current()
    bad_credentials = wording.wording(sandbox.config["WORDING"])["bad_credentials"]
    cip = request.form.get("cip", "").strip()
    password = request.form.get("password", "")
    if not cip or not password:
        return _login_refused(400, wording.MISSING_FIELDS, cip)
    if len(cip) > CIP_MAX:
        return _login_refused(401, bad_credentials)
    with sandbox.store.lock:
        now = sandbox.now()
        account = sandbox.store.accounts.get(cip)
        if account is not None and rules.is_locked(account, now):
            return locked_page()
        length_ok = PASSWORD_MIN <= len(password) <= PASSWORD_MAX
        if (
            account is None
            or not length_ok
            or not hmac.compare_digest(password.encode(), account.password.encode())
        ):
            if account is not None and rules.register_failure(
                sandbox.store, account, "password_rejected", now, sandbox.config
            ):
                return locked_page()
            if not length_ok:
                return _login_refused(400, wording.PASSWORD_LENGTH, cip)
            return _login_refused(401, bad_credentials, cip)
        if account.enrolled:
            _start_stage(cip, "code")
            return advance(account, "password", "code", "portal.verify")
        rules.pending_secret(account, now, sandbox.config["ENROLLMENT_TTL"])
        _start_stage(cip, "setup")
        return advance(account, "password", "setup", "portal.setup")


def _setup_page(account: Account, status: int = 200, **ctx: Any):
    sandbox = current()
    with sandbox.store.lock:
        variants = dict(account.variants)
        secret = account.pending_secret or ""
    uri = rules.provisioning_uri(account.cip, secret, variants, sandbox.config["ISSUER"])
    name = wording.wording(variants["wording"])["qr_name"]
    qr = render_qr(uri, variants["qr"], name)
    ctx.setdefault("device_name", "")
    # The key as text for people who cannot scan (docs/portal.md), in groups of four.
    key_text = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return page(
        "setup.html", status, variants, qr=qr, key_text=key_text, layout=variants["layout"], **ctx
    )


@bp.route("/configuration", methods=["GET", "POST"])
@at_stage("setup")
def setup(account: Account):
    sandbox = current()
    with sandbox.store.lock:
        now = sandbox.now()
        if rules.is_locked(account, now):
            return locked_page()
        if rules.enrollment_expired(account, now, sandbox.config["ENROLLMENT_TTL"]):
            sandbox.store.record(account.cip, "enrollment_expired", now)
            _end_session()
            return page("login.html", 410, cip="", error=wording.ENROLLMENT_EXPIRED)
        if request.method == "POST":
            one_page = account.variants["layout"] == "one-page"
            typed = request.form.get("device_name", "")[:DEVICE_MAX]
            device = _device_name()
            if one_page and device is None:
                return _setup_page(account, 400, error=wording.DEVICE_NAME, device_name=typed)
            verdict = _check(account, now)
            if verdict == "locked":
                return locked_page()
            if verdict == "rejected":
                return _setup_page(account, 401, error=_bad_code(account), device_name=typed)
            if one_page:
                return _finish_enrollment(account, device or "", now)
            session["stage"] = "device"
            session["verified_since"] = account.pending_since  # the secret the code proved
            return redirect(url_for("portal.device"))
    return _setup_page(account)


def _finish_enrollment(account: Account, device: str, now: float):
    rules.complete_enrollment(current().store, account, device, now)
    if account.variants["success"] != "home":  # the success text on a page of its own
        return advance(account, "code", "home", "notices.confirmation")
    session["notice"] = wording.wording(account.variants["wording"])["success"]
    return advance(account, "code", "home", "portal.home")


@bp.route("/configuration/appareil", methods=["GET", "POST"])
@at_stage("device")
def device(account: Account):
    sandbox = current()
    if request.method == "GET":
        return page("device.html", variants=account.variants, device_name="")
    name = _device_name()
    if name is None:
        typed = request.form.get("device_name", "")[:DEVICE_MAX]
        return page(
            "device.html", 400, account.variants, device_name=typed, error=wording.DEVICE_NAME
        )
    with sandbox.store.lock:
        if account.pending_since != session.get("verified_since"):
            # A new secret was issued since the code was checked (expiry, reset, new login).
            _end_session()
            return page("login.html", 410, cip="", error=wording.ENROLLMENT_EXPIRED)
        return _finish_enrollment(account, name, sandbox.now())


@bp.route("/verification", methods=["GET", "POST"])
@at_stage("code")
def verify(account: Account):
    sandbox = current()
    if request.method == "GET":
        return page("code.html", variants=account.variants)
    with sandbox.store.lock:
        now = sandbox.now()
        if rules.is_locked(account, now):
            return locked_page()
        verdict = _check(account, now)
        if verdict == "ok":
            sandbox.store.record(account.cip, "login_ok", now)
            return advance(account, "code", "home", "portal.home")
    if verdict == "locked":
        return locked_page()
    return page("code.html", 401, account.variants, error=_bad_code(account))


@bp.get("/accueil")
@at_stage("home")
def home(account: Account):
    with current().store.lock:
        devices = list(account.devices)
    return page(
        "home.html",
        variants=account.variants,
        cip=account.cip,
        devices=devices,
        notice=session.pop("notice", None),
    )


@bp.post("/deconnexion", endpoint="logout")
def logout() -> Response:
    _end_session()
    return redirect(url_for("portal.index"))
