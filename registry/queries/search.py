"""Swedish full-text search over titles, summaries, text and sections, on both databases.

One Python analyser for both engines: lowercase, Snowball Swedish stems with å, ä and ö kept,
each stem also written backwards. A query word matches a stored word that starts with it
("bygglov" finds "bygglovsansökan") or ends with it ("strategi" finds
"digitaliseringsstrategi"). Query words are reduced to letters and digits before they reach the
database, so no input can break the query. Diarienummer and § are matched apart from the text.
"""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Integer, Select, column, intersect, select, text, union
from sqlalchemy.orm import Session

from registry.errors import InvalidInput
from registry.identifiers import normalise_dnr
from registry.models import Decision, Document, SearchEntry
from registry.text.swedish import stem, swedish_key, tokenize

_SAFE = re.compile(r"[^0-9a-zåäöéü]+")
_WORD = re.compile(r"[0-9A-Za-zÅÄÖåäöÉéÜü]+")
MAX_QUERY_WORDS = 8


def analyse(text_value: str) -> list[str]:
    """The stems stored for a text (and looked for in a query)."""
    result = []
    for token in tokenize(text_value or ""):
        for part in [token, *token.split("-")] if "-" in token else [token]:
            cleaned = _SAFE.sub("", part)
            if len(cleaned) >= 2:
                result.append(stem(cleaned))
    return result


def document_terms(document: Document) -> list[str]:
    parts = [document.title, document.summary or "", document.full_text or "", " ".join(document.topic_names)]
    parts += [f"{s.heading} {s.text}" for s in document.sections]
    return analyse(" ".join(parts))


def index_document(session: Session, document: Document) -> None:
    """Replace the document's search entry (called by the services on every change)."""
    terms = sorted(set(document_terms(document)))
    entry = session.scalar(select(SearchEntry).where(SearchEntry.document_id == document.id))
    joined, reversed_joined = " ".join(terms), " ".join(t[::-1] for t in terms)
    sort_key = swedish_key(document.title)[:300]
    if entry is None:
        session.add(
            SearchEntry(document_id=document.id, terms=joined, reversed_terms=reversed_joined, sort_key=sort_key)
        )
    elif (entry.terms, entry.sort_key) != (joined, sort_key):
        entry.terms, entry.reversed_terms, entry.sort_key = joined, reversed_joined, sort_key
    session.flush()
    from registry.similarity.related_store import keep_document_current

    keep_document_current(session, document)  # the related-documents vectors follow too


def _loosen(word: str) -> str:
    """Undo what the stemmer leaves on definite forms, so the prefix covers all of them:
    "skolskjutsen" stems to "skolskjuts" but "skolskjuts" to "skolskjut"; "policyn", "taxan"."""
    if len(word) > 4 and word.endswith("s"):
        return word[:-1]
    if len(word) > 4 and word.endswith("n") and word[-2] in "aeiouyåäö":
        return word[:-1]
    return word


def query_words(query: str) -> list[str]:
    words = []
    for word in analyse(query):
        word = _loosen(word)
        if word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def _identifier_clause(query: str) -> Select[Any] | CompoundSelect[Any] | None:
    """Documents whose decision has this diarienummer or §, when the query is one."""
    try:
        dnr = normalise_dnr(query)
    except InvalidInput:
        dnr = None
    if dnr:
        from registry.models import Case, CaseDocument

        # The documents decided under that dnr, and those the ärende with that dnr concerns.
        return union(
            select(Document.id)
            .join(Decision, Decision.id == Document.decision_id)
            .where(Decision.dnr_normalised == dnr),
            select(CaseDocument.document_id)
            .join(Case, Case.id == CaseDocument.case_id)
            .where(Case.dnr_normalised == dnr),
        )
    paragraph = re.fullmatch(r"\s*(?:§\s*(\d{1,4})|(\d{1,4})\s*§|paragraf\s+(\d{1,4}))\s*", query, re.IGNORECASE)
    if paragraph:
        number = next(g for g in paragraph.groups() if g)
        return (
            select(Document.id).join(Decision, Decision.id == Document.decision_id).where(Decision.paragraph == number)
        )
    return None


def matching_clause(session: Session, query: str) -> ColumnElement[bool] | None:
    """A WHERE clause on Document.id for the query, run inside the database; None without words."""
    identified = _identifier_clause(query)
    if identified is not None:
        return Document.id.in_(identified)
    words = query_words(query)
    if not words:
        return None
    if session.get_bind().dialect.name == "sqlite":
        expression = " AND ".join(f'(terms : "{w}"* OR reversed_terms : "{w[::-1]}"*)' for w in words)
        matches = select(SearchEntry.document_id).where(
            SearchEntry.id.in_(
                text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q")
                .bindparams(q=expression)
                .columns(column("rowid", Integer))
            )
        )
        return Document.id.in_(matches)
    per_word = []
    for number, word in enumerate(words):
        # Words are letters and digits only (see analyse), so ":*" prefix queries cannot break.
        # Each side is its own select on a stored, GIN-indexed tsvector (migration e5a7c9d1f3b4):
        # an OR across the two columns in one WHERE is estimated so broadly that the planner
        # scans the table instead.
        forward = select(SearchEntry.document_id).where(
            text(f"search_entries.terms_tsv @@ to_tsquery('simple'::regconfig, :w{number})").bindparams(
                **{f"w{number}": f"{word}:*"}
            )
        )
        backward = select(SearchEntry.document_id).where(
            text(f"search_entries.reversed_tsv @@ to_tsquery('simple'::regconfig, :r{number})").bindparams(
                **{f"r{number}": f"{word[::-1]}:*"}
            )
        )
        per_word.append(union(forward, backward))
    # Match first, into a materialised set, and only then sort and count: otherwise the planner
    # may walk every document in title order and test each one against the query.
    both = per_word[0] if len(per_word) == 1 else intersect(*per_word)
    matched = both.cte("search_matches").prefix_with("MATERIALIZED")
    return Document.id.in_(select(matched.c.document_id))


def matching_ids(session: Session, query: str) -> set[str] | None:
    """Ids of documents matching the query; None when the query has no searchable words."""
    clause = matching_clause(session, query)
    if clause is None:
        return None
    return set(session.scalars(select(Document.id).where(clause)))


def highlight(text_value: str, query: str, limit: int = 240) -> str:
    """An HTML-safe excerpt with the matched words in <mark>; the text is escaped first."""
    words = query_words(query)

    def hit(word: str) -> bool:
        cleaned = _SAFE.sub("", word.lower())
        # The Swedish stem is a prefix of the word, so a word that does not hold a query word
        # cannot match: most words of a long text are passed over without stemming.
        if not any(w in cleaned for w in words):
            return False
        stemmed = stem(cleaned)
        return any(stemmed.startswith(w) or stemmed.endswith(w) for w in words)

    source = " ".join((text_value or "").split())
    first = next((m for m in _WORD.finditer(source) if hit(m.group(0))), None)
    start = max(0, first.start() - 60) if first else 0
    excerpt = source[start : start + limit]
    pieces, cursor = [], 0
    for match in _WORD.finditer(excerpt):
        if hit(match.group(0)):
            pieces.append(html.escape(excerpt[cursor : match.start()]))
            pieces.append(f"<mark>{html.escape(match.group(0))}</mark>")
            cursor = match.end()
    pieces.append(html.escape(excerpt[cursor:]))
    return ("…" if start else "") + "".join(pieces) + ("…" if start + limit < len(source) else "")


def index_missing(session: Session) -> int:
    """Index documents that have no search entry yet (after the migration that added search)."""
    missing = (
        session.scalars(select(Document).where(Document.id.notin_(select(SearchEntry.document_id)))).unique().all()
    )
    for document in missing:
        index_document(session, document)
    return len(missing)
