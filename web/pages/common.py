"""Helpers the page views share: what the reader may see, the ruleset, the related index."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy import func, select

from registry.models import Document
from registry.models.vocabulary import DOCUMENT_STATUSES, PUBLIC_STATUSES
from registry.queries import LIVE_STATUSES, build_related_index
from registry.related import RelatedIndex
from registry.rules.model import Ruleset
from registry.services.findings import register_ruleset
from web.auth import can
from web.db import db


def visible_statuses() -> tuple[str, ...]:
    return DOCUMENT_STATUSES if can("read_all") else PUBLIC_STATUSES


def ruleset() -> Ruleset:
    if "ruleset" not in g:
        g.ruleset = register_ruleset(db(), current_app.config["STYRDOK_SETTINGS"])
    return g.ruleset


def related_index() -> RelatedIndex:
    """The index over documents this reader may see; rebuilt only when the register changed."""
    rules = ruleset()
    statuses = tuple(s for s in LIVE_STATUSES if s in visible_statuses())
    stamp = db().execute(select(func.count(), func.max(Document.updated_at)).where(Document.status.in_(statuses))).one()
    cache = current_app.extensions["styrdok"].setdefault("related", {})
    key = (statuses, id(rules))
    hit = cache.get(key)
    if hit and hit[0] == tuple(stamp):
        return hit[1]
    index = build_related_index(db(), rules) if statuses == LIVE_STATUSES else _restricted(rules, statuses)
    cache[key] = (tuple(stamp), index)
    return index


def _restricted(rules: Ruleset, statuses: tuple[str, ...]) -> RelatedIndex:
    from registry.queries import live_documents, snapshot
    from registry.rules.engine import type_lexicon

    return RelatedIndex(type_lexicon(rules), (snapshot(d) for d in live_documents(db()) if d.status in statuses))
