"""Keycloak's end-session endpoint (OpenID Connect RP-Initiated Logout 1.0).

The application sends the browser to ``/protocol/openid-connect/logout`` with its
``client_id`` and a ``post_logout_redirect_uri``. Without an ``id_token_hint`` (the stand-in
issues no ID token) Keycloak asks first (``logout-confirm.ftl``: « Voulez-vous vous
déconnecter ? », one button « Se déconnecter », ``id="kc-logout"``); the confirmation ends
the user's SSO session and sends the browser back to the application, or shows
« Vous êtes déconnecté » when no return address was given.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request, session, url_for

from sandbox.keycloak.pages import check_realm, error_page, new_session_code, realm, render
from sandbox.keycloak.state import state_of

bp = Blueprint("kc_logout", __name__, url_prefix="/realms/<realm>")
bp.url_value_preprocessor(check_realm)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _valid_return(uri: str) -> bool:
    """A return address on the origin of one of the client's redirect URIs: Keycloak's
    default « Valid post logout redirect URIs » (``+``) reuses the valid redirect URIs."""
    registered = state_of(current_app).redirect_uris
    return bool(uri) and any(_origin(uri) == _origin(known) for known in registered)


@bp.get("/protocol/openid-connect/logout")
def logout():
    """RP-Initiated Logout §2: check the client and the return address, then ask."""
    back = request.args.get("post_logout_redirect_uri", "")
    if back:
        if request.args.get("client_id") != state_of(current_app).client_id:
            return error_page("clientNotFoundMessage", 400)
        if not _valid_return(back):
            return error_page("invalidRedirectUriMessage", 400)
    session["logout_redirect"] = back
    action = url_for("kc_logout.confirm", realm=realm())
    return render("logout-confirm", action=action, session_code=new_session_code())


@bp.post("/protocol/openid-connect/logout/logout-confirm")
def confirm():
    """End the SSO session, once: a stale or forged form changes nothing."""
    expected, sent = session.get("code", ""), request.form.get("session_code", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return error_page("invalidRequestMessage", 400)
    back = session.get("logout_redirect", "")
    session.clear()
    session.ended = True  # type: ignore[attr-defined]
    if back:
        return redirect(back)
    return render("info")
