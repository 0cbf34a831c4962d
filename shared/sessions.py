"""The session cookie every service accepts, and keeps fresh while it is used.

Signing in (in the registration service) sets ``ceremony_session``: the same signed session
credential an API client sends as its bearer token, HttpOnly, SameSite=Lax, Secure behind HTTPS,
path ``/``: one cookie for the whole suite under one hostname. ``ceremony_csrf`` (readable by the
page's script) holds what a page sends back as ``X-CSRF-Token`` with every change it makes.
Any service renews the session cookie when it is used, up to the session's longest life.
"""

from __future__ import annotations

from flask import Flask, Response, g

from .auth import SESSION_MAX_SECONDS
from .config import Settings

SESSION_COOKIE = "ceremony_session"
CSRF_COOKIE = "ceremony_csrf"
CSRF_HEADER = "X-CSRF-Token"


def set_session_cookies(
    response: Response, settings: Settings, token: str, csrf: str, *, max_age: float
) -> None:
    """Put the session (and its CSRF token) in the browser for ``max_age`` seconds."""
    seconds = int(max(0, min(max_age, SESSION_MAX_SECONDS)))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=seconds,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="Lax",
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        max_age=seconds,
        path="/",
        secure=settings.secure_cookies,
        httponly=False,
        samesite="Lax",
    )


def clear_session_cookies(response: Response, settings: Settings) -> None:
    """Sign the browser out."""
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(
            name, path="/", secure=settings.secure_cookies, samesite="Lax", httponly=True
        )


def renew_later(token: str, csrf: str, max_age: float) -> None:
    """Have this request's answer carry a renewed session cookie."""
    g.renewed_session = (token, csrf, max_age)


def install(app: Flask, settings: Settings) -> None:
    """Write renewed session cookies (and drop refused ones) on the way out."""

    @app.after_request
    def write_session_cookies(response: Response) -> Response:
        renewed = g.pop("renewed_session", None)
        if g.pop("drop_session_cookie", False):
            clear_session_cookies(response, settings)
        elif renewed is not None:
            token, csrf, max_age = renewed
            set_session_cookies(response, settings, token, csrf, max_age=max_age)
        return response
