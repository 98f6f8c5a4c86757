"""The admin API's addition for the Keycloak variant: an account's required actions.

``PUT /_sandbox/accounts/<cip>/required-actions`` with ``{"actions": [...]}`` sets what the
next login asks besides the OTP (TERMS_AND_CONDITIONS, UPDATE_PASSWORD), as an
administrator does in Keycloak's console (Users > user > Required user actions); ``GET``
reads them. Both answer ``{"cip": ..., "actions": [...]}``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from sandbox.admin import authenticate
from sandbox.core import current
from sandbox.keycloak.config import SETTABLE_ACTIONS

bp = Blueprint("kc_admin", __name__, url_prefix="/_sandbox")
bp.before_request(authenticate)


@bp.route("/accounts/<cip>/required-actions", methods=["GET", "PUT"])
def required_actions(cip: str):
    actions = None
    if request.method == "PUT":
        body = request.get_json(silent=True)
        actions = body.get("actions") if isinstance(body, dict) else None
        if not isinstance(actions, list) or any(a not in SETTABLE_ACTIONS for a in actions):
            allowed = ", ".join(SETTABLE_ACTIONS)
            return jsonify(error=f'send {{"actions": [...]}} with any of {allowed}'), 400
    with current().store.lock:
        account = current().store.accounts.get(cip)
        if account is None:
            return jsonify(error=f"no account with CIP {cip!r}"), 404
        if actions is not None:
            account.required_actions = [a for a in SETTABLE_ACTIONS if a in actions]
        return jsonify(cip=cip, actions=list(account.required_actions))
