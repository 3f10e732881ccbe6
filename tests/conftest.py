"""Fixtures: one database per run (SQLite by default, PostgreSQL with STYRDOK_TEST_DATABASE_URL),
the schema made by Alembic, and a SAVEPOINT per test so every test starts from the same state."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from registry import migrate
from registry.db import make_engine
from registry.rules.loader import load_ruleset
from tests.support.paths import PG_URL, RULES_DIR, SEED_CASE_FILE, SHARED, backend, shared_file  # noqa: F401


class Databases:
    """Makes fresh, empty databases on the backend under test."""

    def __init__(self, tmp_path_factory):
        self.tmp = tmp_path_factory
        self.created: list[str] = []

    def fresh_url(self) -> str:
        if not PG_URL:
            return f"sqlite:///{self.tmp.mktemp('db') / 'styrdok.sqlite3'}"
        base = make_url(PG_URL)
        name = f"{base.database}_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not PG_URL or not self.created:
            return
        admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory)
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def engine(databases):
    """The shared test database, migrated to head once."""
    eng = make_engine(databases.fresh_url())
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def db_session(engine):
    """A session inside an outer transaction; services flush, the test's work is rolled back."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()
    outer.rollback()
    connection.close()


@pytest.fixture
def fresh_db_url(databases) -> str:
    """An empty database of its own (no schema), for CLI and migration tests that commit."""
    return databases.fresh_url()


@pytest.fixture(scope="session")
def rulesets():
    return {key: load_ruleset(RULES_DIR, key) for key in ("standard", "vallentuna", "goteborg", "ostersund")}


@pytest.fixture
def make_document(db_session):
    """Register a document with sensible defaults; returns the Document."""
    from registry.services import register_document

    counter = {"n": 0}

    def make(**overrides):
        counter["n"] += 1
        data = {"title": f"Testdokument {counter['n']}", "type": "riktlinje", "status": "gällande"}
        data.update(overrides)
        return register_document(db_session, data, actor="test")

    return make


@pytest.fixture
def bodies(db_session):
    from registry.services import ensure_body

    made = {}
    for key, name, level in (
        ("KF", "Kommunfullmäktige", "fullmäktige"),
        ("KS", "Kommunstyrelsen", "styrelse"),
        ("KS AU", "Kommunstyrelsens arbetsutskott", "utskott"),
        ("BUN", "Barn- och ungdomsnämnden", "nämnd"),
        ("KLK", "Kommunledningskontoret", "förvaltning"),
    ):
        made[key], _ = ensure_body(db_session, {"key": key, "name": name, "level": level}, actor="test")
    return made


#: The case Styrdok was born from (shared/seed/000_134f2a811ff37da0.txt), shipped with the demo so
#: the import tests run on any clone.


@pytest.fixture
def run(fresh_db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("STYRDOK_DATABASE_URL", fresh_db_url)
    monkeypatch.setenv("STYRDOK_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("STYRDOK_ACTOR", "testaren")
    from click.testing import CliRunner

    from web.cli import cli

    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    invoke.url = fresh_db_url
    return invoke
