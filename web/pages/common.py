"""Helpers the page views share: what the reader may see, the ruleset, related documents."""

from __future__ import annotations

from flask import current_app, g

from registry.models.vocabulary import DOCUMENT_STATUSES, PUBLIC_STATUSES
from registry.rules.model import Ruleset
from registry.services.findings import register_ruleset
from registry.similarity.related_store import StoredRelatedIndex
from web.auth import can
from web.db import db


def visible_statuses() -> tuple[str, ...]:
    return DOCUMENT_STATUSES if can("read_all") else PUBLIC_STATUSES


def ruleset() -> Ruleset:
    if "ruleset" not in g:
        g.ruleset = register_ruleset(db(), current_app.config["STYRDOK_SETTINGS"])
    return g.ruleset


def related_index() -> StoredRelatedIndex:
    """Documents in force or being prepared (all of them public), from the stored vectors."""
    from registry.rules.engine import type_lexicon

    if "related" not in g:
        g.related = StoredRelatedIndex(db(), type_lexicon(ruleset()))
    return g.related
