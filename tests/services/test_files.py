"""Original files: stored by content hash, linked to documents, backed up with a manifest, and
swept only when nothing refers to them."""

from __future__ import annotations

import datetime as dt
import json
import os

from sqlalchemy import select

from registry.archive.filestore import FileStore, restore_manifest, write_manifest
from registry.models import DocumentFile
from registry.services.culling import cull_document
from registry.services.documents import repeal_document
from registry.services.files import attach_file, sweep_orphans
from registry.timeutil import utcnow


def _age(store: FileStore, digest: str, hours: float) -> None:
    old = (utcnow() - dt.timedelta(hours=hours)).timestamp()
    os.utime(store.path_of(digest), (old, old))


def test_the_sweep_removes_only_old_unreferenced_files(db_session, make_document, tmp_path):
    store = FileStore(tmp_path / "files")
    linked, orphan, young, pending = (store.put(f"fil {n}".encode()) for n in range(4))
    for digest in (linked, orphan, pending):
        _age(store, digest, 2)
    attach_file(
        db_session, make_document(), sha256=linked, filename="a.pdf", media_type="application/pdf", size=5, actor="t"
    )
    reviews = tmp_path / "imports"
    reviews.mkdir()
    (reviews / "x.json").write_text(json.dumps({"created": utcnow().isoformat(), "items": [{"sha256": pending}]}))
    assert sweep_orphans(
        db_session, store, reviews, keep_pending_for=dt.timedelta(days=7), now=utcnow(), dry_run=True
    ) == [orphan]
    assert store.path_of(orphan).exists()
    assert sweep_orphans(db_session, store, reviews, keep_pending_for=dt.timedelta(days=7), now=utcnow()) == [orphan]
    assert not store.path_of(orphan).exists()
    assert all(store.path_of(d).exists() for d in (linked, young, pending))


def test_gallring_unlinks_the_original_and_the_sweep_then_removes_it(db_session, make_document, tmp_path):
    store = FileStore(tmp_path / "files")
    digest = store.put(b"%PDF-1.4 originalet")
    _age(store, digest, 2)
    document = make_document(status="gällande")
    attach_file(
        db_session, document, sha256=digest, filename="gammal.pdf", media_type="application/pdf", size=19, actor="t"
    )
    repeal_document(db_session, document.id, actor="t", reason="Upphävd")
    tombstone = cull_document(db_session, document.id, {"decision_reference": "KS 2024-05-06 § 88"}, actor="arkivarien")
    assert tombstone.removed["originalfiler"] == 1
    assert db_session.scalar(select(DocumentFile).where(DocumentFile.sha256 == digest)) is None
    assert sweep_orphans(
        db_session, store, tmp_path / "imports", keep_pending_for=dt.timedelta(days=7), now=utcnow()
    ) == [digest]


def test_backup_manifest_round_trip_and_a_damaged_copy_is_refused(tmp_path):
    store = FileStore(tmp_path / "files")
    digests = [store.put(f"original {n}".encode()) for n in range(3)]
    assert write_manifest(store.root, tmp_path / "kopia.filer") == 3
    restored = FileStore(tmp_path / "återställd")
    assert restore_manifest(tmp_path / "kopia.filer", restored.root) == 3
    assert all(restored.get(d) == store.get(d) for d in digests)
    (tmp_path / "kopia.filer" / digests[0][:2] / digests[0]).write_bytes(b"manipulerad")
    try:
        restore_manifest(tmp_path / "kopia.filer", tmp_path / "igen")
    except OSError as error:
        assert "stämmer inte med sin kontrollsumma" in str(error)
    else:
        raise AssertionError("en ändrad fil i säkerhetskopian godtogs")


def test_cli_backup_and_restore_carry_the_originals(run, databases, monkeypatch, tmp_path):
    from benchmarks.docmaker import make_docx

    run("init")
    folder = tmp_path / "filer"
    folder.mkdir()
    data = make_docx("Handlingsplan för parker", sections=[("Mål", ["Fler bänkar."])])
    (folder / "plan.docx").write_bytes(data)
    assert "1 dokument nya" in run("import", str(folder)).stdout
    copy = tmp_path / "kopia.backup"
    made = run("backup", str(copy))
    assert made.exit_code == 0 and "1 originalfiler" in made.stdout
    monkeypatch.setenv("STYRDOK_DATABASE_URL", databases.fresh_url())
    monkeypatch.setenv("STYRDOK_INSTANCE_DIR", str(tmp_path / "ny-instans"))
    if run.url.startswith("postgresql"):
        run("init")
    restored = run("restore", str(copy))
    assert restored.exit_code == 0 and "1 originalfiler" in restored.stdout, restored.output
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    assert FileStore(tmp_path / "ny-instans" / "files").get(digest) == data
