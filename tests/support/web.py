"""The web app as the tests build it (the demo register, demo accounts and one draft), and what
a test does as a person in it: fetch a CSRF token, log in, get an API key."""

from __future__ import annotations

from registry import migrate
from registry.config import load_settings
from registry.db import make_engine, make_session_factory
from registry.services.demo import DEMO_PASSWORD, ensure_demo_users, load_demo
from registry.services.findings import assessment_hook
from web import create_app

DRAFT_TITLE = "Hemligt utkast om skolskjuts"


def build_app(url: str, tmp_path, **env: str) -> object:
    # Tests log in far more often than people do; the login rate limit has a test of its own.
    settings = load_settings(
        {
            "STYRDOK_DATABASE_URL": url,
            "STYRDOK_INSTANCE_DIR": str(tmp_path),
            "STYRDOK_LOGIN_RATE": "10000 per minute",
            **env,
        }
    )
    engine = make_engine(url)
    migrate.upgrade(engine)
    with make_session_factory(engine)() as session:
        load_demo(session, actor="test", after_change=assessment_hook(settings))
        ensure_demo_users(session, actor="test")
        from registry.services import register_document

        register_document(
            session,
            {
                "title": DRAFT_TITLE,
                "type": "riktlinje",
                "status": "utkast",
                "summary": "Utkast om skolskjuts och artificiell intelligens.",
            },
            actor="test",
        )
        session.commit()
    engine.dispose()
    app = create_app(settings, testing=True)
    return app


def csrf_of(client) -> str:
    client.get("/")
    with client.session_transaction() as session:
        return session["csrf"]


def login(client, username: str) -> None:
    token = csrf_of(client)
    response = client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def api_token(app, username: str) -> str:
    from registry.services.users import create_api_token, get_user

    with app.extensions["styrdok"]["sessions"]() as session:
        token = create_api_token(session, get_user(session, username), "test", actor="test")
        session.commit()
    return token
