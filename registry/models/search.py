"""The search index: each document's analysed words, kept in step by the services.

Derived data, not history: rows are replaced whenever a document changes. On SQLite an FTS5
table mirrors it; on PostgreSQL GIN indexes over tsvectors of the same columns do the job.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base


class SearchEntry(Base):
    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[str] = mapped_column(String(36), ForeignKey("documents.id"), unique=True)
    #: Swedish stems of title, summary, text and sections, space-separated; å, ä and ö kept.
    terms: Mapped[str] = mapped_column(Text)
    #: The same stems written backwards, so "strategi" finds "digitaliseringsstrategi".
    reversed_terms: Mapped[str] = mapped_column(Text)
    #: The title as a Swedish sort key (Å, Ä, Ö after Z), the same on both databases.
    sort_key: Mapped[str] = mapped_column(String(300), index=True)


class RelatedTerm(Base):
    """One term of a live document's topic vector: what related documents are found by.

    Kept by registry.similarity.related_store on every write, for documents in force or being prepared
    only, so no process rebuilds an index at start and a write costs only its own document.
    """

    __tablename__ = "related_terms"
    __table_args__ = (
        # Covering index for the candidate query: postings of a term with their weights.
        Index("ix_related_terms_term", "term", "document_id", "weight"),
    )

    document_id: Mapped[str] = mapped_column(String(36), ForeignKey("documents.id"), primary_key=True)
    #: The Swedish stem (registry.similarity.related.content_terms), at most 120 characters.
    term: Mapped[str] = mapped_column(String(120), primary_key=True)
    #: 1 + ln(count), the title and topics counted twice.
    weight: Mapped[float] = mapped_column(Float)
    #: The word as this document writes it most often, for the explanation ("AI", "bygglov").
    surface: Mapped[str] = mapped_column(String(120))


class RelatedVocabulary(Base):
    """In how many live documents each term occurs (its document frequency, for idf)."""

    __tablename__ = "related_vocabulary"

    term: Mapped[str] = mapped_column(String(120), primary_key=True)
    df: Mapped[int] = mapped_column(Integer)


class RelatedVector(Base):
    """A live document's whole term vector in one row, for reading every vector at once.

    The overlaps report compares every live document: reading 8 million (document, term) rows
    at 100,000 documents cost most of its time. Here each term is a 64-bit hash of its stem
    (registry.similarity.related_store.term_hash) and the weights are those of related_terms,
    as two packed arrays, sorted by hash. Kept with related_terms by every write.
    """

    __tablename__ = "related_vectors"

    document_id: Mapped[str] = mapped_column(String(36), ForeignKey("documents.id"), primary_key=True)
    #: unsigned 64-bit little-endian hashes, one per term
    hashes: Mapped[bytes] = mapped_column(LargeBinary)
    #: 64-bit little-endian floats, 1 + ln(count), in the order of the hashes
    weights: Mapped[bytes] = mapped_column(LargeBinary)
