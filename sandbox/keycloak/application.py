"""The application behind the identity server: eEspresso as an OpenID Connect client.

On its own origin, it sends a browser without a session to the identity server's
authorization endpoint, takes the code back at ``/callback`` (``state`` checked, RFC 6749
§10.12), exchanges it server to server at the token endpoint with its client secret, asks
userinfo who logged in, and shows its home page with the seed's success sentence. Its
« Déconnexion » ends its own session and then the identity server's (``keycloak.logout``).
"""

from __future__ import annotations

import hmac
import json
import secrets
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Flask, current_app, redirect, request, session, url_for

from sandbox import faults, security, wording
from sandbox.app import MAX_BODY, log_request
from sandbox.sessions import StoreSessionInterface
from sandbox.views import message_page, page

# (method, url, form or None, headers) -> (HTTP status, JSON body)
Fetch = Callable[[str, str, dict[str, str] | None, dict[str, str]], tuple[int, dict]]

APP_COOKIE = "eespresso_app_session"
TIMEOUT = 10.0

# Named like the stand-in portal's pages blueprint: its shared templates (message.html) link
# to ``portal.index``, which here is the application's entry.
bp = Blueprint("portal", __name__)


def urllib_fetch(cafile: Path | None = None) -> Fetch:
    """The back channel over HTTP(S), trusting ``cafile`` for an HTTPS identity server."""
    context = ssl.create_default_context(cafile=str(cafile)) if cafile else None

    def fetch(method: str, url: str, form: dict[str, str] | None, headers: dict[str, str]):
        data = urlencode(form).encode() if form is not None else None
        call = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(call, timeout=TIMEOUT, context=context) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, {}
        except (urllib.error.URLError, OSError, ValueError):
            return 0, {}

    return fetch


def _realm_url(path: str) -> str:
    config = current_app.config
    return f"{config['IDP_URL']}/realms/{config['REALM']}/protocol/openid-connect/{path}"


def _callback_url() -> str:
    return url_for("portal.callback", _external=True)


@bp.get("/")
def index():
    """Home when logged in; otherwise off to the identity server (OIDC Core §3.1.2.1)."""
    if session.get("user"):
        return redirect(url_for("portal.home"))
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    session.update(oidc_state=state, oidc_nonce=nonce)
    query = {
        "client_id": current_app.config["CLIENT_ID"],
        "redirect_uri": _callback_url(),
        "response_type": "code",
        "scope": "openid",
        "state": state,
        "nonce": nonce,
    }
    return redirect(_realm_url("auth") + "?" + urlencode(query))


def _refused(message: str):
    return message_page(403, "Connexion refusée", message)


@bp.get("/callback")
def callback():
    expected = session.pop("oidc_state", "")
    sent = request.args.get("state", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return _refused("Cette réponse de connexion est périmée : rouvrez eEspresso.")
    if "code" not in request.args:
        return _refused("La connexion a été refusée par le serveur d'identité.")
    fetch: Fetch = current_app.extensions["keycloak_fetch"]
    config = current_app.config
    status, tokens = fetch(
        "POST",
        _realm_url("token"),
        {
            "grant_type": "authorization_code",
            "code": request.args["code"],
            "redirect_uri": _callback_url(),
            "client_id": config["CLIENT_ID"],
            "client_secret": config["CLIENT_SECRET"],
        },
        {"Accept": "application/json"},
    )
    if status != 200 or "access_token" not in tokens:
        return _refused("Le code de connexion n'est plus valide : rouvrez eEspresso.")
    status, user = fetch(
        "GET", _realm_url("userinfo"), None, {"Authorization": f"Bearer {tokens['access_token']}"}
    )
    if status != 200 or not user.get("preferred_username"):
        return _refused("Le serveur d'identité n'a pas confirmé la connexion.")
    session.clear()
    session.update(user=user["preferred_username"], notice=True)
    session.rotate = True  # type: ignore[attr-defined]  # new id after login
    return redirect(url_for("portal.home"))


@bp.get("/accueil")
def home():
    if not session.get("user"):
        return redirect(url_for("portal.index"))
    w = wording.wording("seed")
    notice = w["success"] if session.pop("notice", False) else None
    return page("keycloak/app/home.html", cip=session["user"], notice=notice)


@bp.post("/deconnexion")
def logout():
    """End the application's session, then the identity server's through its end-session
    endpoint (OpenID Connect RP-Initiated Logout 1.0 §2), which brings the browser back."""
    session.clear()
    session.ended = True  # type: ignore[attr-defined]
    query = {
        "client_id": current_app.config["CLIENT_ID"],
        "post_logout_redirect_uri": url_for("portal.index", _external=True),
    }
    return redirect(_realm_url("logout") + "?" + urlencode(query))


def create_client_app(idp: Flask, idp_url: str, fetch: Fetch | None = None) -> Flask:
    """The application for identity server ``idp`` (reached at ``idp_url``): same store,
    clock and faults, its own session cookie. ``fetch`` is the back channel (urllib by
    default; the unit tests pass one that calls ``idp`` through its test client)."""
    app = Flask("sandbox")
    app.config.update(idp.config)
    app.config.update(IDP_URL=idp_url.rstrip("/"), MAX_CONTENT_LENGTH=MAX_BODY)
    app.extensions["sandbox"] = idp.extensions["sandbox"]
    app.extensions["keycloak_fetch"] = fetch or urllib_fetch()
    app.session_interface = StoreSessionInterface(APP_COOKIE)
    app.before_request(log_request)
    faults.init_app(app)
    security.init_app(app)
    app.register_blueprint(bp)
    return app
