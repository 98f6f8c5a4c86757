"""Required actions at login: the OTP set-up (login-config-totp.ftl), the terms to accept
(terms.ftl) and a new password (login-update-password.ftl).

The OTP set-up page carries the secret three ways, as Keycloak's does: in the QR (a PNG data
URI), as text in manual mode (« Impossible de scanner? »), and in the hidden ``totpSecret``
input that the form posts back.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, request, session, url_for

from sandbox import rules
from sandbox.core import current
from sandbox.keycloak import flow
from sandbox.keycloak.config import CONFIGURE_TOTP, TERMS, UPDATE_PASSWORD
from sandbox.keycloak.messages import messages
from sandbox.keycloak.pages import action_url, check_realm, locale, page_expired, realm, render
from sandbox.keycloak.state import grouped, new_raw_secret, to_base32, to_raw
from sandbox.qr import png_base64
from sandbox.store import Account

bp = Blueprint("kc_actions", __name__, url_prefix="/realms/<realm>")
bp.url_value_preprocessor(check_realm)

LABEL_MAX = 255
# The password rule of the portal (seed: 14 to 20 characters), as a Keycloak password policy.
PASSWORD_MIN, PASSWORD_MAX = 14, 20
APPS = ("totpAppFreeOTPName", "totpAppGoogleName", "totpAppMicrosoftAuthenticatorName")


@bp.route("/login-actions/required-action", methods=["GET", "POST"])
def required_action():
    stage = session.get("stage")
    account = flow.session_account()
    if not flow.same_tab() or stage not in (CONFIGURE_TOTP, TERMS, UPDATE_PASSWORD):
        return page_expired()
    if account is None:
        return page_expired()
    if request.method == "GET":
        locale()
        return _page(stage, account)
    if not flow.fresh_form(stage):
        return page_expired()
    if stage == CONFIGURE_TOTP:
        return _configure_totp(account)
    if stage == TERMS:
        return _terms(account)
    return _update_password(account)


def _warning(key: str, errors: dict[str, str | None]) -> dict[str, str] | None:
    """The page's alert: why the action is asked, unless a field shows an error instead
    (``displayMessage=!messagesPerField.existsError(...)`` in the .ftl files)."""
    if any(errors.values()):
        return None
    return {"type": "warning", "summary": messages(locale())[key]}


def _page(stage: str, account: Account, **errors: str | None):
    if stage == CONFIGURE_TOTP:
        return _totp_page(account, **errors)
    if stage == TERMS:
        return render("terms", action=action_url())
    return render(
        "login-update-password",
        action=action_url(),
        attempted_username=account.cip,
        message=_warning("updatePasswordMessage", errors),
        **errors,
    )


def _totp_page(account: Account, **errors: str | None):
    sandbox = current()
    with sandbox.store.lock:
        now = sandbox.now()
        base32 = rules.pending_secret(
            account, now, sandbox.config["ENROLLMENT_TTL"], lambda: to_base32(new_raw_secret())
        )
        variants = dict(account.variants)
    mode = request.values.get("mode") if request.values.get("mode") == "manual" else None
    uri = rules.provisioning_uri(
        account.cip, base32, variants, sandbox.config["REALM_DISPLAY_NAME"]
    )
    here = {"realm": realm(), "execution": CONFIGURE_TOTP}
    tab = {"client_id": session.get("client_id", ""), "tab_id": session.get("tab_id", "")}
    return render(
        "login-config-totp",
        action=action_url(),
        mode=mode,
        qr_png=None if mode else png_base64(uri),
        secret_raw=to_raw(base32),
        secret_text=grouped(base32),
        manual_url=url_for("kc_actions.required_action", **here, **tab, mode="manual"),
        qr_url=url_for("kc_actions.required_action", **here, **tab),
        apps=APPS,
        policy=variants,
        attempted_username=account.cip,
        message=_warning("configureTotpMessage", errors),
        **errors,
    )


def _configure_totp(account: Account):
    sandbox = current()
    m = messages(locale())
    label = request.form.get("userLabel", "").strip()
    code = request.form.get("totp", "").strip()
    if not code:
        return _totp_page(account, totp_error=m["missingTotpMessage"])
    if len(label) > LABEL_MAX or not label.isprintable():
        return _totp_page(account, label_error=m["missingTotpDeviceNameMessage"])
    with sandbox.store.lock:
        now = sandbox.now()
        pending = account.pending_secret or ""
        sent = request.form.get("totpSecret", "")
        if not pending or not hmac.compare_digest(sent.encode(), to_raw(pending).encode()):
            sandbox.store.record(account.cip, "code_rejected", now)
            return _totp_page(account, totp_error=m["invalidTotpMessage"])
        outcome, step = rules.check_code(
            pending, account.variants, code, now, account.last_accepted_step
        )
        if outcome is not rules.CodeCheck.OK:
            sandbox.store.record(account.cip, outcome.value, now)
            return _totp_page(account, totp_error=m["invalidTotpMessage"])
        account.last_accepted_step = step
        rules.complete_enrollment(sandbox.store, account, label, now, login_done=False)
    return flow.after_authentication(account)


def _terms(account: Account):
    sandbox = current()
    if "accept" not in request.form:
        sandbox.store.record(account.cip, "terms_declined", sandbox.now())
        return flow.refuse_to_client("access_denied")
    with sandbox.store.lock:
        if TERMS in account.required_actions:
            account.required_actions.remove(TERMS)
        sandbox.store.record(account.cip, "terms_accepted", sandbox.now())
    return flow.after_authentication(account)


def _update_password(account: Account):
    sandbox = current()
    m = messages(locale())
    new = request.form.get("password-new", "")
    confirm = request.form.get("password-confirm", "")
    if not new:
        return _page(UPDATE_PASSWORD, account, password_error=m["missingPasswordMessage"])
    if new != confirm:
        return _page(UPDATE_PASSWORD, account, confirm_error=m["notMatchPasswordMessage"])
    if not PASSWORD_MIN <= len(new) <= PASSWORD_MAX:
        key, bound = (
            ("invalidPasswordMinLengthMessage", PASSWORD_MIN)
            if len(new) < PASSWORD_MIN
            else ("invalidPasswordMaxLengthMessage", PASSWORD_MAX)
        )
        return _page(UPDATE_PASSWORD, account, password_error=m[key].format(bound))
    with sandbox.store.lock:
        account.password = new
        if UPDATE_PASSWORD in account.required_actions:
            account.required_actions.remove(UPDATE_PASSWORD)
        sandbox.store.record(account.cip, "password_updated", sandbox.now())
    return flow.after_authentication(account)
