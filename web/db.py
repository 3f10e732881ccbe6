"""The request's database session: opened on first use, committed once by the view, closed after."""

from __future__ import annotations

from flask import current_app, g, request
from sqlalchemy.orm import Session

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def db() -> Session:
    """The request's session; GET requests read without taking SQLite's write lock."""
    if "db_session" not in g:
        kind = "read_sessions" if request.method in READ_METHODS else "sessions"
        g.db_session = current_app.extensions["styrdok"][kind]()
    return g.db_session


def commit() -> None:
    """The one commit of a request that changed something (then, when one is due, a signed
    checkpoint of the audit trail's head)."""
    from registry.archive.checkpoints import checkpoint_if_due

    db().commit()
    styrdok = current_app.extensions["styrdok"]
    checkpoint_if_due(styrdok["read_sessions"](), current_app.config["STYRDOK_SETTINGS"])


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # anything not committed is rolled back
