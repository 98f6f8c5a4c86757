"""The authentication session's way through Keycloak's browser flow.

Username and password, then the OTP form when the account has an OTP credential; then the
required actions still due (the OTP set-up when it has none, terms, a new password), in
Keycloak's priority order; then the browser goes back to the application with an
authorization code (RFC 6749 §4.1.2). The stage lives in the server-side session; every
step draws a new session code, so a form of an earlier step is "expired".
"""

from __future__ import annotations

import hmac
from urllib.parse import urlencode

from flask import Response, current_app, redirect, request, session

from sandbox.core import current
from sandbox.keycloak.config import CONFIGURE_TOTP, REQUIRED_ACTIONS
from sandbox.keycloak.pages import action_url, new_session_code, realm
from sandbox.keycloak.state import Grant, state_of
from sandbox.store import Account


def due_actions(account: Account) -> list[str]:
    """The required actions this account still has, in Keycloak's default priority order."""
    due = set(account.required_actions)
    if not account.enrolled:
        due.add(CONFIGURE_TOTP)
    return [action for action in REQUIRED_ACTIONS if action in due]


def same_tab() -> bool:
    """The request names the session's tab and client (``tab_id``, ``client_id``)."""
    tab, client = session.get("tab_id"), session.get("client_id")
    return bool(tab) and (
        request.args.get("tab_id") == tab and request.args.get("client_id") == client
    )


def fresh_form(execution: str) -> bool:
    """A POST of the form drawn for the current step: its session code and execution."""
    sent = request.args.get("session_code", "")
    expected = session.get("code", "")
    return (
        same_tab()
        and bool(expected)
        and hmac.compare_digest(sent.encode(), expected.encode())
        and request.args.get("execution") == execution
    )


def session_account() -> Account | None:
    """The account the session authenticated (None before the password or once deleted)."""
    cip = session.get("cip")
    return current().store.accounts.get(cip) if cip else None


def go_to(stage: str) -> None:
    session["stage"] = stage
    new_session_code()


def after_authentication(account: Account) -> Response:
    """The flow's authenticators are done: the first due required action, or the client."""
    due = due_actions(account)
    if due:
        go_to(due[0])
        return redirect(action_url())
    return complete(account)


def _back_to_client(params: dict[str, str], user: str | None = None) -> Response:
    """End the authentication session; a ``user`` who logged in keeps Keycloak's SSO
    session (a new id) until the end-session endpoint or the idle timeout ends it."""
    redirect_uri = session.get("redirect_uri", "")
    session.clear()
    if user is None:
        session.ended = True  # type: ignore[attr-defined]
    else:
        session.update(user=user)
        session.rotate = True  # type: ignore[attr-defined]
    separator = "&" if "?" in redirect_uri else "?"
    return redirect(redirect_uri + separator + urlencode(params))


def _issuer() -> str:
    return f"{request.host_url.rstrip('/')}/realms/{realm()}"


def complete(account: Account) -> Response:
    """Issue a one-use authorization code and send the browser to the client's callback
    with ``state``, ``session_state``, ``iss`` (RFC 9207) and ``code``, as Keycloak does."""
    sandbox = current()
    kc = state_of(current_app)
    with sandbox.store.lock:
        now = sandbox.now()
        kc.prune(now)
        code = kc.issue(
            "codes",
            Grant(
                cip=account.cip,
                client_id=session.get("client_id", ""),
                redirect_uri=session.get("redirect_uri", ""),
                expires=now + current_app.config["CODE_TTL"],
            ),
        )
        account.consecutive_failures = 0  # Keycloak's brute-force count ends at a success
        sandbox.store.record(account.cip, "login_ok", now)
    params = {"state": session.get("state", ""), "session_state": session.get("tab_id", "")}
    return _back_to_client({**params, "iss": _issuer(), "code": code}, user=account.cip)


def refuse_to_client(error: str) -> Response:
    """End the flow with an OAuth error for the client (RFC 6749 §4.1.2.1)."""
    return _back_to_client({"error": error, "state": session.get("state", ""), "iss": _issuer()})
