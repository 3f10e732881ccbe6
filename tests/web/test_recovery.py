"""When the database goes away or the disk fills up, the web answers 503 in Swedish and recovers
by itself when the database is back — no restart (R28)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import event

from tests.support.paths import backend
from tests.support.web import csrf_of, login


@pytest.fixture
def database_switch(fresh_app):
    """{"down": bool}: while True, every new connection is refused, as when the server is down."""
    engine = fresh_app.extensions["styrdok"]["engine"]
    state = {"down": False}

    @event.listens_for(engine, "do_connect")
    def _refuse(_dialect, _record, _args, _params):
        if state["down"]:
            raise engine.dialect.dbapi.OperationalError("databasen är nere (felinjektion)")

    def switch(down: bool) -> None:
        state["down"] = down
        engine.dispose()  # pooled connections go, as when the server restarts

    return switch


def test_database_down_then_back_recovers_without_a_restart(fresh_app, database_switch):
    client = fresh_app.test_client()
    assert client.get("/").status_code == 200
    database_switch(True)
    page = client.get("/")
    assert page.status_code == 503 and "Tillfälligt otillgänglig" in page.get_data(as_text=True)
    assert client.get("/api/v1/documents").json["error"]["code"] == "unavailable"
    database_switch(False)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/documents").status_code == 200


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite's max_page_count stands in for a full disk")
def test_full_disk_gives_503_and_saves_nothing_then_recovers(fresh_app):
    engine = fresh_app.extensions["styrdok"]["engine"]
    full = {"now": False}

    @event.listens_for(engine, "connect")
    def _cap(connection, _record):
        if full["now"]:
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {pages}")

    client = fresh_app.test_client()
    login(client, "registrator")
    form = {
        "csrf_token": csrf_of(client),
        "title": "Riktlinjer för ett fullt lager",
        "type": "riktlinje",
        "status": "utkast",
        "full_text": "x" * 200_000,
        "action": "spara",
    }
    full["now"] = True
    engine.dispose()
    refused = client.post("/dokument/ny", data=form)
    assert refused.status_code == 503 and "Traceback" not in refused.get_data(as_text=True)
    full["now"] = False
    engine.dispose()
    assert "Riktlinjer för ett fullt lager" not in client.get("/?q=fullt").get_data(as_text=True)
    assert client.post("/dokument/ny", data=form).status_code == 302


def test_healthz_says_whether_the_database_answers(fresh_app, database_switch):
    client = fresh_app.test_client()
    assert client.get("/healthz").json == {"status": "ok", "database": "ok", "disk": "ok"}
    database_switch(True)
    sick = client.get("/healthz")
    assert sick.status_code == 503 and sick.json["database"] == "svarar inte"
    database_switch(False)
    assert client.get("/healthz").status_code == 200


def _read_only(fresh_app):
    """Make the database refuse writes, as a read-only mount or a standby would."""
    engine = fresh_app.extensions["styrdok"]["engine"]
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _query_only(connection, _record):
            connection.execute("PRAGMA query_only = 1")

    else:

        @event.listens_for(engine, "connect")
        def _standby(connection, _record):
            connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            connection.commit()

    engine.dispose()


def test_healthz_says_when_the_database_takes_no_writes(fresh_app):
    client = fresh_app.test_client()
    login(client, "registrator")
    _read_only(fresh_app)
    sick = client.get("/healthz")
    assert sick.status_code == 503 and sick.json == {"status": "fel", "database": "skrivskyddad", "disk": "ok"}
    assert client.get("/").status_code == 200  # reading still works
    saved = client.post(
        "/dokument/ny",
        data={"csrf_token": csrf_of(client), "title": "Rutin på skrivskyddat", "type": "rutin", "action": "spara"},
    )
    assert saved.status_code == 503 and "Tillfälligt otillgänglig" in saved.get_data(as_text=True)


def test_healthz_says_when_the_disk_is_nearly_full(fresh_app, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    client = fresh_app.test_client()
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10**10, 10**10 - 5 * 1024 * 1024, 5 * 1024 * 1024))
    sick = client.get("/healthz")
    assert sick.status_code == 503 and sick.json["disk"] == "nästan full (5 MB kvar)"
    monkeypatch.undo()
    assert client.get("/healthz").status_code == 200


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite's max_page_count stands in for a full disk")
def test_healthz_says_when_the_sqlite_file_is_full(fresh_app):
    engine = fresh_app.extensions["styrdok"]["engine"]

    @event.listens_for(engine, "connect")
    def _cap(connection, _record):
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()
    sick = fresh_app.test_client().get("/healthz")
    assert sick.status_code == 503 and sick.json["database"] == "full"


def test_an_upload_on_a_full_disk_is_refused_in_swedish_and_leaves_nothing(fresh_app, monkeypatch, tmp_path):
    import errno

    from registry.archive.filestore import FileStore

    def _no_room(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    client = fresh_app.test_client()
    login(client, "registrator")
    monkeypatch.setattr(FileStore, "put", _no_room)
    fresh_app.config["STYRDOK_SWALLOW_ERRORS"] = True
    refused = client.post(
        "/importera",
        data={"csrf_token": csrf_of(client), "filer": (io.BytesIO(POLICY_TEXT), "policy.txt")},
        content_type="multipart/form-data",
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 503 and "Lagringen är full eller skrivskyddad, så inget sparades" in body
    assert "Traceback" not in body
    assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert not [p for p in (tmp_path / "imports").rglob("*") if p.is_file()]
    monkeypatch.undo()
    again = client.post(
        "/importera",
        data={"csrf_token": csrf_of(client), "filer": (io.BytesIO(POLICY_TEXT), "policy.txt")},
        content_type="multipart/form-data",
    )
    assert again.status_code == 302


POLICY_TEXT = (
    "Policy för öppna data\n\nKommunen ska göra sina data öppna och fritt tillgängliga. "
    "Öppenhet är grundhållningen i allt kommunen gör.\n"
).encode()
