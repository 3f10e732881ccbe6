"""Swedish search on both databases: stems that keep å, ä and ö, compound parts, safe input,
identifiers as people write them, escaped highlights, and the same answers on both engines."""

from __future__ import annotations

import pytest

from registry.queries.search import analyse, document_terms, highlight, matching_ids, query_words
from tests.support.paths import backend

CORPUS = [
    ("Rutin för bygglovsansökan", "Så hanteras en bygglovsansökan från ansökan till beslut."),
    ("Digitaliseringsstrategi", "Kommunens långsiktiga mål för digital förnyelse."),
    ("Riktlinje för parkering", "Du får parkera här i två timmar."),
    ("Policy för resor", "Vår far och mor reser med tåg; mål och medel."),
    ("Taxa för bygglov", "Avgiften för bygglov <b>taxa</b> anges i kronor."),
    ("Plan för skolskjuts", "Skolskjuts för elever med lång färdväg."),
]


@pytest.fixture
def corpus(db_session, make_document, bodies):
    made = {}
    for title, text in CORPUS:
        made[title] = make_document(title=title, full_text=text)
    made["beslut"] = make_document(
        title="Riktlinjer för AI",
        decision={"body": "KS", "meeting_date": "2025-04-07", "paragraph": "61", "dnr": "KS 2025.032"},
    )
    return made


def titles(db_session, corpus, query):
    ids = matching_ids(db_session, query) or set()
    return sorted(t for t, d in corpus.items() if d.id in ids)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("bygglov", ["Rutin för bygglovsansökan", "Taxa för bygglov"]),
        ("strategi", ["Digitaliseringsstrategi"]),
        ("får", ["Riktlinje för parkering"]),
        ("far", ["Policy för resor"]),
        ("mål", ["Digitaliseringsstrategi", "Policy för resor"]),
        ("riktlinjerna", ["Riktlinje för parkering", "beslut"]),
        ("bygglov avgiften", ["Taxa för bygglov"]),
        ("skolskjutsen", ["Plan för skolskjuts"]),
    ],
)
def test_swedish_queries(db_session, corpus, query, expected):
    assert titles(db_session, corpus, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        '"obalanserad',
        "title:",
        "AND",
        "-bygglov",
        "'; DROP TABLE documents; --",
        "*",
        "NEAR(bygglov",
        "bygglov OR",
        "\\",
        "%",
        "_",
        "😀",
        "a" * 500,
    ],
)
def test_no_input_breaks_the_query(db_session, corpus, query):
    result = matching_ids(db_session, query)
    assert result is None or isinstance(result, set)


@pytest.mark.parametrize("query", ["KS 2025.032", "ks 2025/32", "KS 2025:32", "§ 61", "61 §", "paragraf 61"])
def test_identifiers_as_people_write_them(db_session, corpus, query):
    assert titles(db_session, corpus, query) == ["beslut"]


def test_highlights_cannot_inject_html():
    excerpt = highlight("Avgiften för bygglov <b>taxa</b> anges i kronor.", "taxa")
    assert "<b>" not in excerpt and "&lt;b&gt;<mark>taxa</mark>&lt;/b&gt;" in excerpt


def test_stems_keep_swedish_letters():
    assert analyse("får far mål mal") == ["får", "far", "mål", "mal"]


def test_the_database_answers_like_the_reference(db_session, corpus):
    """Parity: both engines must give what the analysed words say (run on SQLite and PostgreSQL)."""
    analysed = {title: set(document_terms(document)) for title, document in corpus.items()}
    for query in ("bygglov", "strategi", "får", "parker", "resor tåg", "digital förnyelse", "elever"):
        words = query_words(query)
        reference = sorted(
            t
            for t, terms in analysed.items()
            if all(any(s.startswith(w) or s.endswith(w) for s in terms) for w in words)
        )
        assert titles(db_session, corpus, query) == reference, query


def test_register_list_uses_the_search(db_session, corpus):
    from registry.queries import RegisterFilters, list_documents

    rows, total = list_documents(db_session, RegisterFilters(q="bygglov"), statuses=("gällande",))
    assert total == 2 and {r.document.title for r in rows} == {"Rutin för bygglovsansökan", "Taxa för bygglov"}


@pytest.mark.skipif(backend() != "postgresql", reason="PostgreSQL:s frågeplan")
def test_postgresql_search_matches_through_the_gin_index_before_it_sorts(db_session):
    """At 100,000 entries a one-word search must not walk every document in title order: EXPLAIN
    the register page's own statement and find the GIN index on the stored tsvector in it."""
    from sqlalchemy import event, text

    from registry.queries import RegisterFilters, list_documents

    db_session.execute(
        text(
            "INSERT INTO documents (id, title, type_key, status, scope, created_at, updated_at, version) "
            "SELECT 'skala-' || n, 'Dokument ' || n, 'riktlinje', 'gällande', 'kommunövergripande', now(), now(), 1 "
            "FROM generate_series(1, 100000) AS n"
        )
    )
    db_session.execute(
        text(
            "INSERT INTO search_entries (document_id, terms, reversed_terms, sort_key) "
            # a vocabulary of some thousand stems, as a register has, and one rare word
            "SELECT 'skala-' || n, 'dokument gemensam ord' || (n % 5000) || CASE WHEN n % 25000 = 0 THEN ' sällsynt' "
            "ELSE '' END, 'tnemukod masnemeg ' || reverse('ord' || (n % 5000)), lpad(n::text, 6, '0') "
            "FROM generate_series(1, 100000) AS n"
        )
    )
    db_session.execute(text("ANALYZE search_entries"))
    db_session.execute(text("ANALYZE documents"))
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    bind = db_session.connection()
    event.listen(bind, "before_cursor_execute", capture)
    try:
        rows, total = list_documents(db_session, RegisterFilters(q="sällsynt"), statuses=("gällande",), per_page=25)
    finally:
        event.remove(bind, "before_cursor_execute", capture)
    assert total == 4
    statement, parameters = next((s, p) for s, p in captured if "search_matches" in s)
    plan = "\n".join(row[0] for row in bind.exec_driver_sql("EXPLAIN " + statement, parameters))
    assert "ix_search_entries_terms_tsv_stored_tsv" in plan, plan
