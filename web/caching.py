"""Conditional GET for every public read: ETag and Last-Modified, and 304 when nothing changed.

The ETag is a hash of the body, so it is right whatever the page shows; Last-Modified is the
register's last change, so a harvester that only sends If-Modified-Since is answered too. Pages
for a logged-in reader differ by person and are never cached (Cache-Control: private, no-store
comes from the views that need it).
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, g, request
from sqlalchemy import func, select

#: Answers that are not a read of the register: probes, static files (Flask sets their own).
_SKIPPED = ("/healthz", "/static/")


def register_last_modified() -> dt.datetime | None:
    """The latest change anywhere the public can see: documents, decisions, relations, gallring."""
    from registry.models import Decision, Document, Relation
    from registry.models.culling import CulledDocument
    from web.db import db

    moments = (
        db()
        .execute(
            select(
                select(func.max(Document.updated_at)).scalar_subquery(),
                select(func.max(Decision.created_at)).scalar_subquery(),
                select(func.max(Relation.created_at)).scalar_subquery(),
                select(func.max(CulledDocument.culled_at)).scalar_subquery(),
            )
        )
        .one()
    )
    known = [m if m.tzinfo else m.replace(tzinfo=dt.UTC) for m in moments if m is not None]
    return max(known) if known else None


def install(app: Flask) -> None:
    @app.after_request
    def _conditional(response):
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or response.direct_passthrough
            or response.is_streamed
            or getattr(g, "user", None) is not None
            or request.path.startswith(_SKIPPED)
        ):
            return response
        try:
            modified = register_last_modified()
        except Exception:  # noqa: BLE001 — a failed lookup costs the header, never the answer
            modified = None
        if modified is not None:
            response.last_modified = modified.replace(microsecond=0)
        response.add_etag()
        response.headers.setdefault("Cache-Control", "no-cache")  # may be stored, but ask again
        return response.make_conditional(request)
