"""Gallring: the tombstone left when a document is destroyed under a gallringsbeslut.

Destroying a public record is only lawful under a decision on gallring (arkivlagen). The row
says what was destroyed, under which decision, by whom and when; the database refuses to delete a
document or its versions unless its tombstone exists in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base
from registry.timeutil import utcnow


class CulledDocument(Base):
    __tablename__ = "culled_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(String(36), unique=True)  # no FK: the document is gone
    title: Mapped[str] = mapped_column(String(300))
    type_key: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))
    dnr: Mapped[str | None] = mapped_column(String(60))
    decision_reference: Mapped[str] = mapped_column(Text)  # the gallringsbeslut
    reason: Mapped[str | None] = mapped_column(Text)
    version_count: Mapped[int] = mapped_column(Integer)
    #: sha256 of the last version's snapshot: proof of what was destroyed, without keeping it.
    content_sha256: Mapped[str] = mapped_column(String(64))
    removed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # counts of rows removed with it
    actor: Mapped[str] = mapped_column(String(200))
    culled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The KFS number it had, so its stable address answers 410 with these facts.
    kfs_year: Mapped[int | None] = mapped_column(Integer)
    kfs_number: Mapped[int | None] = mapped_column(Integer)
