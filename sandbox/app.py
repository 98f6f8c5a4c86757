"""The flaskr-style app factory of the stand-in portal (docs/design.md, "Code")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, request

from sandbox import admin, apps, faults, notices, security, views
from sandbox.config import build_config
from sandbox.core import Sandbox, current
from sandbox.faults import ADMIN_PREFIX
from sandbox.sessions import StoreSessionInterface
from sandbox.store import Store

# Bigger bodies get a French 413 page; the largest legitimate form is well under 1 KiB.
MAX_BODY = 64 * 1024


def log_request() -> None:
    """Log the method and path of every portal request (not the admin API's), so a test
    proves what a tool sent, or that it sent no form at all."""
    if not request.path.startswith(ADMIN_PREFIX):
        sandbox = current()
        sandbox.store.log_request(request.method, request.path, sandbox.now())


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A new, independent portal: its own accounts, sessions, audit log and faults.

    ``config`` keys are listed in ``sandbox.config``; invalid values
    raise ``ConfigError`` with a message naming the key.
    """
    settings = build_config(config)
    app = Flask(__name__)
    app.config.update(settings)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY)
    app.extensions["sandbox"] = Sandbox(config=settings, store=Store())
    app.session_interface = StoreSessionInterface()
    app.before_request(log_request)  # first: even a request an outage refuses is logged
    faults.init_app(app)  # an outage answers before anything else runs
    security.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(notices.bp)
    app.register_blueprint(apps.bp)
    app.register_blueprint(admin.bp)
    return app
