"""The authorization endpoint and the login forms: username and password, then the OTP.

A locked account (brute-force detection) is answered exactly like a wrong password, with
Keycloak's generic « Nom d'utilisateur ou mot de passe invalide. »: the person, and a
probe, cannot tell a lockout from a typo (OWASP Authentication Cheat Sheet, "Account
lockout"). Failures are counted per account and shown by the admin API.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, current_app, redirect, request, session

from sandbox import rules
from sandbox.core import current
from sandbox.keycloak import flow
from sandbox.keycloak.messages import LOCALES, messages
from sandbox.keycloak.pages import (
    EXECUTIONS,
    action_url,
    check_realm,
    continue_url,
    error_page,
    locale,
    page_expired,
    render,
)
from sandbox.keycloak.state import state_of
from sandbox.store import Account

bp = Blueprint("kc_login", __name__, url_prefix="/realms/<realm>")
bp.url_value_preprocessor(check_realm)

USERNAME_MAX = 255  # Keycloak's username column length


@bp.get("/protocol/openid-connect/auth")
def auth():
    """Start a browser login (OpenID Connect Core §3.1.2.1); the login form is the answer."""
    kc = state_of(current_app)
    args = request.args
    if args.get("client_id") != kc.client_id:
        return error_page("clientNotFoundMessage", 400)
    if args.get("redirect_uri") not in kc.redirect_uris:
        return error_page("invalidRedirectUriMessage", 400)
    if args.get("response_type") != "code":
        return error_page("invalidParameterMessage", 400, "response_type")
    asked = [tag for tag in args.get("ui_locales", "").split() if tag in LOCALES]
    session.clear()
    session.update(
        tab_id=secrets.token_urlsafe(8),
        client_id=kc.client_id,
        redirect_uri=args["redirect_uri"],
        state=args.get("state", ""),
        nonce=args.get("nonce", ""),
        locale=asked[0] if asked else current_app.config["LOCALE"],
    )
    session.rotate = True  # type: ignore[attr-defined]
    flow.go_to("login")
    return login_page()


def login_page(username: str = "", error: str | None = None, status: int = 200):
    return render("login", status, action=action_url(), username=username, error=error)


def otp_page(account: Account, error: str | None = None):
    return render("login-otp", action=action_url(), attempted_username=account.cip, otp_error=error)


@bp.route("/login-actions/authenticate", methods=["GET", "POST"])
def authenticate():
    stage = session.get("stage")
    if not flow.same_tab() or stage not in EXECUTIONS:
        if flow.same_tab() and stage:  # a required action is due: draw it instead
            return redirect(action_url())
        return page_expired()
    if request.method == "GET":
        locale()  # honour kc_locale on a redraw
        account = flow.session_account()
        return otp_page(account) if stage == "otp" and account else login_page()
    if not flow.fresh_form(EXECUTIONS[stage]):
        return page_expired()
    return _password() if stage == "login" else _otp()


def _find_user(username: str) -> Account | None:
    """Keycloak stores user names in lower case and finds them whatever the case typed."""
    accounts = current().store.accounts
    wanted = username.lower()
    return next((a for a in accounts.values() if a.cip.lower() == wanted), None)


def _password():
    sandbox = current()
    invalid = messages(locale())["invalidUserMessage"]
    username = request.form.get("username", "").strip()[:USERNAME_MAX]
    password = request.form.get("password", "")
    with sandbox.store.lock:
        now = sandbox.now()
        account = _find_user(username)
        if account is None:
            return login_page(username, invalid)
        if rules.is_locked(account, now):
            sandbox.store.record(account.cip, "password_refused_locked", now)
            return login_page(username, invalid)
        if not hmac.compare_digest(password.encode(), account.password.encode()):
            rules.register_failure(sandbox.store, account, "password_rejected", now, sandbox.config)
            return login_page(username, invalid)
    session["cip"] = account.cip
    if account.enrolled:
        flow.go_to("otp")
        return otp_page(account)
    return flow.after_authentication(account)


def _otp():
    sandbox = current()
    account = flow.session_account()
    if account is None or not account.enrolled:
        return page_expired()
    with sandbox.store.lock:
        now = sandbox.now()
        if rules.is_locked(account, now):
            sandbox.store.record(account.cip, "code_refused_locked", now)
            return otp_page(account, messages(locale())["invalidTotpMessage"])
        outcome, step = rules.check_code(
            account.secret or "",
            account.variants,
            request.form.get("otp", ""),
            now,
            account.last_accepted_step,
        )
        if outcome is not rules.CodeCheck.OK:
            rules.register_failure(sandbox.store, account, outcome.value, now, sandbox.config)
            return otp_page(account, messages(locale())["invalidTotpMessage"])
        account.last_accepted_step = step
    return flow.after_authentication(account)


@bp.get("/login-actions/restart")
def restart():
    """« Redémarrer la connexion »: the same tab, back to the username and password."""
    if not flow.same_tab():
        return page_expired()
    session.pop("cip", None)
    flow.go_to("login")
    return redirect(continue_url())
