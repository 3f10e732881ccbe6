"""Verbs that change the register. Each validates, flushes and never commits: the edge does."""

from registry.services.audit import record_event
from registry.services.bodies import ensure_body, get_body
from registry.services.cases import attach_document_to_case, record_decision, register_case
from registry.services.documents import (
    register_document,
    repeal_document,
    revise_document,
    supersede_document,
    unpublish_document,
)
from registry.services.relations import link_documents

__all__ = [
    "attach_document_to_case",
    "ensure_body",
    "get_body",
    "link_documents",
    "record_decision",
    "record_event",
    "register_case",
    "register_document",
    "repeal_document",
    "revise_document",
    "supersede_document",
    "unpublish_document",
]
