"""The identity server's app factory and its OpenID Connect back channel.

``create_idp_app`` serves the realm's browser pages (``login_flow``, ``actions``, ``logout``),
the token and userinfo endpoints the application calls server to server, and the sandbox
admin API (accounts, faults, audit, request log, plus ``required-actions``). It shares the stand-in
portal's store, rules, sessions and faults; only the pages and the protocol are Keycloak's.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from sandbox import admin, faults, security
from sandbox.app import MAX_BODY, log_request
from sandbox.core import Sandbox, current
from sandbox.faults import ADMIN_PREFIX
from sandbox.keycloak import actions, admin_ext, login_flow, logout
from sandbox.keycloak.config import build
from sandbox.keycloak.pages import check_realm, error_page
from sandbox.keycloak.state import Grant, KeycloakState, state_of
from sandbox.sessions import StoreSessionInterface
from sandbox.store import Store

AUTH_COOKIE = "AUTH_SESSION_ID"  # Keycloak's authentication-session cookie

oidc = Blueprint("kc_oidc", __name__, url_prefix="/realms/<realm>")
oidc.url_value_preprocessor(check_realm)


def _oauth_error(error: str, description: str, status: int = 400):
    """An OAuth error response (RFC 6749 §5.2) with Keycloak's descriptions."""
    return jsonify(error=error, error_description=description), status


def _client_credentials() -> tuple[str, str]:
    """client_secret_basic (RFC 6749 §2.3.1) or client_secret_post."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return "", ""
        return client_id, secret
    return request.form.get("client_id", ""), request.form.get("client_secret", "")


@oidc.post("/protocol/openid-connect/token")
def token():
    """Exchange an authorization code once (RFC 6749 §4.1.3, §10.5)."""
    kc = state_of(current_app)
    client_id, secret = _client_credentials()
    if client_id != kc.client_id or not hmac.compare_digest(
        secret.encode(), kc.client_secret.encode()
    ):
        return _oauth_error(
            "unauthorized_client", "Invalid client or Invalid client credentials", 401
        )
    if request.form.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "Unsupported grant_type")
    sandbox = current()
    with sandbox.store.lock:
        now = sandbox.now()
        grant = kc.codes.get(request.form.get("code", ""))
        if grant is None or grant.used or grant.expires <= now:
            return _oauth_error("invalid_grant", "Code not valid")
        grant.used = True
        if grant.redirect_uri != request.form.get("redirect_uri"):
            return _oauth_error("invalid_grant", "Incorrect redirect_uri")
        ttl = current_app.config["TOKEN_TTL"]
        access = kc.issue("tokens", Grant(grant.cip, client_id, grant.redirect_uri, now + ttl))
    return jsonify(access_token=access, token_type="Bearer", expires_in=ttl, scope="openid")


@oidc.get("/protocol/openid-connect/userinfo")
def userinfo():
    """Who the access token speaks for (OpenID Connect Core §5.3)."""
    header = request.headers.get("Authorization", "")
    sandbox = current()
    with sandbox.store.lock:
        grant = state_of(current_app).tokens.get(header[7:] if header.startswith("Bearer ") else "")
        if grant is None or grant.expires <= sandbox.now():
            response = jsonify(error="invalid_token", error_description="Token verification failed")
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response, 401
    return jsonify(sub=grant.cip, preferred_username=grant.cip)


def _http_error(error: HTTPException) -> Any:
    """Keycloak's error page for the realm's pages; JSON for the admin API."""
    status = error.code or 500
    if request.path.startswith(ADMIN_PREFIX):
        return jsonify(error=error.description), status
    key = {404: "pageNotFound", 500: "internalServerError"}.get(status, "invalidRequestMessage")
    return error_page(key, status)


def create_idp_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A new identity server with its own accounts, sessions, codes and faults.

    Keys: those of ``sandbox.config`` plus THEME, LOCALE, REALM, REALM_DISPLAY_NAME,
    CLIENT_ID, CLIENT_SECRET, CODE_TTL, TOKEN_TTL (``sandbox.keycloak.config``).
    """
    settings = build(config)
    app = Flask("sandbox")  # the package's templates/ folder
    app.config.update(settings)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY)
    app.extensions["sandbox"] = Sandbox(config=settings, store=Store())
    app.extensions["keycloak"] = KeycloakState(settings["CLIENT_ID"], settings["CLIENT_SECRET"])
    app.session_interface = StoreSessionInterface(AUTH_COOKIE)
    app.before_request(log_request)
    faults.init_app(app)
    security.init_app(app, csrf=False)  # Keycloak's forms carry a one-use session code
    app.register_error_handler(HTTPException, _http_error)
    for blueprint in (login_flow.bp, actions.bp, logout.bp, oidc, admin.bp, admin_ext.bp):
        app.register_blueprint(blueprint)
    return app


def allow_redirect(app: Flask, redirect_uri: str) -> None:
    """Register ``redirect_uri`` as a valid redirect URI of the realm's client."""
    with app.extensions["sandbox"].store.lock:
        uris = state_of(app).redirect_uris
        if redirect_uri not in uris:
            uris.append(redirect_uri)
