"""Related documents from the stored vectors: the same answers as the in-memory index they
replace, kept right by every kind of write, rebuilt when the ruleset changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from benchmarks.synthetic import generate
from registry.models import RelatedTerm, RelatedVector, RelatedVocabulary
from registry.queries import build_related_index
from registry.services import register_document, revise_document
from registry.services.documents import repeal_document
from registry.services.settings import get_setting
from registry.similarity.related_store import (
    LEXICON_SETTING,
    StoredRelatedIndex,
    packed_vector,
    rebuild,
    register_lexicon,
)

QUERIES = [
    "Motion om att ta fram riktlinjer för användning av artificiell intelligens och AI-verktyg i skolan.",
    "Vi vill se en plan för skolskjuts, hållplats och färdtid för elever i grundskola.",
    "Klimatanpassning, utsläpp av koldioxid och förnybar energi.",
    "Informationssäkerhet: lösenord, behörighet och incident.",
]


def _register(session, count: int) -> list[str]:
    ids = []
    for snapshot in generate(count, seed=11).snapshots:
        document = register_document(
            session,
            {
                "id": snapshot.id,
                "title": snapshot.title,
                "type": snapshot.type,
                "status": "gällande",
                "topics": list(snapshot.topics),
                "summary": snapshot.summary,
                "sections": [{"anchor": s.anchor, "heading": s.heading, "text": s.text} for s in snapshot.sections],
            },
            actor="test",
        )
        ids.append(document.id)
    return ids


def _vectors(session) -> dict[str, tuple[bytes, bytes]]:
    rows = session.execute(select(RelatedVector.document_id, RelatedVector.hashes, RelatedVector.weights))
    return {document_id: (bytes(hashes), bytes(weights)) for document_id, hashes, weights in rows}


def _vectors_from_terms(session) -> dict[str, tuple[bytes, bytes]]:
    vectors: dict[str, dict[str, tuple[float, str]]] = {}
    for document_id, term, weight in session.execute(
        select(RelatedTerm.document_id, RelatedTerm.term, RelatedTerm.weight)
    ):
        vectors.setdefault(document_id, {})[term] = (weight, "")
    return {document_id: packed_vector(vector) for document_id, vector in vectors.items()}


def _vocabulary(session) -> dict[str, int]:
    rows = session.execute(select(RelatedVocabulary.term, RelatedVocabulary.df).where(RelatedVocabulary.df > 0))
    return {term: df for term, df in rows}


@pytest.fixture
def register(db_session, rulesets):
    _register(db_session, 150)
    db_session.flush()
    return db_session


@pytest.mark.parametrize("text", QUERIES)
def test_stored_answers_score_as_the_in_memory_index_does(register, text):
    from registry.config import load_settings
    from registry.rules.engine import type_lexicon
    from registry.services.findings import register_ruleset

    _, lexicon = register_lexicon(register)
    memory = build_related_index(register, register_ruleset(register, load_settings()))
    stored = StoredRelatedIndex(register, lexicon)
    expected = memory.related(text, limit=8)
    found = stored.related(text, limit=8)
    assert expected and found
    by_id = {r.id: r for r in found}
    # The stored index scores more candidates exactly, so it never does worse at the top ...
    assert found[0].score >= expected[0].score - 1e-9
    # ... and every document both return has the same cosine and the same shared terms first.
    common = [r for r in expected if r.id in by_id]
    assert len(common) >= len(expected) // 2
    for result in common:
        assert by_id[result.id].score == pytest.approx(result.score, abs=1e-9)
        assert [t.lower() for t in by_id[result.id].shared_terms[:3]] == [t.lower() for t in result.shared_terms[:3]]
        assert by_id[result.id].section_anchor == result.section_anchor
    assert lexicon.forms == type_lexicon(register_ruleset(register, load_settings())).forms


def test_every_write_keeps_the_document_frequencies_exact(register):
    from registry.models import Document

    first, second, third = register.scalars(select(Document.id).order_by(Document.id).limit(3)).all()
    revise_document(
        register,
        first,
        {"title": "Strategi för bredband och landsbygd", "expected_version": 1, "reason": "Ny titel"},
        actor="test",
    )
    repeal_document(register, second, actor="test", reason="Upphävd")  # leaves the live set
    revise_document(register, third, {"status": "avpublicerad", "expected_version": 1, "reason": "Fel"}, actor="test")
    register_document(
        register, {"title": "Riktlinjer för bredband", "type": "riktlinje", "status": "utkast"}, actor="t"
    )
    incremental, vectors = _vocabulary(register), _vectors(register)
    assert register.scalar(select(func.count()).select_from(RelatedTerm).where(RelatedTerm.document_id == second)) == 0
    # The one-row vector the overlaps report reads is the same vector, gone with the document
    # that left the live set and changed with the revised title.
    assert second not in vectors and third not in vectors and first in vectors
    assert vectors == _vectors_from_terms(register)
    key, lexicon = register_lexicon(register)
    rebuild(register, lexicon, lexicon_key=key)
    assert incremental == _vocabulary(register)  # what each write kept is what a rebuild finds
    assert vectors == _vectors(register)


def test_a_new_ruleset_rebuilds_the_vectors_with_its_lexicon(db_session, rulesets):
    from registry.services.settings import RULESET_KEY, set_setting
    from registry.similarity.related_store import ensure_current

    _register(db_session, 20)
    key, _ = register_lexicon(db_session)
    assert get_setting(db_session, LEXICON_SETTING) == key
    assert ensure_current(db_session) == 0  # nothing to do while the ruleset is the same
    other = "goteborg" if key != "goteborg" else "vallentuna"
    set_setting(db_session, RULESET_KEY, other, actor="test")
    assert ensure_current(db_session) == 20
    assert get_setting(db_session, LEXICON_SETTING) == other


def test_excluded_and_unrelated_documents_are_left_out(register):
    _, lexicon = register_lexicon(register)
    stored = StoredRelatedIndex(register, lexicon)
    first = stored.related(QUERIES[1], limit=3)
    again = stored.related(QUERIES[1], limit=3, exclude=[first[0].id])
    assert first[0].id not in {r.id for r in again}
    assert stored.related("Qwxz vbnm plkj.") == []


def test_an_sqlite_without_math_functions_scores_with_pythons_ln():
    """Related documents' scoring asks the database for ln(); an SQLite built without its math
    functions gets Python's on each connection instead of failing every save."""
    import math
    import sqlite3

    from registry.db import _configure_sqlite

    registered, closed = [], []

    class Cursor:
        def execute(self, statement):
            if statement.startswith("SELECT ln"):
                raise sqlite3.OperationalError("no such function: ln")

        def close(self):
            closed.append(True)

    class Connection:
        isolation_level = ""

        def cursor(self):
            return Cursor()

        def create_function(self, name, arguments, function, deterministic):
            registered.append((name, arguments, function(math.e), function(0.0), deterministic))

    _configure_sqlite(Connection(), None)
    assert registered == [("ln", 1, 1.0, None, True)]
    assert closed == [True]  # the connection is configured and left as before, cursor closed
