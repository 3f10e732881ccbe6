"""/api/v1/cases and /api/v1/decisions: ärenden by diarienummer, and the beslut in them."""

from __future__ import annotations

from typing import Any

from flask import g, url_for

from registry.errors import InvalidInput
from registry.models import Case
from registry.queries import all_cases
from registry.schemas import (
    CaseListSchema,
    CaseOutSchema,
    CaseSchema,
    DecisionCreateSchema,
    DecisionOutSchema,
    load_or_raise,
)
from registry.serialize import case_to_dict, decision_to_dict
from registry.services import record_decision, register_case
from registry.services.cases import find_case
from web.api.base import Blueprint, json_body
from web.db import commit, db
from web.errors import ApiError
from web.pages.common import visible_statuses

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="Ärenden med diarienummer och beslut.")
decisions_blp = Blueprint("decisions", __name__, url_prefix="/api/v1/decisions", description="Beslut i ärenden.")


def _out(case: Case) -> dict[str, Any]:
    data = case_to_dict(case)
    statuses = visible_statuses()
    data["documents"] = [d for d, link in zip(data["documents"], case.documents) if link.document.status in statuses]
    return data


def _case(dnr: str) -> Case:
    try:
        case = find_case(db(), dnr)
    except InvalidInput:
        case = None
    if case is None:
        raise ApiError(404, f"Det finns inget ärende med diarienummer ”{dnr}”.")
    return case


@blp.get("", endpoint="list_cases")
@blp.response(200, CaseListSchema, description="Alla ärenden")
@blp.refuses()
@blp.doc(summary="Ärenden")
def list_cases() -> dict[str, Any]:
    return {"cases": [_out(c) for c in all_cases(db())]}


@blp.get("/<path:dnr>", endpoint="get_case")
@blp.response(200, CaseOutSchema, description="Ärendet")
@blp.refuses(404)
@blp.doc(summary="Ett ärende (diarienummer i valfri form)")
def get_case(dnr: str) -> dict[str, Any]:
    return _out(_case(dnr))


@blp.post("", endpoint="create_case")
@blp.arguments(CaseSchema)
@blp.response(201, CaseOutSchema, description="Registrerat")
@blp.refuses(400, 404, 409, 415, 422, secured=True)
@blp.doc(summary="Registrera ett ärende med beslut")
def create_case(_values: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    case = register_case(db(), json_body(), actor=g.user.username)
    commit()
    return _out(case), 201, {"Location": url_for("cases.get_case", dnr=case.dnr)}


@decisions_blp.post("", endpoint="create_decision")
@decisions_blp.arguments(DecisionCreateSchema)
@decisions_blp.response(201, DecisionOutSchema, description="Registrerat")
@decisions_blp.alt_response(200, schema=DecisionOutSchema, description="Fanns redan", success=True)
@decisions_blp.refuses(400, 404, 409, 415, 422, secured=True)
@decisions_blp.doc(summary="Registrera ett beslut i ett ärende (samma § igen ger 200)")
def create_decision(_values: dict[str, Any]) -> tuple[dict[str, Any], int]:
    values = load_or_raise(DecisionCreateSchema(), json_body(), what="Beslut")
    case = _case(values.pop("case"))
    decision, created = record_decision(db(), values, actor=g.user.username, case=case, validated=True)
    commit()
    return decision_to_dict(decision), 201 if created else 200
