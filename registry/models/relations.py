"""Typed links between documents, or between sections of documents."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base
from registry.models.documents import Document
from registry.models.vocabulary import RELATION_KINDS, sql_in
from registry.timeutil import utcnow


class Relation(Base):
    """One stored direction (source --kind--> target); the inverse is only a label."""

    __tablename__ = "relations"
    __table_args__ = (
        UniqueConstraint("source_id", "target_id", "kind", "source_anchor", "target_anchor"),
        CheckConstraint("source_id <> target_id", name="no_self_link"),
        CheckConstraint(f"kind IN {sql_in(list(RELATION_KINDS))}", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    target_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    #: Section anchors; "" means the whole document (kept NOT NULL so uniqueness holds).
    source_anchor: Mapped[str] = mapped_column(String(120), default="")
    target_anchor: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))

    source: Mapped[Document] = relationship(foreign_keys=[source_id], lazy="joined")
    target: Mapped[Document] = relationship(foreign_keys=[target_id], lazy="joined")


class EndedRelation(Base):
    """A relation that no longer holds: kept here whole, with who ended it, when and why.

    Ending moves the row out of ``relations`` (so every reader of current relations stays as it
    is) into this append-only history; nothing about it is lost."""

    __tablename__ = "ended_relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The id the relation had while it held.
    relation_id: Mapped[int] = mapped_column()
    source_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    target_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    source_anchor: Mapped[str] = mapped_column(String(120), default="")
    target_anchor: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    ended_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Document] = relationship(foreign_keys=[source_id], lazy="joined")
    target: Mapped[Document] = relationship(foreign_keys=[target_id], lazy="joined")
