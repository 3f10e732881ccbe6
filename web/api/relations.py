"""/api/v1/relations: links between documents (or sections of them)."""

from __future__ import annotations

from typing import Any

from flask import g

from registry.models.vocabulary import RELATION_KINDS
from registry.schemas import RelationOutSchema, RelationSchema
from registry.services import link_documents
from web.api.base import Blueprint, json_body
from web.db import commit, db

blp = Blueprint("relations", __name__, url_prefix="/api/v1/relations", description="Relationer mellan dokument.")


@blp.post("", endpoint="create_relation")
@blp.arguments(RelationSchema)
@blp.response(201, RelationOutSchema, description="Länkade")
@blp.refuses(400, 404, 409, 415, 422, secured=True)
@blp.doc(summary="Länka två dokument")
def create_relation(_values: dict[str, Any]) -> tuple[dict[str, Any], int]:
    relation = link_documents(db(), json_body(), actor=g.user.username)
    commit()
    return {
        "source": relation.source_id,
        "target": relation.target_id,
        "kind": relation.kind,
        "label": RELATION_KINDS[relation.kind].label,
        "source_section": relation.source_anchor,
        "target_section": relation.target_anchor,
        "note": relation.note,
    }, 201
