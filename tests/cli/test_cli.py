"""The styrdok command line as a new user meets it: init, export, import, and every bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from registry.db import make_engine, make_session_factory
from registry.models import AuditEvent, Document

SEED_TITLES = {
    "Digitaliseringsstrategi för Vallentuna kommun",
    "Riktlinjer för informations- och cybersäkerhet",
    "Intern AI-vägledning för medarbetare",
    "Checklista innan du börjar använda ett AI-verktyg",
    "Kommunstyrelsens definitioner av styrdokumenttyper",
}


def _counts(url):
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        counts = (
            session.scalar(select(func.count()).select_from(Document)),
            session.scalar(select(func.count()).select_from(AuditEvent)),
        )
    engine.dispose()
    return counts


def test_init_demo_twice_changes_nothing_the_second_time(run):
    first = run("init", "--demo")
    assert first.exit_code == 0, first.output
    assert "nytt: 5 organ, 5 dokument, 1 ärenden, 3 relationer" in first.output
    after_first = _counts(run.url)
    second = run("init", "--demo")
    assert second.exit_code == 0
    assert "nytt: inget" in second.output
    assert _counts(run.url) == after_first


def test_export_json_lists_the_seed_case(run):
    run("init", "--demo")
    result = run("export", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {d["title"] for d in data["documents"]} == SEED_TITLES
    assert {"id", "title", "type", "status", "adopted_by", "decision", "sections", "topics"} <= set(
        data["documents"][0]
    )
    strategy = next(d for d in data["documents"] if d["type"] == "strategi")
    assert strategy["sections"][0]["heading"] == "Digital förnyelse"
    guideline = next(d for d in data["documents"] if d["title"].startswith("Riktlinjer för informations"))
    assert guideline["status"] == "under beredning"
    [case] = data["cases"]
    assert case["dnr"] == "KS 2025.032"
    assert [(d["body"], d["meeting_date"], d["paragraph"]) for d in case["decisions"]] == [
        ("KS AU", "2025-03-27", "52"),
        ("KS", "2025-04-07", "61"),
    ]
    assert "Gunnar Bergström (V)" in case["decisions"][1]["reservations"][0]
    tjs = next(p for p in case["papers"] if p["kind"] == "tjänsteskrivelse")
    assert [d["date"] for d in tjs["dates"]] == ["2025-02-03", "2025-03-07"]
    assert len(data["relations"]) == 3
    assert any(r["target_section"] == "digital-fornyelse" for r in data["relations"])
    assert {b["key"] for b in data["bodies"]} >= {"KF", "KS", "KS AU"}


def test_export_import_round_trip_is_lossless_and_idempotent(run, fresh_db_url, databases, tmp_path, monkeypatch):
    run("init", "--demo")
    exported = json.loads(run("export").stdout)
    path = tmp_path / "register.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    other = databases.fresh_url()
    monkeypatch.setenv("STYRDOK_DATABASE_URL", other)
    assert run("init").exit_code == 0
    first = run("import", str(path))
    assert first.exit_code == 0 and "nytt: 5 organ, 5 dokument, 1 ärenden, 3 relationer" in first.output
    again = run("import", str(path))
    assert "nytt: inget; ändrat: inget" in again.output
    reexported = json.loads(run("export").stdout)
    for key in ("documents", "relations", "cases", "bodies"):
        assert reexported[key] == exported[key]


def test_csv_export_and_import(run, tmp_path, databases, monkeypatch):
    run("init", "--demo")
    text = run("export", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["title"] for r in rows} == SEED_TITLES
    path = tmp_path / "lista.csv"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("STYRDOK_DATABASE_URL", databases.fresh_url())
    run("init")
    # The CSV names organs by their short form; the new register needs them first.
    bodies = {
        "format": "styrdok-export",
        "bodies": [
            {"key": "KS", "name": "Kommunstyrelsen", "level": "styrelse"},
            {"key": "KLK", "name": "Kommunledningskontoret", "level": "förvaltning"},
        ],
    }
    (tmp_path / "organ.json").write_text(json.dumps(bodies), encoding="utf-8")
    run("import", str(tmp_path / "organ.json"))
    assert "nytt: 5 dokument" in run("import", str(path)).output
    assert "oförändrat: 5 dokument" in run("import", str(path)).output


def test_dry_run_changes_nothing(run, tmp_path):
    run("init", "--demo")
    exported = json.loads(run("export").stdout)
    for number, document in enumerate(exported["documents"]):
        document["id"] = f"{document['id'][:-4]}ff{number:02d}"
    path = tmp_path / "x.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    before = _counts(run.url)
    result = run("import", "--dry-run", str(path))
    assert result.exit_code == 0 and result.output.startswith("Provkörning")
    assert _counts(run.url) == before


def _document(**overrides):
    document = {"title": "Riktlinjer för test", "type": "riktlinje", "status": "gällande"}
    document.update(overrides)
    return document


BAD_JSON_IMPORTS = [
    ({"documents": [_document(type="strategiskt")]}, "documents[0]", "Okänd dokumenttyp ”strategiskt”"),
    ({"documents": [_document(), _document(title="")]}, "documents[1]", "Titeln får inte vara tom"),
    ({"documents": [{"type": "policy"}]}, "documents[0]", "title"),
    (
        {
            "documents": [
                _document(decision={"body": "KS", "meeting_date": "2025-04-07", "paragraph": "61", "dnr": "ks-femtio"})
            ]
        },
        "documents[0]",
        "Diarienumret ”ks-femtio” kunde inte tolkas",
    ),
    (
        {
            "documents": [_document(id="7d0c6f7e-aaaa")],
            "relations": [{"source": "7d0c6f7e-aaaa", "target": "finns-inte-alls", "kind": "berör"}],
        },
        "relations[0]",
        "”finns-inte-alls” finns inte",
    ),
    ({"documents": [_document(adopted_by="SBN")]}, "documents[0]", "Organet ”SBN” finns inte"),
    ({"documents": [_document(färg="blå")]}, "documents[0]", "Okänt fält"),
    ({"cases": [{"dnr": "hej", "kind": "motion", "title": "x"}]}, "cases[0]", "Diarienumret ”hej”"),
]


@pytest.mark.parametrize("payload, where, message", BAD_JSON_IMPORTS)
def test_bad_import_is_one_swedish_line_exit_2_and_nothing_changes(run, tmp_path, payload, where, message):
    run("init", "--demo")
    before = _counts(run.url)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "styrdok-export", **payload}, ensure_ascii=False), encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("styrdok: fel: ")
    assert where in lines[0] and message in lines[0]
    assert _counts(run.url) == before


@pytest.mark.parametrize(
    "content, suffix, message",
    [
        ('{"documents": [', ".json", "inte giltig JSON: rad 1"),
        ("[1, 2]", ".json", "JSON-objekt"),
        ("title,type,färg\nX,policy,blå\n", ".csv", "okända kolumner: färg"),
        ("title,type\nRiktlinje A,riktlinje\nPolicy B,polisy\n", ".csv", "Rad 3"),
        ("title,type,valid_from\nX,policy,igår\n", ".csv", "Rad 2: kolumnen ”valid_from”"),
        (b"\xff\xfe\x00garbage", ".json", "inte text i UTF-8"),
    ],
)
def test_malformed_files_are_refused(run, tmp_path, content, suffix, message):
    run("init")
    path = tmp_path / f"fil{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    before = _counts(run.url)
    result = run("import", str(path))
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert _counts(run.url) == before


def test_commands_before_init_say_what_to_do(run):
    result = run("export")
    assert result.exit_code == 2 and "kör ”styrdok init” först" in result.stderr


def test_missing_file(run):
    run("init")
    result = run("import", "finns-inte.json")
    assert result.exit_code == 2 and "finns inte" in result.stderr


def test_console_script_exit_status_and_one_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "STYRDOK_INSTANCE_DIR": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "web.cli", "check", str(tmp_path / "saknas.txt")],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": "."},
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"styrdok: fel: Filen {tmp_path / 'saknas.txt'} finns inte."]


def test_report_command(run, tmp_path):
    run("init", "--demo")
    text = run("report", "overlaps")
    assert text.exit_code == 0 and "Grupp 1" in text.stdout and "Digitaliseringsstrategi" in text.stdout
    data = json.loads(run("report", "violations", "--format", "json").stdout)
    assert any(r["document"].startswith("Ärende KS 2025.032") for r in data["rows"])
    assert run("report", "reviews", "--format", "xlsx").exit_code == 2
    out = tmp_path / "skick.xlsx"
    assert run("report", "hygiene", "--format", "xlsx", "--output", str(out)).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"


def test_audit_verify_names_a_row_changed_behind_its_back(run):
    from sqlalchemy import text

    run("init", "--demo")
    ok = run("audit", "verify")
    assert ok.exit_code == 0 and "oförändrad" in ok.stdout
    engine = make_engine(run.url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER trg_audit_events_no_update"))
        connection.execute(text("UPDATE audit_events SET after = NULL WHERE id = 7"))
    engine.dispose()
    broken = run("audit", "verify")
    assert broken.exit_code == 3
    assert broken.stderr.strip().splitlines() == [broken.stderr.strip()] and "vid rad 7" in broken.stderr


def test_in_force_on_a_date(run):
    run("init", "--demo")
    import datetime as dt

    today = json.loads(run("in-force", "--date", dt.date.today().isoformat(), "--format", "json").stdout)
    assert "Digitaliseringsstrategi för Vallentuna kommun" in [d["title"] for d in today["documents"]]
    assert "Riktlinjer för informations- och cybersäkerhet" not in [d["title"] for d in today["documents"]]
    assert json.loads(run("in-force", "--date", "2000-01-01", "--format", "json").stdout)["documents"] == []
    assert run("in-force", "--date", "igår").exit_code == 2


def test_backup_while_writing_then_restore(run, databases, monkeypatch, tmp_path):
    import threading
    import time

    from registry.services import register_document

    run("init", "--demo")
    engine = make_engine(run.url)
    sessions = make_session_factory(engine)
    stop = threading.Event()
    written: list[int] = []

    def writer():
        number = 0
        while not stop.is_set() and number < 200:
            with sessions() as session:
                register_document(
                    session, {"title": f"Under säkerhetskopiering {number}", "type": "rutin"}, actor="skrivare"
                )
                session.commit()
            written.append(number)
            number += 1

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 5:  # let the writer commit a few documents before the backup starts
        time.sleep(0.01)
    committed_before = len(written)
    target = tmp_path / "kopia.backup"
    result = run("backup", str(target))
    stop.set()
    thread.join()
    engine.dispose()
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("STYRDOK_DATABASE_URL", databases.fresh_url())
    if run.url.startswith("postgresql"):
        run("init")
    restored = run("restore", str(target))
    assert restored.exit_code == 0, restored.output
    assert "händelseloggen är oförändrad" in restored.output
    count = int(restored.output.split("Återställt: ")[1].split(" dokument")[0])
    assert count >= 5 + committed_before  # the five demo documents and every commit before the backup began


def test_restore_refuses_a_damaged_file(run, tmp_path):
    run("init")
    bad = tmp_path / "trasig.backup"
    bad.write_bytes(b"inte en databas")
    result = run("restore", str(bad))
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def _damaged_backups(run, tmp_path):
    """A good backup of the demo, then three damaged copies of it (issue 13, break 6)."""
    import shutil
    import sqlite3

    good = tmp_path / "bra.backup"
    assert run("backup", str(good)).exit_code == 0
    if run.url.startswith("postgresql"):
        return good, {}
    dropped = tmp_path / "utan-skydd.backup"
    shutil.copy(good, dropped)
    with sqlite3.connect(dropped) as connection:
        connection.execute("DROP TRIGGER trg_audit_events_no_update")
    edited = tmp_path / "andrad-logg.backup"
    shutil.copy(good, edited)
    with sqlite3.connect(edited) as connection:
        connection.execute("DROP TRIGGER trg_audit_events_no_update")
        connection.execute("UPDATE audit_events SET actor = 'någon annan' WHERE id = 1")
        connection.execute(
            "CREATE TRIGGER trg_audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'x'); END"
        )
    return good, {"saknar registrets skydd": dropped, "händelselogg är bruten": edited}


def test_a_damaged_backup_is_refused_and_the_live_register_is_untouched(run, tmp_path):
    from registry.services import register_document

    run("init", "--demo")
    good, damaged = _damaged_backups(run, tmp_path)
    engine = make_engine(run.url)
    with make_session_factory(engine)() as session:
        register_document(session, {"title": "Skrivet efter säkerhetskopian", "type": "rutin"}, actor="t")
        session.commit()
    # an original file of the good backup, damaged: refused before anything is restored
    manifest = tmp_path / "bra.backup.filer"
    manifest.mkdir(exist_ok=True)
    (manifest / "abc").write_bytes(b"andra bytes")
    (manifest / "MANIFEST.sha256").write_text("0" * 64 + "  abc\n", encoding="ascii")
    cases = {**damaged, "stämmer inte med sin kontrollsumma": good}
    for problem, backup in cases.items():
        result = run("restore", str(backup))
        assert result.exit_code == 2 and problem in result.stderr, (problem, result.stderr)
        with make_session_factory(engine)() as session:
            titles = set(session.scalars(select(Document.title)))
        assert "Skrivet efter säkerhetskopian" in titles, problem  # the live register as it was
    engine.dispose()


def test_open_data_export_writes_both_formats_whole_and_refuses_without_a_public_address(run, tmp_path, monkeypatch):
    run("init", "--demo")
    monkeypatch.delenv("STYRDOK_PUBLIC_URL", raising=False)
    refused = run("oppna-data", str(tmp_path / "ut"))
    assert refused.exit_code == 2 and "--bas-url" in refused.output
    assert not (tmp_path / "ut").exists()  # nothing written
    done = run("oppna-data", str(tmp_path / "ut"), "--bas-url", "https://styrdok.vallentuna.se/")
    assert done.exit_code == 0, done.output
    assert "CSV: 5 dokument, 5 versioner" in done.output and "JSONL: 5 dokument" in done.output
    with (tmp_path / "ut" / "csv" / "dokument.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["titel"] for r in rows} == SEED_TITLES
    assert all(r["uri"].startswith("https://styrdok.vallentuna.se/kfs/vallentuna/") for r in rows)
    package = json.loads((tmp_path / "ut" / "jsonl" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == [
        "dokument.jsonl",
        "versioner.jsonl",
        "beslut.jsonl",
        "relationer.jsonl",
    ]
    assert "CC0" in (tmp_path / "ut" / "csv" / "LICENS.txt").read_text(encoding="utf-8")
    assert not list((tmp_path / "ut").rglob(".*.tmp"))


@pytest.mark.parametrize(
    "setting, value, message",
    [
        ("STYRDOK_INSTANCE_DIR", "/proc/styrdok-finns-inte", "för databasen kan inte skapas"),
        ("STYRDOK_DATABASE_URL", "sqlite:////proc/sys/styrdok.sqlite3", "Databasen kan inte öppnas"),
    ],
)
def test_serve_on_a_folder_it_cannot_write_says_so_in_swedish(run, monkeypatch, setting, value, message):
    monkeypatch.delenv("STYRDOK_DATABASE_URL")
    monkeypatch.setenv(setting, value)
    refused = run("serve", "--port", "5999")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("styrdok: fel: ") and message in refused.stderr
    assert "internt fel" not in refused.stderr and "Traceback" not in refused.output


def test_a_backup_changed_after_it_was_written_is_refused(run, tmp_path):
    """A copy edited into another valid register (a title changed, the chain untouched) passes
    every check in staging; only the checksum written beside it tells."""
    import sqlite3

    run("init", "--demo")
    copy = tmp_path / "kopia.backup"
    written = run("backup", str(copy))
    assert written.exit_code == 0 and (tmp_path / "kopia.backup.sha256").exists()
    if run.url.startswith("sqlite"):
        connection = sqlite3.connect(copy)
        connection.execute("UPDATE documents SET title = 'Förfalskad strategi' WHERE type_key = 'strategi'")
        connection.commit()
        connection.close()  # the change checkpointed into the file itself
    else:
        with copy.open("ab") as handle:
            handle.write(b"\0")
    refused = run("restore", str(copy))
    assert refused.exit_code == 2 and "stämmer inte med sin kontrollsumma" in refused.stderr
    engine = make_engine(run.url)
    with make_session_factory(engine)() as session:
        assert "Förfalskad strategi" not in set(session.scalars(select(Document.title)))
    engine.dispose()
