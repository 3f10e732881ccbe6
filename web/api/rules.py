"""/api/v1/rulesets, /checks and /classifications: the kommun's definitions, and assessments by them."""

from __future__ import annotations

from typing import Any

from flask import current_app

from registry.errors import RuleFileError
from registry.queries import body_by_key
from registry.rules import engine
from registry.rules.loader import available_rulesets, cached_ruleset
from registry.rules.model import Ruleset
from registry.schemas import AssessmentSchema, CheckInputSchema, RulesetListSchema, RulesetOutSchema
from web.api.base import Blueprint
from web.db import db
from web.errors import ApiError
from web.pages.common import related_index, ruleset

rulesets_blp = Blueprint(
    "rulesets", __name__, url_prefix="/api/v1/rulesets", description="Kommunens beslutade definitioner."
)
assessments_blp = Blueprint(
    "assessments", __name__, url_prefix="/api/v1", description="Bedömningar av en text mot definitionerna."
)


def _ruleset_out(key: str) -> dict[str, Any]:
    rules = cached_ruleset(current_app.config["STYRDOK_SETTINGS"].rules_dir, key)
    return {
        "key": rules.key,
        "name": rules.name,
        "version": rules.version,
        "source": rules.source,
        "types": [
            {
                "key": t.key,
                "label": t.label,
                "family": t.family,
                "definition": t.definition,
                "source": t.source,
                "from_common_core": t.from_common_core,
                "adopted_by": list(t.adopted_by),
                "clauses": [c.text for c in t.clauses],
            }
            for t in rules.types.values()
        ],
    }


@rulesets_blp.get("", endpoint="list_rulesets")
@rulesets_blp.response(200, RulesetListSchema, description="Regeluppsättningarna och den som gäller")
@rulesets_blp.refuses()
@rulesets_blp.doc(summary="Regeluppsättningar")
def list_rulesets() -> dict[str, Any]:
    keys = available_rulesets(current_app.config["STYRDOK_SETTINGS"].rules_dir)
    return {"rulesets": [_ruleset_out(k) for k in keys], "active": ruleset().key}


@rulesets_blp.get("/<key>", endpoint="get_ruleset")
@rulesets_blp.response(200, RulesetOutSchema, description="Regeluppsättningen")
@rulesets_blp.refuses(404)
@rulesets_blp.doc(summary="En regeluppsättning")
def get_ruleset(key: str) -> dict[str, Any]:
    if key not in available_rulesets(current_app.config["STYRDOK_SETTINGS"].rules_dir):
        raise ApiError(404, f"Regeluppsättningen ”{key}” finns inte.")
    return _ruleset_out(key)


def _rules_for(values: dict[str, Any]) -> Ruleset:
    if not values.get("ruleset"):
        return ruleset()
    try:
        return cached_ruleset(current_app.config["STYRDOK_SETTINGS"].rules_dir, values["ruleset"])
    except RuleFileError as error:
        raise ApiError(422, error.message, {"ruleset": [error.problem]}) from None


@assessments_blp.post("/checks", endpoint="create_check")
@assessments_blp.arguments(CheckInputSchema, example={"text": "Vi föreslår att kommunen tar fram en strategi för AI."})
@assessments_blp.response(200, AssessmentSchema, description="Bedömningen")
@assessments_blp.refuses(400, 415, 422)
@assessments_blp.doc(summary="Bedöm en motion eller ett uppdrag")
def create_check(values: dict[str, Any]) -> dict[str, Any]:
    rules = _rules_for(values)
    related = related_index().related(values["text"]) if rules is ruleset() else []
    return engine.check(values["text"], rules, related=related).to_dict()


@assessments_blp.post("/classifications", endpoint="create_classification")
@assessments_blp.arguments(CheckInputSchema, example={"text": "Riktlinjer för distansarbete", "type": "riktlinje"})
@assessments_blp.response(200, AssessmentSchema, description="Bedömningen")
@assessments_blp.refuses(400, 415, 422)
@assessments_blp.doc(summary="Bedöm ett dokuments text (och typ)")
def create_classification(values: dict[str, Any]) -> dict[str, Any]:
    rules = _rules_for(values)
    stated = (values.get("type") or "").strip().lower() or None
    if stated and stated not in rules.types:
        raise ApiError(422, f"Okänd dokumenttyp ”{stated}”.", {"type": [f"Kända typer: {', '.join(rules.types)}."]})
    metadata = {}
    unknown_organ = None
    if values.get("adopted_by"):
        organ = body_by_key(db(), values["adopted_by"])
        if organ is None:
            unknown_organ = values["adopted_by"]
        else:
            metadata = {"adopted_by": organ.key, "adopted_by_level": organ.level}
    related = related_index().related(values["text"]) if rules is ruleset() else []
    assessment = engine.classify(values["text"], rules, stated_type=stated, metadata=metadata, related=related)
    if unknown_organ:
        # An organ the register does not know is told, not refused: the rest of the check still helps.
        assessment.findings.append(
            engine.Finding(
                "unknown_organ",
                "info",
                f"Organet ”{unknown_organ}” finns inte i registret; organet har inte kontrollerats.",
            )
        )
    return assessment.to_dict()
