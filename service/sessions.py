"""Browser logins of the token-protected pages (/audit, /staff): one way to start, read and end a session.

The cookie holds only a random session id (HttpOnly, SameSite=Strict, limited to the page's path); the
session (role, token digest, expiry) is a row in the decision log's database, so every worker sees it.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

SESSION_LIFETIME = dt.timedelta(hours=8)  # one working day; then log in again
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # these pages never sit in a browser or proxy cache


def token_digest(token: str) -> str:
    """How a token is named in the logs: the first 16 hex digits of its SHA-256, never the token."""
    return "sha256:" + hashlib.sha256(token.strip().encode("utf-8", "surrogateescape")).hexdigest()[:16]


def current(request: Request, cookie: str) -> tuple[str, str] | None:
    """(role, actor) of this browser's live session under `cookie`, else None."""
    session_id = request.cookies.get(cookie, "")
    return request.app.state.store.session(session_id) if session_id else None


async def start(request: Request, cookie: str, path: str, role: str, token: str, target: str) -> RedirectResponse:
    """Create the session (off the event loop: it writes to the database) and send the browser to `target`."""
    session_id = await run_in_threadpool(request.app.state.store.create_session, role, token_digest(token),
                                         SESSION_LIFETIME)
    response = RedirectResponse(target, status_code=303, headers=NO_STORE)
    response.set_cookie(cookie, session_id, max_age=int(SESSION_LIFETIME.total_seconds()), path=path,
                        httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


def end(request: Request, cookie: str, path: str, login_url: str) -> RedirectResponse:
    """End this browser's session (if any), drop the cookie, and send the browser to the login page."""
    session_id = request.cookies.get(cookie, "")
    if session_id:
        request.app.state.store.end_session(session_id)
    response = RedirectResponse(login_url, status_code=303, headers=NO_STORE)
    response.delete_cookie(cookie, path=path, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response
