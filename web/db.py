"""The request's database session: opened on first use, committed once by the view, closed after."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session


def db() -> Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["styrdok"]["sessions"]()
    return g.db_session


def commit() -> None:
    """The one commit of a request that changed something."""
    db().commit()


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # anything not committed is rolled back
