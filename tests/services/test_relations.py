"""Relations: one stored direction, both names shown; no self-links, duplicates or ersätter-cycles."""

from __future__ import annotations

import pytest

from registry.errors import Conflict, InvalidInput, NotFound
from registry.models.vocabulary import RELATION_KINDS
from registry.services import link_documents


def test_every_kind_has_an_inverse_name():
    assert {k: v.inverse_label for k, v in RELATION_KINDS.items()} == {
        "genomför": "genomförs av",
        "konkretiserar": "konkretiseras av",
        "ersätter": "ersätts av",
        "upphäver": "upphävs av",
        "berör": "berörs av",
        "hänvisar till": "hänvisas från",
    }


def test_link_between_sections(db_session, make_document):
    strategy = make_document(type="strategi", sections=[{"heading": "Digital förnyelse", "text": "AI"}])
    guide = make_document(type="vägledning")
    relation = link_documents(
        db_session,
        {"source": guide.id, "target": strategy.id, "kind": "berör", "target_section": "digital-fornyelse"},
        actor="a",
    )
    assert (relation.source_id, relation.target_id, relation.target_anchor) == (
        guide.id,
        strategy.id,
        "digital-fornyelse",
    )


@pytest.mark.parametrize(
    "change, error, message",
    [
        (lambda a, b: {"source": a, "target": a, "kind": "berör"}, InvalidInput, "sig självt"),
        (lambda a, b: {"source": a, "target": "saknas-123", "kind": "berör"}, NotFound, "”saknas-123” finns inte"),
        (lambda a, b: {"source": a, "target": b, "kind": "gillar"}, InvalidInput, "Okänd relationstyp"),
        (
            lambda a, b: {"source": a, "target": b, "kind": "berör", "target_section": "finns-ej"},
            NotFound,
            "inget avsnitt",
        ),
    ],
)
def test_bad_links_are_refused(db_session, make_document, change, error, message):
    a, b = make_document(), make_document()
    with pytest.raises(error, match=message):
        link_documents(db_session, change(a.id, b.id), actor="a")


def test_duplicate_link_is_refused(db_session, make_document):
    a, b = make_document(), make_document()
    link_documents(db_session, {"source": a.id, "target": b.id, "kind": "genomför"}, actor="a")
    with pytest.raises(Conflict, match="finns redan"):
        link_documents(db_session, {"source": a.id, "target": b.id, "kind": "genomför"}, actor="a")


def test_ersatter_cannot_close_a_cycle(db_session, make_document):
    a, b, c = make_document(), make_document(), make_document()
    link_documents(db_session, {"source": a.id, "target": b.id, "kind": "ersätter"}, actor="x")
    link_documents(db_session, {"source": b.id, "target": c.id, "kind": "ersätter"}, actor="x")
    with pytest.raises(Conflict, match="cirkel"):
        link_documents(db_session, {"source": c.id, "target": a.id, "kind": "ersätter"}, actor="x")
