"""How the identity server draws its pages and links them, as Keycloak's FreeMarker layer does.

Each page is ``templates/keycloak/<theme>/<page>.html`` (Jinja ports of Keycloak's .ftl
files, theme keycloak.v2 or keycloak), or ``keycloak/common/<page>.html`` for the base
theme's pages both share, given the locale's messages as ``m``. Form actions
carry Keycloak's query parameters: ``session_code`` (changes after every step, so a form
posted twice is stale), ``execution`` (the authenticator or required action the form
belongs to), ``client_id`` and ``tab_id`` (the browser tab's authentication session).
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, current_app, render_template, request, session, url_for

from sandbox.keycloak.config import REQUIRED_ACTIONS
from sandbox.keycloak.messages import LOCALES, messages

# Keycloak's authenticator executions are identified by UUIDs; these two stand for the
# browser flow's username-password form and OTP form.
EXECUTIONS = {
    "login": "6b6a8a73-3c1e-4b0e-9a3e-0f8c5c3b1a01",
    "otp": "b3f1e6a2-7d4c-4f0a-8e2b-5a9c1d7e3f02",
}


def realm() -> str:
    return current_app.config["REALM"]


def check_realm(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """URL value preprocessor of the realm's pages: another realm's name is a 404."""
    if (values or {}).pop("realm", None) != realm():
        abort(404)


def locale() -> str:
    """The session's locale; ``kc_locale`` in the query switches it, as on Keycloak."""
    asked = request.args.get("kc_locale", "")
    if asked in LOCALES and session:
        session["locale"] = asked
    return session.get("locale") or current_app.config["LOCALE"]


def new_session_code() -> str:
    """A fresh active code: the form drawn before this step can no longer be posted."""
    session["code"] = secrets.token_urlsafe(32)
    return session["code"]


def action_url(**extra: str) -> str:
    """The form action of the session's current stage (Keycloak's ``url.loginAction``)."""
    stage = session.get("stage", "login")
    tab = {"client_id": session.get("client_id", ""), "tab_id": session.get("tab_id", "")}
    code = {"session_code": session.get("code", "")}
    if stage in REQUIRED_ACTIONS:
        return url_for(
            "kc_actions.required_action", realm=realm(), **code, execution=stage, **tab, **extra
        )
    return url_for(
        "kc_login.authenticate", realm=realm(), **code, execution=EXECUTIONS[stage], **tab, **extra
    )


def restart_url() -> str:
    """Keycloak's ``url.loginRestartFlowUrl``: back to the username and password."""
    return url_for(
        "kc_login.restart",
        realm=realm(),
        client_id=session.get("client_id", ""),
        tab_id=session.get("tab_id", ""),
    )


def continue_url() -> str:
    """The "page expired" page's way on: the current step of the session, drawn again."""
    return url_for(
        "kc_login.authenticate",
        realm=realm(),
        client_id=session.get("client_id", ""),
        tab_id=session.get("tab_id", ""),
    )


def render(page: str, status: int = 200, **ctx: Any) -> tuple[str, int]:
    """Draw ``page`` in the instance's theme and the session's locale."""
    config = current_app.config
    lang = locale()
    ctx.setdefault("attempted_username", None)
    ctx.setdefault("message", None)
    theme = config["THEME"]
    html = render_template(
        [f"keycloak/{theme}/{page}.html", f"keycloak/common/{page}.html"],
        layout=f"keycloak/{theme}/template.html",
        m=messages(lang),
        lang=lang,
        realm_display_name=config["REALM_DISPLAY_NAME"],
        restart_url=restart_url() if session else "",
        **ctx,
    )
    return html, status


def page_expired() -> tuple[str, int]:
    """Keycloak's answer to a form posted from an old step or another tab
    (login-page-expired.ftl): links to restart or to continue where the session is."""
    return render("login-page-expired", 200, restart=restart_url(), continue_to=continue_url())


def error_page(key: str, status: int, *args: object) -> tuple[str, int]:
    """Keycloak's error.ftl: « Nous sommes désolés... » and one message."""
    lang = locale()
    return render("error", status, error=messages(lang)[key].format(*args))
