"""The Document aggregate: documents, their sections, topics and immutable versions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base
from registry.models.bodies import Body
from registry.models.vocabulary import DOCUMENT_STATUSES, sql_in
from registry.timeutil import utcnow

if TYPE_CHECKING:  # the models refer to each other; SQLAlchemy resolves the names at mapping time
    from registry.models.cases import Decision


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(DOCUMENT_STATUSES)}", name="status_known"),
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from",
            name="validity_ordered",
        ),
        # The stable address /kfs/{kommun}/{typ}/{år}/{löpnummer} rests on this pair.
        Index("uq_documents_kfs", "kfs_year", "kfs_number", unique=True),
    )

    #: A stable, opaque id (uuid text), the same in exports and URLs on every database.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    #: Canonical type key from the rule files: strategi, riktlinje, policy, ...
    type_key: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    #: "kommunövergripande" or the name of the nämnd the document applies to.
    scope: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    full_text: Mapped[str | None] = mapped_column(Text)
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    next_review_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    #: Free-text note on where the content comes from (e.g. demo content written from the seed).
    content_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The number of the current version; also the optimistic lock: every UPDATE checks it
    #: (version_id_col). Services set it themselves, once per change, however many flushes.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Year and running number in the författningssamling ("KFS 2025:3"), given when the document
    #: is first made public and never changed (registry.opendata.identifiers); None for drafts.
    kfs_year: Mapped[int | None] = mapped_column(Integer)
    kfs_number: Mapped[int | None] = mapped_column(Integer)

    adopted_by: Mapped[Body | None] = relationship(lazy="joined")
    decision: Mapped[Decision | None] = relationship(lazy="joined")
    # Sections and topics belong to the current version only; earlier ones live on in the
    # version snapshots, so a section or topic dropped in a revision is removed here.
    sections: Mapped[list[Section]] = relationship(
        back_populates="document", order_by="Section.position", cascade="all, delete-orphan"
    )
    topics: Mapped[list[DocumentTopic]] = relationship(
        back_populates="document", order_by="DocumentTopic.topic", cascade="all, delete-orphan"
    )
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.version", cascade="save-update, merge"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def topic_names(self) -> list[str]:
        return [t.topic for t in self.topics]

    def __repr__(self) -> str:
        return f"<Document {self.id[:8]} {self.type_key} {self.title!r}>"


class Section(Base):
    __tablename__ = "sections"
    __table_args__ = (
        UniqueConstraint("document_id", "anchor"),
        CheckConstraint("length(anchor) > 0", name="anchor_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    #: Stable anchor ("digital-fornyelse"); links point at it and it survives revisions.
    anchor: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")

    document: Mapped[Document] = relationship(back_populates="sections")


class DocumentTopic(Base):
    __tablename__ = "document_topics"
    __table_args__ = (UniqueConstraint("document_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    topic: Mapped[str] = mapped_column(String(120), index=True)

    document: Mapped[Document] = relationship(back_populates="topics")


class DocumentVersion(Base):
    """An immutable row per change: who, when, what changed and why, plus a full snapshot."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    #: {field: [before, after]} for what this version changed.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)

    document: Mapped[Document] = relationship(back_populates="versions")


class DocumentFile(Base):
    """An original file a document came from (the PDF or DOCX as decided), stored by content hash.

    The bytes live in the file store (registry.archive.filestore) under their sha256; this row says which
    document they belong to, under which name they arrived, and who added them.
    """

    __tablename__ = "document_files"
    __table_args__ = (UniqueConstraint("document_id", "sha256", name="one_file_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
