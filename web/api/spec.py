"""The OpenAPI document, generated from the marshmallow schemas the API and forms share."""

from __future__ import annotations

from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, render_template

from registry import schemas

docs_bp = Blueprint("apidocs", __name__)

ERRORS = {
    400: "Begäran kunde inte tolkas (till exempel trasig JSON).",
    401: "Inloggning eller API-nyckel krävs, eller nyckeln är ogiltig.",
    403: "Nyckeln saknar behörighet.",
    404: "Posten finns inte (eller är inte publicerad).",
    409: "Krockar med något som redan finns.",
    410: "Dokumentet är gallrat; svaret säger när och enligt vilket gallringsbeslut.",
    412: "If-Match stämmer inte med dokumentets ETag.",
    413: "För stort innehåll.",
    415: "Innehållet är inte JSON.",
    422: "Ogiltiga uppgifter; errors anger fälten.",
    428: "If-Match saknas.",
}


def _op(
    summary: str,
    ok: int,
    out: str | None,
    *,
    body: str | None = None,
    errors=(400, 404, 422),
    secured: bool = False,
    params: list | None = None,
    headers: dict | None = None,
    also_ok: tuple[int, ...] = (),
) -> dict:
    responses = {
        str(ok): {
            "description": "OK" if ok < 300 else "Skapad",
            **({"content": {"application/json": {"schema": out}}} if out else {}),
        }
    }
    for code in also_ok:
        responses[str(code)] = {
            "description": "Fanns redan",
            **({"content": {"application/json": {"schema": out}}} if out else {}),
        }
    if headers:
        responses[str(ok)]["headers"] = headers
    for code in sorted(set(errors) | ({401, 403} if secured else set()) | {413}):
        responses[str(code)] = {"description": ERRORS[code], "content": {"application/json": {"schema": "Error"}}}
    operation = {"summary": summary, "responses": responses}
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        responses.setdefault("415", {"description": ERRORS[415], "content": {"application/json": {"schema": "Error"}}})
        responses.setdefault("400", {"description": ERRORS[400], "content": {"application/json": {"schema": "Error"}}})
    if secured:
        operation["security"] = [{"bearer": []}]
    if params:
        operation["parameters"] = params
    return operation


def _path_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _query(name: str, kind: str = "string", **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind, **extra}}


#: Component name of every schema the API documents (nested schemas resolve to these too).
NAMES = {
    "DocumentIn": schemas.DocumentSchema,
    "Document": schemas.DocumentOutSchema,
    "DocumentList": schemas.DocumentListSchema,
    "RelationIn": schemas.RelationSchema,
    "Relation": schemas.RelationOutSchema,
    "Finding": schemas.FindingOutSchema,
    "CaseIn": schemas.CaseSchema,
    "Case": schemas.CaseOutSchema,
    "DecisionIn": schemas.DecisionSchema,
    "Decision": schemas.DecisionOutSchema,
    "DecisionCreate": schemas.DecisionCreateSchema,
    "CheckIn": schemas.CheckInputSchema,
    "Assessment": schemas.AssessmentSchema,
    "Ruleset": schemas.RulesetOutSchema,
    "Error": schemas.ErrorSchema,
    "Section": schemas.SectionOutSchema,
    "SectionIn": schemas.SectionSchema,
    "CaseDocumentIn": schemas.CaseDocumentSchema,
    "CasePaperIn": schemas.CasePaperSchema,
    "PaperDateIn": schemas.PaperDateSchema,
    "Paper": schemas.PaperOutSchema,
    "Clause": schemas.ClauseOutSchema,
    "CheckFinding": schemas.CheckFindingSchema,
    "Related": schemas.RelatedOutSchema,
    "ErrorBody": schemas.ErrorBodySchema,
}
_BY_CLASS = {schema: name for name, schema in NAMES.items()}


def _name_of(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return _BY_CLASS.get(cls, cls.__name__.removesuffix("Schema"))


ETAG = {
    "ETag": {"description": "Dokumentets version; skicka den i If-Match vid ändring.", "schema": {"type": "string"}}
}


@lru_cache(maxsize=8)
def _spec_dict(rulesets: tuple[str, ...] = ()) -> dict:
    spec = APISpec(
        title="Styrdok API",
        version="1",
        openapi_version="3.0.3",
        info={
            "description": "Registret över styrdokument, kommunens typdefinitioner och bedömningar. "
            "Läsning av publicerade dokument kräver ingen nyckel; ändringar kräver "
            "en API-nyckel (Authorization: Bearer …). Alla fel har formen Error."
        },
        plugins=[MarshmallowPlugin(schema_name_resolver=_name_of)],
        servers=[{"url": "/"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name, schema in NAMES.items():
        if name not in spec.components.schemas:  # nested ones are registered by their parents
            spec.components.schema(name, schema=schema)
    doc = [_path_param("document_id")]
    dnr = [_path_param("dnr")]

    def list_of(item, key):
        return {
            "type": "object",
            "properties": {key: {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}}},
        }  # noqa: E731

    spec.path(
        "/api/v1/documents",
        operations={
            "get": _op(
                "Dokument i registret (publicerade utan nyckel)",
                200,
                "DocumentList",
                errors=(400, 422),
                params=[
                    _query("page", "integer", minimum=1, maximum=100_000),
                    _query("per_page", "integer", minimum=1, maximum=200),
                    _query("q"),
                    _query("type"),
                    _query("status"),
                ],
            ),
            "post": _op(
                "Registrera ett dokument",
                201,
                "Document",
                body="DocumentIn",
                errors=(404, 409, 422),
                secured=True,
                headers=ETAG,
            ),
        },
    )
    spec.path(
        "/api/v1/documents/{document_id}",
        operations={
            "get": _op("Ett dokument", 200, "Document", errors=(404, 410), params=doc, headers=ETAG),
            "patch": _op(
                "Ändra ett dokument (ny version); kräver If-Match",
                200,
                "Document",
                body="DocumentPatch",
                errors=(404, 409, 410, 412, 422, 428),
                secured=True,
                params=doc + [{"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"}}],
                headers=ETAG,
            ),
        },
    )
    spec.path(
        "/api/v1/documents/{document_id}/sections",
        operations={
            "get": _op("Dokumentets avsnitt", 200, list_of("Section", "sections"), errors=(404, 410), params=doc)
        },
    )
    spec.path(
        "/api/v1/documents/{document_id}/relations",
        operations={
            "get": _op(
                "Dokumentets relationer åt båda håll",
                200,
                list_of("Relation", "relations"),
                errors=(404, 410),
                params=doc,
            )
        },
    )
    spec.path(
        "/api/v1/documents/{document_id}/findings",
        operations={
            "get": _op(
                "Regelavvikelser för dokumentets senaste version",
                200,
                list_of("Finding", "findings"),
                errors=(404, 410),
                params=doc,
            )
        },
    )
    spec.path(
        "/api/v1/relations",
        operations={
            "post": _op("Länka två dokument", 201, "Relation", body="RelationIn", errors=(404, 409, 422), secured=True)
        },
    )
    spec.path(
        "/api/v1/cases",
        operations={
            "get": _op("Ärenden", 200, list_of("Case", "cases"), errors=()),
            "post": _op(
                "Registrera ett ärende med beslut", 201, "Case", body="CaseIn", errors=(404, 409, 422), secured=True
            ),
        },
    )
    spec.path(
        "/api/v1/cases/{dnr}",
        operations={"get": _op("Ett ärende (diarienummer i valfri form)", 200, "Case", errors=(404,), params=dnr)},
    )
    spec.path(
        "/api/v1/decisions",
        operations={
            "post": _op(
                "Registrera ett beslut i ett ärende (samma § igen ger 200)",
                201,
                "Decision",
                body="DecisionCreate",
                errors=(404, 409, 422),
                secured=True,
                also_ok=(200,),
            )
        },
    )
    spec.path(
        "/api/v1/rulesets",
        operations={"get": _op("Regeluppsättningar", 200, list_of("Ruleset", "rulesets"), errors=())},
    )
    spec.path(
        "/api/v1/rulesets/{key}",
        operations={"get": _op("En regeluppsättning", 200, "Ruleset", errors=(404,), params=[_path_param("key")])},
    )
    spec.path(
        "/api/v1/reports/{name}",
        operations={
            "get": _op(
                "En rapport (overlaps, violations, reviews, hygiene); kräver inloggning eller nyckel",
                200,
                {
                    "type": "object",
                    "properties": {
                        "report": {"type": "string"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "columns": {"type": "array", "items": {"type": "object"}},
                        "rows": {"type": "array", "items": {"type": "object"}},
                        "groups": {"type": "array", "items": {"type": "object"}},
                    },
                },
                errors=(404, 422),
                secured=True,
                params=[
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": ["overlaps", "violations", "reviews", "hygiene"]},
                    },
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["json", "csv", "xlsx"]},
                    },
                ],
            )
        },
    )
    spec.path(
        "/api/v1/checks",
        operations={"post": _op("Bedöm en motion eller ett uppdrag", 200, "Assessment", body="CheckIn", errors=(422,))},
    )
    spec.path(
        "/api/v1/classifications",
        operations={
            "post": _op("Bedöm ett dokuments text (och typ)", 200, "Assessment", body="CheckIn", errors=(422,))
        },
    )
    result = spec.to_dict()
    # A change names only the fields it changes, plus why; the version travels in If-Match.
    document_in = result["components"]["schemas"]["DocumentIn"]
    result["components"]["schemas"]["DocumentPatch"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["reason"],
        "properties": {
            **{k: v for k, v in document_in["properties"].items() if k != "id"},
            "reason": {"type": "string", "minLength": 1},
        },
    }
    for name in ("DocumentIn", "RelationIn", "CaseIn", "DecisionIn", "DecisionCreate", "CheckIn"):
        result["components"]["schemas"][name]["additionalProperties"] = False
    _tighten_nullable_refs(result)
    report_ok = result["paths"]["/api/v1/reports/{name}"]["get"]["responses"]["200"]["content"]
    report_ok["text/csv"] = {"schema": {"type": "string"}}
    report_ok["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = {
        "schema": {"type": "string", "format": "binary"}
    }
    if rulesets:
        result["components"]["schemas"]["CheckIn"]["properties"]["ruleset"]["enum"] = [*rulesets, None]
    return result


def _tighten_nullable_refs(node) -> None:
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


def build_spec(app: Flask) -> dict:
    from registry.rules.loader import available_rulesets

    return _spec_dict(tuple(available_rulesets(app.config["STYRDOK_SETTINGS"].rules_dir)))


@docs_bp.get("/api/docs")
def docs():
    from flask import current_app

    return render_template("api_docs.html", spec=build_spec(current_app))
