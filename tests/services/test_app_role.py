"""PostgreSQL: the application's own role reads and writes rows and can do nothing more.

The owner migrates; the app runs as a role made by ``styrdok db app-role``. That role must be
enough to run the register (register, check, search, verify, serve) and must not be able to
take the history triggers out of the way or rewrite the trail.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from registry.db import make_engine, make_session_factory

pytestmark = pytest.mark.skipif(
    not os.environ.get("STYRDOK_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="roller finns bara i PostgreSQL",
)


@pytest.fixture
def app_role(run, monkeypatch):
    """A migrated demo register and a fresh app role on it; yields the role's database URL."""
    assert run("init", "--demo").exit_code == 0
    role = f"styrdok_app_{os.getpid()}"
    granted = run("db", "app-role", role)
    assert granted.exit_code == 0, granted.output
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES" in granted.stdout
    url = make_url(run.url).set(username=role).render_as_string(hide_password=False)
    yield url
    owner = make_engine(run.url)
    with owner.begin() as connection:
        connection.execute(text(f'DROP OWNED BY "{role}"'))
        connection.execute(text(f'DROP ROLE "{role}"'))
    owner.dispose()


def _refused(url: str, statement: str) -> str:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    except DBAPIError as error:
        return str(error.orig)
    finally:
        engine.dispose()
    raise AssertionError(f"the app role was allowed: {statement}")


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TRIGGER trg_audit_events_no_update ON audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER USER",
        "ALTER TABLE documents DISABLE TRIGGER ALL",
        "TRUNCATE audit_events",
        "UPDATE audit_events SET actor = 'någon annan' WHERE id = 1",
        "DELETE FROM audit_events",
        "DELETE FROM culled_documents",
        "UPDATE alembic_version SET version_num = 'x'",
        "CREATE TABLE smuggel (id int)",
        "CREATE OR REPLACE FUNCTION styrdok_refuse_change() RETURNS trigger AS $$ BEGIN RETURN OLD; END $$ "
        "LANGUAGE plpgsql",
    ],
)
def test_the_app_role_cannot_take_the_history_guards_away(app_role, statement):
    message = _refused(app_role, statement)
    assert "permission denied" in message or "must be owner" in message


def test_the_app_role_cannot_delete_a_document_in_force(app_role):
    message = _refused(app_role, "DELETE FROM documents")
    assert "får inte ändras eller raderas" in message


def test_the_register_runs_as_the_app_role(app_role, run, monkeypatch):
    from registry.services import register_document

    engine = make_engine(app_role)
    with make_session_factory(engine)() as session:
        document = register_document(
            session, {"title": "Riktlinjer för appens roll", "type": "riktlinje", "status": "gällande"}, actor="app"
        )
        session.commit()
    engine.dispose()
    monkeypatch.setenv("STYRDOK_DATABASE_URL", app_role)
    assert run("audit", "verify").exit_code == 0
    assert run("audit", "checkpoint").exit_code == 0
    check = run("report", "violations", "--format", "json")
    assert check.exit_code == 0

    from registry.config import load_settings
    from web import create_app

    app = create_app(load_settings(), testing=True)
    client = app.test_client()
    assert client.get("/").status_code == 200
    found = client.get("/?q=appens+roll")
    assert found.status_code == 200 and "Riktlinjer för appens roll" in found.get_data(as_text=True)
    assert client.get(f"/dokument/{document.id}").status_code == 200
    app.extensions["styrdok"]["engine"].dispose()


def test_schema_changes_as_the_app_role_say_to_use_the_owner(app_role, run, monkeypatch):
    monkeypatch.setenv("STYRDOK_DATABASE_URL", app_role)
    refused = run("db", "app-role", "annan_roll")
    assert refused.exit_code == 2 and "ägarrollen" in refused.stderr
    owner = make_engine(run.url)
    with owner.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'e5a7c9d1f3b4'"))
    owner.dispose()
    behind = run("init")  # one migration to run, as a role that may not
    assert behind.exit_code == 2 and "ägarrollen" in behind.stderr
