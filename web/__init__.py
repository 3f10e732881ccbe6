"""Styrdok's web edge: the Flask app factory, pages, JSON API, auth and the CLI wiring."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from registry.config import Settings, load_settings
from registry.db import AT_FIRST_WRITE, make_engine, make_session_factory
from registry.ingest.extract import MAX_BYTES as MAX_UPLOAD_BYTES  # one limit for uploads and parsing

if TYPE_CHECKING:
    from flask import Flask

# Flask is imported where the app is built: the CLI lives in this package (web.cli) and most of
# its commands never build the app, so they need not pay for importing Flask and Werkzeug.


def _secret_key(settings: Settings, configured: str | None) -> str:
    """STYRDOK_SECRET_KEY, else a random key kept in the instance folder (one machine only)."""
    if configured:
        return configured
    path = Path(settings.instance_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _limit_logins(app: Flask, settings: Settings) -> None:
    """At most ``settings.login_rate`` login attempts per client address (429 in Swedish after).

    One limiter per app, in memory: with several workers each counts its own, and the per-account
    lock after ten failures (services.users) is the control that holds across them.
    """
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    limiter = Limiter(
        key_func=get_remote_address, app=app, storage_uri="memory://", default_limits=[], headers_enabled=True
    )
    app.view_functions["auth.login"] = limiter.limit(settings.login_rate, methods=["POST"])(
        app.view_functions["auth.login"]
    )
    app.extensions["styrdok"]["limiter"] = limiter


def create_app(settings: Settings | None = None, *, testing: bool = False) -> Flask:
    """Build the app: settings, one engine and session factory, blueprints, errors, CLI."""
    import os

    from flask import Flask, g, request

    settings = settings or load_settings()
    app = Flask(__name__, instance_path=str(Path(settings.instance_dir).resolve()))
    app.config.update(
        STYRDOK_SETTINGS=settings,
        SECRET_KEY=_secret_key(settings, os.environ.get("STYRDOK_SECRET_KEY")),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Behind HTTPS the form session (CSRF) cookie is a __Host- cookie too.
        SESSION_COOKIE_NAME="__Host-styrdok_session" if settings.secure_cookies else "styrdok_session",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_PATH="/",
        TESTING=testing,
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    url = settings.database_url
    if url.startswith("sqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    app.extensions["styrdok"] = {
        "engine": engine,
        "sessions": make_session_factory(engine, writes=AT_FIRST_WRITE),
        "read_sessions": make_session_factory(engine, writes=False),
    }

    from web import api, auth, caching, errors, i18n, logs, security
    from web.admin import bp as admin_bp
    from web.db import close_session
    from web.pages import bp as pages_bp

    logs.install(app)
    security.install(app)
    auth.install(app)
    caching.install(app)  # after auth: it must know who is reading
    errors.register_error_handlers(app)
    app.teardown_appcontext(close_session)
    app.register_blueprint(pages_bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin_bp)
    api.install(app)
    _limit_logins(app, settings)
    i18n.install(app)
    app.jinja_env.globals.update(today=dt.date.today)
    from markupsafe import Markup

    from registry.queries.search import highlight

    # highlight() escapes the text itself before it adds <mark>, so its output is safe HTML.
    app.jinja_env.globals["search_excerpt"] = lambda document, query: Markup(
        highlight(
            " ".join(filter(None, [document.summary, document.full_text, *(s.text for s in document.sections)])), query
        )
    )
    from web.pages.highlight import highlighted

    app.jinja_env.globals["text_blocks"] = lambda text: highlighted(text or "", [])
    from registry.rules.engine.codes import finding_label

    app.jinja_env.globals["finding_label"] = finding_label
    app.jinja_env.filters["zip"] = lambda first, second: list(zip(first, second))
    app.jinja_env.filters["isodate"] = lambda v: v.strftime("%Y-%m-%d") if v else "–"
    app.jinja_env.filters["isotime"] = lambda v: v.astimezone().strftime("%Y-%m-%d %H:%M") if v else "–"

    @app.context_processor
    def _globals():
        return {"current_user": getattr(g, "user", None), "current_path": request.full_path.rstrip("?")}

    from web.cli import register_commands

    register_commands(app)
    return app
