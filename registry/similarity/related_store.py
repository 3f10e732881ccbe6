"""Related documents answered from the database: stored term vectors, kept by each write.

The same tf-idf cosine as registry.similarity.related.RelatedIndex (which stays as the pure, in-memory
reference the tests and the benchmarks compare with), but nothing is built at start:

- a write replaces its own document's rows in related_terms and adjusts related_vocabulary's
  document frequencies for the terms it added or dropped (cost: its own terms);
- a query reads the document frequencies of its own terms, gathers candidates from the postings
  of its rarer terms in one grouped statement, and scores the best of them exactly, with their
  whole vectors, in one more statement; titles and sections are read for what is shown;
- each live document's whole vector is also kept in one row of related_vectors (term hashes and
  weights as packed arrays), which the overlaps report reads all at once.
"""

from __future__ import annotations

import hashlib
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Float, TextClause, cast, delete, func, insert, literal, select, text, update
from sqlalchemy.orm import Session, selectinload

from registry.limits import analysed_part
from registry.models import Document, RegisterSetting, RelatedTerm, RelatedVector, RelatedVocabulary, Section
from registry.queries import LIVE_STATUSES
from registry.rules.engine import Lexicon, RelatedDocument
from registry.similarity.related import RelatedIndex, content_terms, display_term

#: The statuses whose documents a new text can overlap with.
LIVE = LIVE_STATUSES
TERM_LENGTH = 120
#: Postings read to find candidates: the rarest query terms first, until this many; the common
#: ones (low idf, small contributions) still count in the exact score of every candidate.
POSTINGS_BUDGET = 12_000
#: Candidates scored exactly, per result asked for (RelatedIndex scores five per result too).
CANDIDATES_PER_RESULT = 5
#: The register setting that says which ruleset's lexicon the stored terms were analysed with.
LEXICON_SETTING = "related_lexicon"


def document_vector(document: Document, lexicon: Lexicon | None) -> dict[str, tuple[float, str]]:
    """term -> (weight, surface), exactly as RelatedIndex.add weighs a document."""
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)

    def count(text: str) -> Counter[str]:
        counts: Counter[str] = Counter()
        for term, surface in content_terms(text, lexicon):
            term = term[:TERM_LENGTH]
            counts[term] += 1
            surfaces[term][surface[:TERM_LENGTH]] += 1
        return counts

    heading = count(" ".join([document.title, *document.topic_names]))
    body = count(" ".join([document.summary or "", document.full_text or ""]))
    for section in document.sections:
        body.update(count(f"{section.heading} {section.text}"))
    terms: Counter[str] = Counter()
    for term, n in heading.items():
        terms[term] += RelatedIndex.TITLE_WEIGHT * n
    terms.update(body)
    return {t: (1.0 + math.log(n), surfaces[t].most_common(1)[0][0]) for t, n in terms.items()}


def store_document_terms(session: Session, document: Document, lexicon: Lexicon | None) -> None:
    """Replace one document's stored vector; a document that is not live has none."""
    wanted = document_vector(document, lexicon) if document.status in LIVE else {}
    stored = {
        term: (weight, surface)
        for term, weight, surface in session.execute(
            select(RelatedTerm.term, RelatedTerm.weight, RelatedTerm.surface).where(
                RelatedTerm.document_id == document.id
            )
        )
    }
    if stored == wanted:
        return
    store_vector(session, document.id, wanted)
    removed = sorted(set(stored) - set(wanted))
    added = sorted(set(wanted) - set(stored))
    changed = sorted(t for t in set(stored) & set(wanted) if stored[t] != wanted[t])
    if removed or changed:
        session.execute(
            delete(RelatedTerm).where(RelatedTerm.document_id == document.id, RelatedTerm.term.in_(removed + changed))
        )
    if added or changed:
        session.execute(
            insert(RelatedTerm),
            [
                {"document_id": document.id, "term": t, "weight": wanted[t][0], "surface": wanted[t][1]}
                for t in added + changed
            ],
        )
    # Sorted, so two writers touching the same terms take their row locks in the same order.
    for chunk in _chunks(removed):
        session.execute(
            update(RelatedVocabulary).where(RelatedVocabulary.term.in_(chunk)).values(df=RelatedVocabulary.df - 1)
        )
    for chunk in _chunks(added):
        _increment(session, chunk)


def _increment(session: Session, terms: list[str]) -> None:
    """df + 1 for each term, inserting the terms no live document had (one upsert statement)."""
    from sqlalchemy.dialects import postgresql, sqlite

    rows = [{"term": t, "df": 1} for t in terms]
    increment = {"df": RelatedVocabulary.df + 1}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # Rows as parameters, not as a VALUES list in the statement: one compiled statement serves
    # every write (a VALUES list of another length was compiled anew for each document).
    statement = dialect.insert(RelatedVocabulary).on_conflict_do_update(index_elements=["term"], set_=increment)
    session.execute(statement, rows)


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def term_hash(term: str) -> int:
    """A stem as an unsigned 64-bit number, the same in every process (BLAKE2b, 8 bytes): two
    stems of a register colliding is as likely as 1 in 10^9 at 100,000 documents."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


def packed_vector(vector: dict[str, tuple[float, str]]) -> tuple[bytes, bytes]:
    """(hashes, weights) as little-endian packed arrays, sorted by hash."""
    pairs = sorted((term_hash(term), weight) for term, (weight, _) in vector.items())
    hashes, weights = array("Q", (h for h, _ in pairs)), array("d", (w for _, w in pairs))
    if hashes.itemsize != 8 or weights.itemsize != 8:  # pragma: no cover - every platform we run on
        raise RuntimeError("64-bit arrays are needed for the stored vectors")
    return hashes.tobytes(), weights.tobytes()


def store_vector(session: Session, document_id: str, vector: dict[str, tuple[float, str]]) -> None:
    """Replace a document's one-row vector (none for a document without terms)."""
    session.execute(delete(RelatedVector).where(RelatedVector.document_id == document_id))
    if vector:
        hashes, weights = packed_vector(vector)
        session.execute(insert(RelatedVector), [{"document_id": document_id, "hashes": hashes, "weights": weights}])


def rebuild(session: Session, lexicon: Lexicon | None, *, lexicon_key: str) -> int:
    """Analyse every live document again (after the ruleset changed, or to fill an old register)."""
    session.execute(delete(RelatedTerm))
    session.execute(delete(RelatedVector))
    session.execute(delete(RelatedVocabulary))
    documents = session.scalars(
        select(Document)
        .where(Document.status.in_(LIVE))
        .options(selectinload(Document.sections), selectinload(Document.topics))
    ).unique()
    df: Counter[str] = Counter()
    count = 0
    for document in documents:
        vector = document_vector(document, lexicon)
        if vector:
            session.execute(
                insert(RelatedTerm),
                [{"document_id": document.id, "term": t, "weight": w, "surface": s} for t, (w, s) in vector.items()],
            )
            hashes, weights = packed_vector(vector)
            session.execute(insert(RelatedVector), [{"document_id": document.id, "hashes": hashes, "weights": weights}])
        df.update(vector.keys())
        count += 1
    for chunk in _chunks(sorted(df), 2000):
        session.execute(insert(RelatedVocabulary), [{"term": t, "df": df[t]} for t in chunk])
    # A stamp on derived data, not a decision of anyone's: kept beside the settings, not audited.
    stamp = session.get(RegisterSetting, LEXICON_SETTING)
    if stamp is None:
        session.add(RegisterSetting(key=LEXICON_SETTING, value=lexicon_key))
    else:
        stamp.value = lexicon_key
    session.flush()
    return count


@lru_cache(maxsize=256)
def _candidates_statement(terms: int) -> TextClause:
    """The dot product over the chosen query terms, grouped by document, best first.

    One statement per number of terms, kept: built as an expression, a CASE with each query's own
    terms was compiled anew on every check and every save (about half of the candidate step's
    time); as text with numbered parameters, each length is compiled once and cached.
    """
    table = RelatedTerm.__tablename__
    whens = " ".join(f"WHEN :t{i} THEN :f{i}" for i in range(terms))
    listed = ", ".join(f":t{i}" for i in range(terms))
    return text(
        f"SELECT document_id, SUM(weight * CASE term {whens} ELSE 0.0 END) AS dot FROM {table} "
        f"WHERE term IN ({listed}) GROUP BY document_id ORDER BY dot DESC, document_id LIMIT :limit"
    )


class StoredRelatedIndex:
    """The register's related documents, read from the database (same answers as RelatedIndex)."""

    def __init__(self, session: Session, lexicon: Lexicon | None):
        self.session = session
        self.lexicon = lexicon

    def __len__(self) -> int:
        return int(
            self.session.scalar(select(func.count()).select_from(Document).where(Document.status.in_(LIVE))) or 0
        )

    def related(
        self,
        text: str,
        *,
        limit: int = 8,
        min_score: float = 0.08,
        exclude: Sequence[str] = (),
    ) -> list[RelatedDocument]:
        query = Counter(t[:TERM_LENGTH] for t, _ in content_terms(analysed_part(text), self.lexicon))
        if not query:
            return []
        total = len(self)
        if not total:
            return []
        df = self._document_frequencies(list(query))
        if not df:
            return []

        def idf_of(frequency: int) -> float:
            return math.log((1 + total) / (1 + frequency)) + 1.0

        def idf(term: str) -> float:
            return idf_of(df.get(term, 0))

        weights = {t: (1.0 + math.log(n)) * idf(t) for t, n in query.items() if t in df}
        query_norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        # What each posting adds to a document's dot product: the query weight times the idf
        # (the document side's tf is the stored weight).
        factors = {t: weights[t] * idf(t) for t in weights}
        candidates = self._candidates(factors, df, limit=limit + len(exclude))
        excluded = set(exclude)
        candidates = [c for c in candidates if c not in excluded]
        if not candidates:
            return []
        scored = self._score(candidates, factors, query_norm, total)
        scored = [s for s in scored if s["score"] >= min_score]
        scored.sort(key=lambda s: -s["score"])
        return self._results(scored[:limit], idf)

    def _document_frequencies(self, terms: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(terms):
            for term, df in self.session.execute(
                select(RelatedVocabulary.term, RelatedVocabulary.df).where(
                    RelatedVocabulary.term.in_(chunk), RelatedVocabulary.df > 0
                )
            ):
                found[term] = df
        return found

    def _candidates(self, factors: dict[str, float], df: dict[str, int], *, limit: int) -> list[str]:
        """The documents with the largest dot product over the rarer query terms (one statement)."""
        chosen: list[str] = []
        postings = 0
        for term in sorted(factors, key=lambda t: (df[t], t)):
            if chosen and postings + df[term] > POSTINGS_BUDGET:
                break
            chosen.append(term)
            postings += df[term]
        parameters: dict[str, Any] = {"limit": limit * CANDIDATES_PER_RESULT}
        # Padded to a multiple of 32 with terms no document holds, so a few statements serve all.
        padded = -(-len(chosen) // 32) * 32
        for i in range(padded):
            term = chosen[i] if i < len(chosen) else f" {i}"  # no analysed term holds a space
            parameters[f"t{i}"], parameters[f"f{i}"] = term, factors.get(term, 0.0)
        rows = self.session.execute(_candidates_statement(padded), parameters)
        return [document_id for document_id, _ in rows]

    def _score(
        self, candidates: list[str], factors: dict[str, float], query_norm: float, total: int
    ) -> list[dict[str, Any]]:
        """Exact cosine for each candidate from its whole stored vector and the current idf.

        The database sums each candidate's norm over its whole vector (one row per candidate, each
        term with its own current document frequency, the same formula as ``idf_of``); only the
        terms a candidate shares with the query come back as rows, for the dot product and the
        words shown. Reading every term of forty candidates into Python cost most of a save's
        related-documents step."""
        idf = func.ln(literal(float(1 + total)) / cast(1 + RelatedVocabulary.df, Float)) + 1.0
        weighted = RelatedTerm.weight * idf
        norms = dict(
            self.session.execute(
                select(RelatedTerm.document_id, func.sum(weighted * weighted))
                .join(RelatedVocabulary, RelatedVocabulary.term == RelatedTerm.term)
                .where(RelatedTerm.document_id.in_(candidates))
                .group_by(RelatedTerm.document_id)
            ).all()
        )
        shared: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
        for chunk in _chunks(sorted(factors)):
            for document_id, term, weight, surface in self.session.execute(
                select(RelatedTerm.document_id, RelatedTerm.term, RelatedTerm.weight, RelatedTerm.surface).where(
                    RelatedTerm.document_id.in_(candidates), RelatedTerm.term.in_(chunk)
                )
            ):
                shared[document_id].append((weight * factors[term], term, surface))
        scored = []
        for document_id, norm_squared in norms.items():
            norm = math.sqrt(norm_squared or 0.0) or 1.0
            contributions = sorted(shared.get(document_id, ()), reverse=True)
            dot = sum(c for c, _, _ in contributions)
            scored.append(
                {
                    "id": document_id,
                    "score": dot / (query_norm * norm),
                    "shared": [t for _, t, _ in contributions],
                    "surfaces": {t: s for _, t, s in contributions},
                }
            )
        return scored

    def _results(self, scored: list[dict[str, Any]], idf: Callable[[str], float]) -> list[RelatedDocument]:
        if not scored:
            return []
        documents = {
            d.id: d
            for d in self.session.scalars(
                select(Document)
                .where(Document.id.in_([s["id"] for s in scored]))
                .options(selectinload(Document.sections))
            ).unique()
        }
        results = []
        for entry in scored:
            document = documents[entry["id"]]
            section = self._best_section(document, set(entry["shared"]), idf)
            results.append(
                RelatedDocument(
                    id=document.id,
                    title=document.title,
                    type=document.type_key,
                    score=entry["score"],
                    shared_terms=[display_term(entry["surfaces"][t]) for t in entry["shared"][:8]],
                    section=section.heading if section else None,
                    section_anchor=section.anchor if section else None,
                )
            )
        return results

    def _best_section(self, document: Document, shared: set[str], idf: Callable[[str], float]) -> Section | None:
        """The section where the shared terms weigh most (as RelatedIndex._best_section)."""
        best, best_score = None, 0.0
        for section in document.sections:
            terms = {t[:TERM_LENGTH] for t, _ in content_terms(f"{section.heading} {section.text}", self.lexicon)}
            score = sum(idf(t) for t in terms & shared)
            if score > best_score:
                best, best_score = section, score
        return best


def register_lexicon(session: Session) -> tuple[str, Lexicon]:
    """The register's ruleset key and its type lexicon (the words left out of topic vectors)."""
    from registry.config import load_settings
    from registry.rules.engine import type_lexicon
    from registry.services.findings import register_ruleset

    ruleset = register_ruleset(session, load_settings())
    return ruleset.key, type_lexicon(ruleset)


def ensure_current(session: Session) -> int:
    """Rebuild the stored vectors when they were analysed with another ruleset's lexicon, or never
    (a register from before they were stored); returns how many documents were analysed."""
    from registry.services.settings import get_setting

    key, lexicon = register_lexicon(session)
    if get_setting(session, LEXICON_SETTING) == key:
        return 0
    from registry.db import take_write_lock

    # Two first writers must not rebuild at once (the second would insert terms the first has
    # just committed): the one that waits finds the stamp set when the lock is its own.
    take_write_lock(session, _REBUILD_LOCK)
    current = session.execute(
        select(RegisterSetting.value).where(RegisterSetting.key == LEXICON_SETTING)
    ).scalar_one_or_none()
    if current == key:
        session.expire_all()
        return 0
    return rebuild(session, lexicon, lexicon_key=key)


#: The advisory lock that serialises rebuilds on PostgreSQL (any constant of our own).
_REBUILD_LOCK = 20261201


def keep_document_current(session: Session, document: Document) -> None:
    """What every write calls: this document's vector, after a rebuild if the lexicon changed."""
    ensure_current(session)
    store_document_terms(session, document, register_lexicon(session)[1])
