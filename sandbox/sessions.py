"""Server-side sessions: the cookie holds only a random id, the data stays in the store.

Flask's default session is a signed cookie that stays valid after logout; the portal
contract says logging out ends the session (docs/portal.md "Behaviour"), so the data lives
server-side and logout deletes it. Cookie flags: HttpOnly, SameSite=Lax, Secure over TLS.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

COOKIE = "eespresso_session"


class ServerSession(CallbackDict, SessionMixin):
    """Session data plus the id it is stored under; ``rotate``/``end`` are set by views."""

    def __init__(self, initial: dict[str, Any] | None, sid: str | None) -> None:
        def on_update(session: ServerSession) -> None:
            session.modified = True

        super().__init__(initial or {}, on_update)
        self.sid = sid
        self.modified = False
        self.rotate = False  # new id after login (session fixation)
        self.ended = False  # logout


class StoreSessionInterface(SessionInterface):
    """Flask session interface backed by ``Store`` sessions, under cookie ``cookie``.

    Two apps of one sandbox on one host (the Keycloak variant's application and identity
    server) need two names: browsers share cookies between the ports of a host (RFC 6265 §8.5).
    """

    def __init__(self, cookie: str = COOKIE) -> None:
        self.cookie = cookie

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sandbox = app.extensions["sandbox"]
        sid = request.cookies.get(self.cookie)
        data = sandbox.store.load_session(
            sid, sandbox.wall_clock(), sandbox.config["SESSION_IDLE_SECONDS"]
        )
        return ServerSession(data, sid if data is not None else None)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        store = app.extensions["sandbox"].store
        if session.ended:
            store.drop_session(session.sid)
            response.delete_cookie(self.cookie, path="/", httponly=True, samesite="Lax")
            return
        if not session:
            return
        if session.rotate:
            store.drop_session(session.sid)
            session.sid = None
        sid = store.save_session(session.sid, dict(session), app.extensions["sandbox"].wall_clock())
        if sid != session.sid:
            response.set_cookie(
                self.cookie, sid, path="/", httponly=True, samesite="Lax", secure=request.is_secure
            )
        response.vary.add("Cookie")
