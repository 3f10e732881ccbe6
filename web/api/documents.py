"""/api/v1/documents: the register's documents, their sections, relations and findings."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, url_for
from flask_smorest.exceptions import PreconditionFailed

from registry.models import Document
from registry.models.vocabulary import UNPUBLISHED
from registry.queries import RegisterFilters, list_documents, relations_of
from registry.schemas import (
    CHANGEABLE,
    DocumentChangeSchema,
    DocumentListSchema,
    DocumentOutSchema,
    DocumentSchema,
    FindingListSchema,
    RegisterQuerySchema,
    RelationListSchema,
    SectionListSchema,
)
from registry.serialize import document_to_dict
from registry.services import register_document, revise_document
from registry.services.findings import assessment_hook, current_findings
from web.api.base import Blueprint, document_etag, json_body
from web.auth import fresh_login_refusal
from web.db import commit, db
from web.errors import ApiError
from web.pages.common import visible_statuses

blp = Blueprint("documents", __name__, url_prefix="/api/v1/documents", description="Styrdokumenten i registret.")


def _out(document: Document) -> dict[str, Any]:
    return {**document_to_dict(document), "version": document.version}


def visible(document_id: str) -> Document:
    """A document the reader may see; 410 for a culled one (with the gallringsbeslut), else 404."""
    document = db().get(Document, document_id)
    if document is None:
        from registry.services.culling import find_tombstone

        tombstone = find_tombstone(db(), document_id)
        if tombstone is not None:
            raise ApiError(
                410,
                f"”{tombstone.title}” gallrades {tombstone.culled_at:%Y-%m-%d} enligt {tombstone.decision_reference}.",
            )
    if document is None or document.status not in visible_statuses():
        raise ApiError(404, f"Det finns inget dokument med id ”{document_id}”.")
    return document


@blp.get("", endpoint="list_documents")
@blp.arguments(RegisterQuerySchema, location="query")
@blp.response(200, DocumentListSchema, description="En sida av registret")
@blp.refuses(400, 422)
@blp.doc(summary="Dokument i registret (publicerade utan nyckel)")
def list_documents_view(query: dict[str, Any]) -> dict[str, Any]:
    filters = RegisterFilters(q=query["q"], type=query["type"], status=query["status"])
    statuses = visible_statuses()
    if filters.status and filters.status not in statuses:
        filters.status = "__none__"
    rows, total = list_documents(db(), filters, statuses=statuses, page=query["page"], per_page=query["per_page"])
    return {
        "documents": [_out(r.document) for r in rows],
        "total": total,
        "page": query["page"],
        "per_page": query["per_page"],
    }


@blp.post("", endpoint="create_document")
@blp.etag
@blp.arguments(DocumentSchema, example={"title": "Riktlinjer för bygglov", "type": "riktlinje"})
@blp.response(201, DocumentOutSchema, description="Registrerat")
@blp.refuses(400, 404, 409, 415, 422, secured=True)
@blp.doc(summary="Registrera ett dokument")
def create_document(_values: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    document = register_document(
        db(), json_body(), actor=g.user.username, after_change=assessment_hook(current_app.config["STYRDOK_SETTINGS"])
    )
    commit()
    blp.set_etag(document_etag(document))
    return _out(document), 201, {"Location": url_for("documents.get_document", document_id=document.id)}


@blp.get("/<document_id>", endpoint="get_document")
@blp.etag
@blp.response(200, DocumentOutSchema, description="Dokumentet med dess ETag")
@blp.refuses(404, 410)
@blp.doc(summary="Ett dokument")
def get_document(document_id: str) -> dict[str, Any]:
    document = visible(document_id)
    blp.set_etag(document_etag(document))
    return _out(document)


@blp.patch("/<document_id>", endpoint="update_document")
@blp.etag
@blp.arguments(DocumentChangeSchema(partial=CHANGEABLE), example={"owner": "Bygglovsenheten", "reason": "Ny ägare"})
@blp.response(200, DocumentOutSchema, description="Den nya versionen med dess ETag")
@blp.refuses(400, 404, 409, 410, 412, 415, 422, 428, secured=True)
@blp.doc(summary="Ändra ett dokument (ny version); kräver If-Match")
def update_document(_values: dict[str, Any], document_id: str) -> dict[str, Any]:
    document = db().get(Document, document_id)
    if document is None:
        visible(document_id)  # 410 for a culled id, else 404
    try:
        blp.check_etag(document_etag(document))
    except PreconditionFailed:
        current = blp._generate_etag(document_etag(document))
        raise ApiError(412, f'Dokumentet har ändrats sedan du läste det; senaste ETag är "{current}".') from None
    data = json_body()
    if data.get("status") == UNPUBLISHED and document.status != UNPUBLISHED:
        refusal = fresh_login_refusal()
        if refusal:
            raise ApiError(403, refusal)
    revised = revise_document(
        db(),
        document.id,
        {**data, "expected_version": document.version},
        actor=g.user.username,
        after_change=assessment_hook(current_app.config["STYRDOK_SETTINGS"]),
    )
    commit()
    blp.set_etag(document_etag(revised))
    return _out(revised)


@blp.get("/<document_id>/sections", endpoint="document_sections")
@blp.response(200, SectionListSchema, description="Avsnitten i ordning")
@blp.refuses(404, 410)
@blp.doc(summary="Dokumentets avsnitt")
def document_sections(document_id: str) -> dict[str, Any]:
    return {"sections": document_to_dict(visible(document_id))["sections"]}


@blp.get("/<document_id>/relations", endpoint="document_relations")
@blp.response(200, RelationListSchema, description="Relationerna, sedda från dokumentet")
@blp.refuses(404, 410)
@blp.doc(summary="Dokumentets relationer åt båda håll")
def document_relations(document_id: str) -> dict[str, Any]:
    document = visible(document_id)
    rows = relations_of(db(), document, visible_statuses())
    return {
        "relations": [
            {
                "source": document.id if r["outgoing"] else r["other"].id,
                "target": r["other"].id if r["outgoing"] else document.id,
                "kind": r["kind"],
                "label": r["label"],
                "source_section": r["own_section"] if r["outgoing"] else r["other_section"],
                "target_section": r["other_section"] if r["outgoing"] else r["own_section"],
                "note": r["note"],
            }
            for r in rows
        ]
    }


@blp.get("/<document_id>/findings", endpoint="document_findings")
@blp.response(200, FindingListSchema, description="Avvikelserna mot regelfilen")
@blp.refuses(404, 410)
@blp.doc(summary="Regelavvikelser för dokumentets senaste version")
def document_findings(document_id: str) -> dict[str, Any]:
    document = visible(document_id)
    return {
        "findings": [
            {
                "code": f.code,
                "severity": f.severity,
                "message": f.message,
                "clause": {"type": f.clause_type, "text": f.clause_text, "source": f.clause_source}
                if f.clause_text
                else None,
                "evidence": f.evidence,
                "ruleset": {"key": f.ruleset_key, "version": f.ruleset_version},
                "document_version": f.document_version,
            }
            for f in current_findings(db(), document)
        ]
    }
