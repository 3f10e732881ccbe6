"""CSRF protection for every form, and security headers on every response."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def rotate_csrf_token() -> str:
    session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def install(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def _check_csrf():
        # The API is called with bearer tokens, not cookies, so it is not open to CSRF.
        if request.method in UNSAFE_METHODS and not request.path.startswith("/api/"):
            sent = request.form.get("csrf_token", "")
            expected = session.get("csrf", "")
            if not expected or not hmac.compare_digest(sent, expected):
                abort(400, "csrf")

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        settings = app.config.get("STYRDOK_SETTINGS")
        if settings is not None and settings.secure_cookies:
            # Behind HTTPS: browsers keep to HTTPS for a year, so no first request goes in clear.
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith(("/logga-in", "/admin", "/dokument/ny")) or "redigera" in request.path:
            response.headers["Cache-Control"] = "no-store"
        return response
