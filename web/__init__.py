"""Styrdok's web edge: the Flask app factory. Pages and API arrive with the web issue."""

from __future__ import annotations

from flask import Flask, g

from registry.config import Settings, load_settings
from registry.db import make_engine, make_session_factory


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app: settings, one engine and session factory, CLI commands. Nothing at import."""
    settings = settings or load_settings()
    app = Flask(__name__, instance_path=str(settings.instance_dir))
    app.config["STYRDOK_SETTINGS"] = settings
    engine = make_engine(settings.database_url)
    app.extensions["styrdok"] = {"engine": engine, "sessions": make_session_factory(engine)}

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        # Anything not committed by the view is rolled back here; one commit per request.
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    from web.cli import register_commands

    register_commands(app)
    return app


def db_session():
    """The request's session, opened on first use."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["styrdok"]["sessions"]()
    return g.db_session
