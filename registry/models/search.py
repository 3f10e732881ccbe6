"""The search index: each document's analysed words, kept in step by the services.

Derived data, not history: rows are replaced whenever a document changes. On SQLite an FTS5
table mirrors it; on PostgreSQL GIN indexes over tsvectors of the same columns do the job.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
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
