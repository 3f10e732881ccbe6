"""Registering, revising and ending documents: every change a version, nothing deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry.errors import Conflict, InvalidInput, NotFound, StaleVersion
from registry.models import AuditEvent, Document, DocumentVersion
from registry.services import (
    link_documents,
    register_document,
    repeal_document,
    revise_document,
    supersede_document,
    unpublish_document,
)


def test_registering_creates_first_version_and_audit_event(db_session, bodies):
    document = register_document(
        db_session,
        {
            "title": "Riktlinjer för sociala medier",
            "type": "Riktlinje",
            "adopted_by": "ks",
            "topics": ["sociala medier", "kommunikation"],
            "sections": [
                {"heading": "Digital förnyelse", "text": "Text"},
                {"heading": "Digital förnyelse", "text": "Mer"},
            ],
            "decision": {"body": "KS", "meeting_date": "2025-04-07", "paragraph": "§ 61", "dnr": "KS 2025.032"},
        },
        actor="anna",
    )
    assert document.type_key == "riktlinje"
    assert document.adopted_by.key == "KS"
    assert document.decision.reference == "KS 2025-04-07 § 61"
    assert [s.anchor for s in document.sections] == ["digital-fornyelse", "digital-fornyelse-2"]
    assert document.version == 1
    versions = db_session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == document.id)).all()
    assert [(v.version, v.changed_by) for v in versions] == [(1, "anna")]
    assert versions[0].snapshot["title"] == "Riktlinjer för sociala medier"
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.entity_id == document.id)).all()
    assert [e.action for e in events] == ["document.registered"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "  ", "type": "policy"}, "Titeln får inte vara tom"),
        ({"type": "policy"}, "title"),
        ({"title": "X", "type": "strateg"}, "Okänd dokumenttyp ”strateg”"),
        ({"title": "X", "type": "policy", "färg": "blå"}, "Okänt fält"),
        ({"title": "X", "type": "policy", "valid_from": "2025-13-01"}, "ÅÅÅÅ-MM-DD"),
        ({"title": "X", "type": "policy", "valid_from": "2025-05-01", "valid_until": "2025-01-01"}, "före giltig från"),
        (
            {
                "title": "X",
                "type": "policy",
                "decision": {"body": "KS", "meeting_date": "2025-01-01", "paragraph": "61", "dnr": "hej"},
            },
            "Diarienumret ”hej”",
        ),
    ],
)
def test_bad_input_is_refused_in_swedish_and_nothing_is_written(db_session, bodies, data, message):
    before = db_session.scalar(select(func.count()).select_from(Document))
    with pytest.raises(InvalidInput, match=message):
        register_document(db_session, data, actor="anna")
    assert db_session.scalar(select(func.count()).select_from(Document)) == before


def test_unknown_organ_is_named(db_session, bodies):
    with pytest.raises(NotFound, match="Organet ”SBN” finns inte"):
        register_document(db_session, {"title": "X", "type": "policy", "adopted_by": "SBN"}, actor="anna")


def test_revision_records_what_changed_who_and_why(db_session, make_document):
    document = make_document(title="Gammal titel", owner="Kansliet")
    revise_document(
        db_session,
        document.id,
        {"title": "Ny titel", "expected_version": 1, "reason": "Språklig översyn"},
        actor="bertil",
    )
    assert document.version == 2
    latest = db_session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document.id)
        .order_by(DocumentVersion.version.desc())
    ).first()
    assert latest.version == 2 and latest.changed_by == "bertil" and latest.reason == "Språklig översyn"
    assert latest.changes == {"title": ["Gammal titel", "Ny titel"]}
    assert document.owner == "Kansliet"  # untouched fields stay


def test_a_revision_that_changes_nothing_adds_no_version(db_session, make_document):
    document = make_document(title="Samma")
    revise_document(db_session, document.id, {"title": "Samma", "expected_version": 1, "reason": "Inget"}, actor="a")
    assert document.version == 1


def test_stale_edit_is_refused_and_names_the_other_change(db_session, make_document):
    document = make_document(title="Från början")
    revise_document(
        db_session, document.id, {"title": "Cecilias titel", "expected_version": 1, "reason": "r"}, actor="cecilia"
    )
    with pytest.raises(StaleVersion) as caught:
        revise_document(
            db_session, document.id, {"owner": "David", "expected_version": 1, "reason": "r"}, actor="david"
        )
    assert "cecilia" in caught.value.message and "titel" in caught.value.message
    assert document.title == "Cecilias titel" and document.owner is None


def test_repeal_supersede_unpublish_keep_the_document_and_its_history(db_session, make_document):
    old = make_document(title="Policy 2019", type="policy", valid_from="2019-01-01")
    new = make_document(title="Policy 2025", type="policy", valid_from="2025-01-01")
    supersede_document(db_session, old.id, new.id, actor="a", reason="Ersatt av ny policy")
    assert old.status == "ersatt" and old.valid_until.isoformat() == "2025-01-01"
    other = make_document(title="Riktlinje att upphäva")
    repeal_document(db_session, other.id, actor="a", reason="Inaktuell")
    assert other.status == "upphävd" and other.valid_until is not None
    third = make_document(title="Avpubliceras")
    unpublish_document(db_session, third.id, actor="a", reason="Felaktigt publicerad")
    assert third.status == "avpublicerad"
    for document in (old, other, third):
        assert db_session.get(Document, document.id) is not None
        assert len(document.versions) == 2


def test_status_changes_follow_the_allowed_transitions(db_session, make_document):
    document = make_document(status="utkast")
    with pytest.raises(InvalidInput, match="kan inte få status ”upphävd”"):
        repeal_document(db_session, document.id, actor="a", reason="r")


def test_no_code_path_deletes_a_document_or_a_version(db_session, make_document):
    document = make_document()
    db_session.delete(document)
    with pytest.raises(Conflict, match="raderas aldrig"):
        db_session.flush()
    db_session.rollback()


def test_unknown_document_id(db_session):
    with pytest.raises(NotFound, match="inget dokument med id ”finns-inte”"):
        revise_document(db_session, "finns-inte", {"expected_version": 1, "reason": "r"}, actor="a")


def test_a_section_with_links_cannot_be_dropped(db_session, make_document):
    strategy = make_document(
        title="Strategi", type="strategi", sections=[{"heading": "Digital förnyelse", "text": "AI"}]
    )
    guide = make_document(title="Vägledning", type="vägledning")
    link_documents(
        db_session,
        {"source": guide.id, "target": strategy.id, "kind": "berör", "target_section": "digital-fornyelse"},
        actor="a",
    )
    with pytest.raises(Conflict, match="digital-fornyelse"):
        revise_document(db_session, strategy.id, {"sections": [], "expected_version": 1, "reason": "r"}, actor="a")
