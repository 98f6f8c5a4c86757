"""Cross-cutting protections: CSRF tokens, response headers, error pages.

Every portal form carries a per-session CSRF token (OWASP CSRF cheat sheet, synchronizer
token pattern); the admin API is exempt because it needs a bearer token instead. Every
error a person can meet is a French page with one line saying what to do, never a
traceback.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import Flask, current_app, jsonify, request, session
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date

from sandbox import wording
from sandbox.core import current
from sandbox.faults import ADMIN_PREFIX
from sandbox.views import message_page


def csrf_token() -> str:
    """The session's CSRF token, created on first use (templates call it)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _check_csrf() -> Any:
    if request.method != "POST" or request.path.startswith(ADMIN_PREFIX):
        return None
    if request.routing_exception is not None:
        return None  # let the 404 / 405 page say what is wrong
    if not request.form and request.content_length:
        return message_page(400)  # a body werkzeug could not read as a form (e.g. not UTF-8)
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return message_page(403)
    return None


def _headers(response: Any) -> Any:
    """Date from the portal's (possibly skewed) clock, plus conservative browser headers."""
    response.headers["Date"] = http_date(current().now())
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    if response.status_code == 503:
        response.headers["Retry-After"] = "60"
    return response


def _http_error(error: HTTPException) -> Any:
    status = error.code or 500
    if request.path.startswith(ADMIN_PREFIX):
        return jsonify(error=error.description), status
    return message_page(status if status in wording.ERRORS else 400)[0], status


def _unexpected(error: Exception) -> Any:
    current_app.logger.exception("unexpected error on %s", request.path)
    if request.path.startswith(ADMIN_PREFIX):
        return jsonify(error="internal error in the sandbox"), 500
    return message_page(500)


def init_app(app: Flask, *, csrf: bool = True) -> None:
    """Headers, error pages and template globals; the CSRF check unless ``csrf`` is False
    (an identity server's forms carry their own one-use session code instead)."""
    if csrf:
        app.before_request(_check_csrf)
    app.after_request(_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
    app.jinja_env.globals.update(
        csrf_token=csrf_token,
        support_phones=wording.SUPPORT_PHONES,
        support_email=wording.SUPPORT_EMAIL,
    )
