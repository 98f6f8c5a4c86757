"""The sandbox-only admin API under ``/_sandbox/`` (JSON, bearer token).

Tests and monitors use it to create accounts, read their state and audit log, and inject
faults. It does not exist on the real portal; ``sandbox.client.AdminClient`` wraps it.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, jsonify, request

from sandbox import faults, rules
from sandbox.config import VARIANT_KEYS, ConfigError, check_variant, instance_variants
from sandbox.core import current
from sandbox.store import Account

bp = Blueprint("admin", __name__, url_prefix="/_sandbox")

PASSWORD_MIN, PASSWORD_MAX = 14, 20
CREATE_KEYS = {"cip", "password", "enrolled", "secret", "device_name", *VARIANT_KEYS}


class BadRequest(ValueError):
    """An admin call the sandbox refuses (HTTP 400); the message says what to send."""


@bp.errorhandler(BadRequest)
@bp.errorhandler(ConfigError)
@bp.errorhandler(faults.FaultError)
def _bad_request(error: ValueError):
    return jsonify(error=str(error)), 400


@bp.before_request
def authenticate():
    """Require ``Authorization: Bearer <ADMIN_TOKEN>`` (RFC 6750 §2.1)."""
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else ""
    expected = current().config["ADMIN_TOKEN"]
    if not hmac.compare_digest(token.encode(), expected.encode()):
        response = jsonify(error="send the sandbox admin token as 'Authorization: Bearer <token>'")
        response.headers["WWW-Authenticate"] = 'Bearer realm="sandbox"'
        return response, 401
    return None


def _body() -> dict[str, Any]:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # silent=True covers malformed JSON, not JSON nested too deeply
        raise BadRequest("the JSON body is nested too deeply; send a flat JSON object") from None
    if not isinstance(body, dict):
        raise BadRequest("send a JSON object with Content-Type: application/json")
    return body


def _variants(body: dict[str, Any]) -> dict[str, Any]:
    return {k: check_variant(k, body[k]) for k in VARIANT_KEYS if body.get(k) is not None}


def _account(cip: str) -> Account:
    account = current().store.accounts.get(cip)
    if account is None:
        raise _NotFound(cip)
    return account


class _NotFound(LookupError):
    pass


@bp.errorhandler(_NotFound)
def _not_found(error: _NotFound):
    return jsonify(error=f"no account with CIP {error.args[0]!r}"), 404


def _state(account: Account) -> dict[str, Any]:
    """The account as ``Account.state`` shows it, plus its open sessions: a probe that logs
    out leaves none behind."""
    sandbox = current()
    idle = sandbox.config["SESSION_IDLE_SECONDS"]
    sessions = sandbox.store.open_sessions(account.cip, sandbox.wall_clock(), idle)
    return {**account.state(sandbox.now()), "open_sessions": sessions}


@bp.post("/accounts")
def create_account():
    body = _body()
    unknown = set(body) - CREATE_KEYS
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(sorted(unknown))}")
    cip, password = body.get("cip"), body.get("password")
    if not isinstance(cip, str) or not cip.strip() or len(cip) > 64 or cip != cip.strip():
        raise BadRequest("cip must be a non-empty string of at most 64 characters")
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise BadRequest("password must be a string of 14 to 20 characters (seed)")
    sandbox = current()
    account = Account(
        cip=cip,
        password=password,
        variants={**instance_variants(sandbox.config), **_variants(body)},
    )
    secret = None
    if body.get("enrolled"):
        secret = body.get("secret") or rules.new_secret()
        try:
            rules.totp(secret, account.variants).now()
        except Exception as error:  # pyotp raises binascii.Error / ValueError on bad base32
            raise BadRequest("secret must be base32 (RFC 4648), like the otpauth URI's") from error
        account.secret, account.enrolled = secret, True
        account.devices.append(body.get("device_name") or "Appareil de test")
    with sandbox.store.lock:
        if cip in sandbox.store.accounts:
            return jsonify(error=f"an account with CIP {cip!r} exists already"), 409
        sandbox.store.accounts[cip] = account
        state = _state(account)
    if secret is not None:
        state["secret"] = secret  # the caller needs it to compute codes; admin API only
    return jsonify(state), 201


@bp.get("/accounts")
def list_accounts():
    with current().store.lock:
        return jsonify([_state(a) for a in current().store.accounts.values()])


@bp.get("/accounts/<cip>")
def read_account(cip: str):
    with current().store.lock:
        return jsonify(_state(_account(cip)))


@bp.patch("/accounts/<cip>")
def update_account(cip: str):
    body = _body()
    unknown = set(body) - set(VARIANT_KEYS)
    if unknown:
        raise BadRequest(f"only variants can change: {', '.join(VARIANT_KEYS)}")
    variants = _variants(body)
    with current().store.lock:
        account = _account(cip)
        account.variants.update(variants)
        return jsonify(_state(account))


@bp.delete("/accounts/<cip>")
def delete_account(cip: str):
    with current().store.lock:
        _account(cip)
        del current().store.accounts[cip]
    return jsonify(deleted=cip)


NOTICE_WORDS, NOTICE_WORDS_MAX = ("heading", "text", "button"), 2000


@bp.put("/accounts/<cip>/notice-words")
def set_notice_words(cip: str):
    """The heading, text and way-on button name every notice of the account shows; any
    characters, as a hostile portal page could show them; ``{}`` restores the notices' own."""
    body = _body()
    if set(body) - set(NOTICE_WORDS) or not all(
        isinstance(v, str) and 0 < len(v) <= NOTICE_WORDS_MAX for v in body.values()
    ):
        raise BadRequest(
            f"send {', '.join(NOTICE_WORDS)} as strings of 1 to {NOTICE_WORDS_MAX} characters"
        )
    with current().store.lock:
        account = _account(cip)
        account.notice_words = dict(body)
        return jsonify(account.notice_words)


@bp.post("/accounts/<cip>/reset-enrollment")
def reset_enrollment(cip: str):
    with current().store.lock:
        account = _account(cip)
        rules.reset_enrollment(account)
        return jsonify(_state(account))


@bp.post("/accounts/<cip>/unlock")
def unlock(cip: str):
    with current().store.lock:
        account = _account(cip)
        account.locked_until = None
        account.consecutive_failures = 0
        return jsonify(_state(account))


@bp.get("/audit")
def audit():
    return jsonify(current().store.audit(request.args.get("cip")))


@bp.get("/requests")
def requests_log():
    """Method and path of every portal request, oldest first (no body, no query)."""
    return jsonify(current().store.requests())


@bp.get("/faults")
def read_faults():
    with current().store.lock:
        return jsonify(current().store.faults.as_dict())


@bp.put("/faults")
def set_faults():
    body = _body()
    store = current().store
    with store.lock:
        faults.update(store.faults, body)
        return jsonify(store.faults.as_dict())


@bp.delete("/faults")
def clear_faults():
    store = current().store
    with store.lock:
        store.faults = type(store.faults)()
        return jsonify(store.faults.as_dict())


@bp.get("/health")
def health():
    sandbox = current()
    return jsonify(ok=True, now=sandbox.now(), variants=instance_variants(sandbox.config))
