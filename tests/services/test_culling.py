"""Gallring: only under a gallringsbeslut, only for ended documents, always leaving a tombstone;
the database itself refuses to delete a document that has none."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from registry.archive.audit import verify_chain
from registry.errors import Conflict, InvalidInput, NotFound
from registry.models import AuditEvent, CulledDocument, Document, DocumentVersion, Relation, SearchEntry
from registry.services.culling import cull_document
from registry.services.documents import repeal_document
from registry.services.relations import link_documents

DECISION = {"decision_reference": "KS 2024-05-06 § 88 (dnr KS 2024/99), gallringsplan för styrdokument"}


def _ended(db_session, make_document, title="Gammal riktlinje om parkering"):
    document = make_document(title=title, status="gällande")
    repeal_document(db_session, document.id, actor="testaren", reason="Ersatt av ny ordning")
    return document


def test_culling_removes_the_document_and_leaves_a_tombstone_and_an_event(db_session, make_document):
    document = _ended(db_session, make_document)
    other = make_document(title="Ny riktlinje om parkering", status="gällande")
    link_documents(db_session, {"source": other.id, "target": document.id, "kind": "ersätter"}, actor="testaren")
    document_id = document.id
    tombstone = cull_document(db_session, document_id, DECISION, actor="arkivarien")
    assert db_session.get(Document, document_id) is None
    for model, column in (
        (DocumentVersion, DocumentVersion.document_id),
        (SearchEntry, SearchEntry.document_id),
        (Relation, Relation.target_id),
    ):
        assert db_session.scalar(select(func.count()).select_from(model).where(column == document_id)) == 0
    assert tombstone.title == "Gammal riktlinje om parkering" and tombstone.version_count == 2
    assert tombstone.removed["relationer"] == 1 and len(tombstone.content_sha256) == 64
    event = db_session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor, event.entity_id) == ("document.culled", "arkivarien", document_id)
    assert event.after["decision_reference"].startswith("KS 2024-05-06 § 88")
    assert verify_chain(db_session).intact


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Fältet måste fyllas i"),
        ({"decision_reference": "   "}, "Gallringsbeslutet får inte vara tom"),
        ({"decision_reference": "för att"}, "Ange gallringsbeslutet med datum"),
        ({"decision_reference": "KS § 88", "okänt": 1}, "Okänt fält"),
    ],
)
def test_culling_without_a_gallringsbeslut_is_refused_and_changes_nothing(db_session, make_document, data, message):
    document = _ended(db_session, make_document)
    with pytest.raises(InvalidInput, match=message):
        cull_document(db_session, document.id, data, actor="arkivarien")
    assert db_session.get(Document, document.id) is not None


def test_documents_in_force_are_not_culled(db_session, make_document):
    document = make_document(status="gällande")
    with pytest.raises(Conflict, match="Bara upphävda, ersatta eller avpublicerade"):
        cull_document(db_session, document.id, DECISION, actor="arkivarien")


def test_unknown_and_already_culled_ids_are_named(db_session, make_document):
    with pytest.raises(NotFound, match="finns inte"):
        cull_document(db_session, "finns-inte-123", DECISION, actor="arkivarien")
    document = _ended(db_session, make_document)
    cull_document(db_session, document.id, DECISION, actor="arkivarien")
    with pytest.raises(NotFound, match="gallrades redan .* enligt KS 2024-05-06 § 88"):
        cull_document(db_session, document.id, DECISION, actor="arkivarien")


def test_database_refuses_deleting_a_document_without_a_tombstone(db_session, make_document):
    document = _ended(db_session, make_document)
    with pytest.raises(DBAPIError, match="historik"), db_session.begin_nested():
        db_session.execute(text("DELETE FROM document_versions WHERE document_id = :id"), {"id": document.id})
    with pytest.raises(DBAPIError, match="historik"), db_session.begin_nested():
        db_session.execute(text("DELETE FROM documents WHERE id = :id"), {"id": document.id})
    assert db_session.get(Document, document.id) is not None
    assert db_session.scalar(select(func.count()).select_from(CulledDocument)) == 0


def test_cli_gallra_refuses_documents_in_force_and_needs_the_decision(run):
    run("init", "--demo")
    guide = "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d03"
    refused = run("gallra", guide, "--beslut", "KS 2024-05-06 § 88", "--ja")
    assert refused.exit_code == 2 and "är gällande. Bara upphävda" in refused.output
    missing = run("gallra", guide, "--ja")
    assert missing.exit_code == 2 and "--beslut" in missing.output


def test_a_culled_id_is_never_given_to_a_new_document(db_session, make_document):
    """Issue 13, break 7: the id of a culled document could be reused (201, then 200 with new content)."""
    from registry.services import register_document

    document = _ended(db_session, make_document)
    cull_document(db_session, document.id, DECISION, actor="arkivarien")
    with pytest.raises(Conflict, match="gallrades"):
        register_document(db_session, {"id": document.id, "title": "Något nytt", "type": "plan"}, actor="t")
    # and the database refuses it too, whatever writes the row
    with pytest.raises(DBAPIError), db_session.begin_nested():
        db_session.execute(
            text(
                "INSERT INTO documents (id, title, type_key, status, scope, version, created_at, updated_at) "
                "VALUES (:id, 'x', 'plan', 'utkast', 'kommunen', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"id": document.id},
        )


def test_a_stray_tombstone_does_not_make_a_document_in_force_deletable(db_session, make_document):
    in_force = make_document(title="Gällande policy", status="gällande")
    with pytest.raises(DBAPIError), db_session.begin_nested():
        db_session.execute(
            text(
                "INSERT INTO culled_documents (document_id, title, type_key, status, decision_reference, "
                "version_count, content_sha256, removed, actor, culled_at) VALUES (:id, 'x', 'policy', "
                "'gällande', 'ingen', 1, 'x', '{}', 'angripare', CURRENT_TIMESTAMP)"
            ),
            {"id": in_force.id},
        )
    with pytest.raises(DBAPIError), db_session.begin_nested():
        db_session.execute(text("DELETE FROM documents WHERE id = :id"), {"id": in_force.id})
    assert db_session.get(Document, in_force.id) is not None


def test_tombstones_can_be_neither_changed_nor_removed(db_session, make_document):
    document = _ended(db_session, make_document)
    cull_document(db_session, document.id, DECISION, actor="arkivarien")
    for statement in (
        "UPDATE culled_documents SET title = 'ändrad' WHERE document_id = :id",
        "DELETE FROM culled_documents WHERE document_id = :id",
    ):
        with pytest.raises(DBAPIError), db_session.begin_nested():
            db_session.execute(text(statement), {"id": document.id})
    assert db_session.scalar(select(CulledDocument.title).where(CulledDocument.document_id == document.id)) == (
        "Gammal riktlinje om parkering"
    )
