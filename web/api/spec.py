"""The OpenAPI document: what flask-smorest writes from the blueprints and the shared schemas,
served at /api/v1/openapi.json and committed as docs/openapi.json (a test compares the two)."""

from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app, jsonify, render_template

from registry import schemas

bp = Blueprint("api", __name__, url_prefix="/api/v1")
docs_bp = Blueprint("apidocs", __name__)

DESCRIPTION = (
    "Registret över styrdokument, kommunens typdefinitioner och bedömningar. "
    "Läsning av publicerade dokument kräver ingen nyckel; ändringar kräver "
    "en API-nyckel (Authorization: Bearer …). Alla fel har formen Error."
)

#: Component name of every schema the API documents (nested schemas resolve to these too).
NAMES: dict[str, type] = {
    "DocumentIn": schemas.DocumentSchema,
    "DocumentPatch": schemas.DocumentChangeSchema,
    "Document": schemas.DocumentOutSchema,
    "DocumentList": schemas.DocumentListSchema,
    "RelationIn": schemas.RelationSchema,
    "Relation": schemas.RelationOutSchema,
    "RelationList": schemas.RelationListSchema,
    "Finding": schemas.FindingOutSchema,
    "FindingList": schemas.FindingListSchema,
    "CaseIn": schemas.CaseSchema,
    "Case": schemas.CaseOutSchema,
    "CaseList": schemas.CaseListSchema,
    "DecisionIn": schemas.DecisionSchema,
    "Decision": schemas.DecisionOutSchema,
    "DecisionCreate": schemas.DecisionCreateSchema,
    "CheckIn": schemas.CheckInputSchema,
    "Assessment": schemas.AssessmentSchema,
    "Ruleset": schemas.RulesetOutSchema,
    "RulesetList": schemas.RulesetListSchema,
    "DocumentType": schemas.TypeOutSchema,
    "Report": schemas.ReportOutSchema,
    "Error": schemas.ErrorSchema,
    "ErrorBody": schemas.ErrorBodySchema,
    "Section": schemas.SectionOutSchema,
    "SectionList": schemas.SectionListSchema,
    "SectionIn": schemas.SectionSchema,
    "CaseDocumentIn": schemas.CaseDocumentSchema,
    "CasePaperIn": schemas.CasePaperSchema,
    "PaperDateIn": schemas.PaperDateSchema,
    "Paper": schemas.PaperOutSchema,
    "Clause": schemas.ClauseOutSchema,
    "CheckFinding": schemas.CheckFindingSchema,
    "Related": schemas.RelatedOutSchema,
    "SuggestedRequest": schemas.SuggestedRequestSchema,
}
_BY_CLASS = {schema: name for name, schema in NAMES.items()}


def _name_of(schema: Any) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return _BY_CLASS.get(cls, cls.__name__.removesuffix("Schema"))


def spec_kwargs() -> dict[str, Any]:
    """What the Api's APISpec is made with: our names for the components, Swedish texts."""
    return {
        "title": "Styrdok API",
        "version": "1",
        "openapi_version": "3.0.3",
        "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=_name_of),
        "info": {"description": DESCRIPTION},
        "servers": [{"url": "/"}],
    }


def build_spec(app: Flask) -> dict[str, Any]:
    """The document as served: flask-smorest's, with what OpenAPI cannot infer from a schema."""
    from registry.rules.loader import available_rulesets

    cache = app.extensions["styrdok"]
    rulesets = tuple(available_rulesets(app.config["STYRDOK_SETTINGS"].rules_dir))
    if cache.get("openapi_key") != rulesets:
        cache["openapi"] = _finish(app.extensions["styrdok"]["api"].spec.to_dict(), rulesets)
        cache["openapi_key"] = rulesets
    result: dict[str, Any] = cache["openapi"]
    return result


def _finish(result: dict[str, Any], rulesets: tuple[str, ...]) -> dict[str, Any]:
    from web.api.base import ERRORS

    components = result.setdefault("components", {})
    # flask-smorest's ETag answers (304, 412, 428) refer to its generic responses, in English:
    # say them as the other answers are said, with our envelope.
    for item in result["paths"].values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for code, response in operation["responses"].items():
                if "$ref" in response:
                    status = int(code)
                    operation["responses"][code] = (
                        {"description": "Oförändrat sedan den ETag som angavs i If-None-Match."}
                        if status == 304
                        else {
                            "description": ERRORS[status],
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                        }
                    )
    components.pop("responses", None)
    components.get("schemas", {}).pop("PaginationMetadata", None)  # registered by flask-smorest, unused
    texts = {
        "IF_MATCH": "Dokumentets ETag som du läste den: utan den svarar API:et 428, med en annan version 412.",
        "IF_NONE_MATCH": "En ETag du redan har: är dokumentet oförändrat blir svaret 304 utan innehåll.",
    }
    for name, text in texts.items():
        if name in components.get("parameters", {}):
            components["parameters"][name]["description"] = text
    if "ETAG" in components.get("headers", {}):
        components["headers"]["ETAG"]["description"] = "Dokumentets version; skicka den i If-Match vid ändring."
    components.setdefault("securitySchemes", {})["bearer"] = {"type": "http", "scheme": "bearer"}
    _tighten_nullable_refs(result)
    report_ok = result["paths"]["/api/v1/reports/{name}"]["get"]["responses"]["200"]["content"]
    report_ok["text/csv"] = {"schema": {"type": "string"}}
    report_ok["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = {
        "schema": {"type": "string", "format": "binary"}
    }
    for parameter in result["paths"]["/api/v1/reports/{name}"].get("parameters", []):
        if parameter.get("name") == "name":
            parameter["schema"]["enum"] = ["overlaps", "violations", "reviews", "hygiene"]
    if rulesets:
        components["schemas"]["CheckIn"]["properties"]["ruleset"]["enum"] = [*rulesets, None]
    return result


def _tighten_nullable_refs(node: Any) -> None:
    """apispec writes a nullable nested schema as anyOf [ref, any object]; say "ref or null"."""
    if isinstance(node, dict):
        any_of = node.get("anyOf")
        if isinstance(any_of, list) and len(any_of) == 2 and any_of[1] == {"type": "object", "nullable": True}:
            node.pop("anyOf")
            node["allOf"] = [any_of[0]]
            node["nullable"] = True
        for value in node.values():
            _tighten_nullable_refs(value)
    elif isinstance(node, list):
        for value in node:
            _tighten_nullable_refs(value)


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(build_spec(current_app))


@docs_bp.get("/api/docs")
def docs() -> Any:
    return render_template("api_docs.html", spec=build_spec(current_app))
