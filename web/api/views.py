"""API views: parse, call a service, commit once, dump."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request, url_for

from registry.errors import InvalidInput, RuleFileError
from registry.models import Case, Document
from registry.models.vocabulary import RELATION_KINDS, UNPUBLISHED
from registry.queries import MAX_PAGE, RegisterFilters, all_cases, body_by_key, list_documents, relations_of
from registry.rules import engine
from registry.rules.loader import available_rulesets, cached_ruleset
from registry.schemas import CheckInputSchema, DecisionCreateSchema, load_or_raise
from registry.serialize import case_to_dict, document_to_dict
from registry.services import link_documents, record_decision, register_case, register_document, revise_document
from registry.services.cases import find_case
from registry.services.findings import assessment_hook, current_findings
from web.api.blueprint import bp
from web.api.spec import build_spec
from web.auth import fresh_login_refusal
from web.db import commit, db
from web.errors import ApiError
from web.pages.common import related_index, ruleset, visible_statuses


def _body() -> dict[str, Any]:
    if not request.is_json:
        raise ApiError(415)
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # "[[[[…" ten thousand deep: the parser gives up, so do we, politely
        raise ApiError(400, "JSON-innehållet är för djupt nästlat.") from None
    if data is None:
        raise ApiError(400, "Innehållet är inte giltig JSON.")
    if not isinstance(data, dict):
        raise ApiError(422, "Skicka ett JSON-objekt med fält.", {"_schema": ["Ett objekt väntades."]})
    return data


def _etag(document: Document) -> str:
    return f'"{document.id}-v{document.version}"'


def _document_out(document: Document) -> dict[str, Any]:
    return {**document_to_dict(document), "version": document.version}


def _with_etag(payload, document: Document, status: int = 200):
    response = jsonify(payload)
    response.status_code = status
    response.headers["ETag"] = _etag(document)
    return response


def _visible(document_id: str) -> Document:
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


def _int_arg(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(422, f"{name} ska vara ett heltal.", {name: ["Ska vara ett heltal."]}) from None
    if not 1 <= value <= maximum:
        raise ApiError(422, f"{name} ska vara mellan 1 och {maximum}.", {name: [f"Mellan 1 och {maximum}."]})
    return value


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_spec(current_app))


@bp.get("/documents", endpoint="list_documents")
def list_documents_view():
    page, per_page = _int_arg("page", 1, MAX_PAGE), _int_arg("per_page", 50, 200)
    filters = RegisterFilters(
        q=request.args.get("q", "")[:200], type=request.args.get("type", ""), status=request.args.get("status", "")
    )
    statuses = visible_statuses()
    if filters.status and filters.status not in statuses:
        filters.status = "__none__"
    rows, total = list_documents(db(), filters, statuses=statuses, page=page, per_page=per_page)
    return jsonify(
        {"documents": [_document_out(r.document) for r in rows], "total": total, "page": page, "per_page": per_page}
    )


@bp.post("/documents")
def create_document():
    document = register_document(
        db(), _body(), actor=g.user.username, after_change=assessment_hook(current_app.config["STYRDOK_SETTINGS"])
    )
    commit()
    response = _with_etag(_document_out(document), document, 201)
    response.headers["Location"] = url_for("api.get_document", document_id=document.id)
    return response


@bp.get("/documents/<document_id>")
def get_document(document_id: str):
    document = _visible(document_id)
    return _with_etag(_document_out(document), document)


@bp.patch("/documents/<document_id>")
def update_document(document_id: str):
    document = db().get(Document, document_id)
    if document is None:
        _visible(document_id)  # 410 for a culled id, else 404
    data = _body()
    if_match = request.headers.get("If-Match")
    if not if_match:
        raise ApiError(428)
    if if_match.strip() not in (_etag(document), "W/" + _etag(document)):
        raise ApiError(412, f"Dokumentet har ändrats sedan du läste det; senaste ETag är {_etag(document)}.")
    if "expected_version" in data:
        raise ApiError(422, "Versionen anges med If-Match, inte i innehållet.", {"expected_version": ["Okänt fält."]})
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
    return _with_etag(_document_out(revised), revised)


@bp.get("/documents/<document_id>/sections")
def document_sections(document_id: str):
    document = _visible(document_id)
    return jsonify({"sections": document_to_dict(document)["sections"]})


@bp.get("/documents/<document_id>/relations")
def document_relations(document_id: str):
    document = _visible(document_id)
    rows = relations_of(db(), document, visible_statuses())
    return jsonify(
        {
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
    )


@bp.get("/documents/<document_id>/findings")
def document_findings(document_id: str):
    document = _visible(document_id)
    return jsonify(
        {
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
    )


@bp.post("/relations")
def create_relation():
    relation = link_documents(db(), _body(), actor=g.user.username)
    commit()
    kind = RELATION_KINDS[relation.kind]
    return jsonify(
        {
            "source": relation.source_id,
            "target": relation.target_id,
            "kind": relation.kind,
            "label": kind.label,
            "source_section": relation.source_anchor,
            "target_section": relation.target_anchor,
            "note": relation.note,
        }
    ), 201


def _case_out(case: Case) -> dict[str, Any]:
    data = case_to_dict(case)
    statuses = visible_statuses()
    data["documents"] = [d for d, link in zip(data["documents"], case.documents) if link.document.status in statuses]
    return data


@bp.get("/cases")
def list_cases():
    cases = all_cases(db())
    return jsonify({"cases": [_case_out(c) for c in cases]})


def _case(dnr: str) -> Case:
    try:
        case = find_case(db(), dnr)
    except InvalidInput:
        case = None
    if case is None:
        raise ApiError(404, f"Det finns inget ärende med diarienummer ”{dnr}”.")
    return case


@bp.get("/cases/<path:dnr>")
def get_case(dnr: str):
    return jsonify(_case_out(_case(dnr)))


@bp.post("/cases")
def create_case():
    case = register_case(db(), _body(), actor=g.user.username)
    commit()
    response = jsonify(_case_out(case))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_case", dnr=case.dnr)
    return response


@bp.post("/decisions")
def create_decision():
    values = load_or_raise(DecisionCreateSchema(), _body(), what="Beslut")
    case = _case(values.pop("case"))
    decision, created = record_decision(db(), values, actor=g.user.username, case=case, validated=True)
    commit()
    from registry.serialize import decision_to_dict

    return jsonify(decision_to_dict(decision)), 201 if created else 200


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


@bp.get("/rulesets")
def list_rulesets():
    keys = available_rulesets(current_app.config["STYRDOK_SETTINGS"].rules_dir)
    return jsonify({"rulesets": [_ruleset_out(k) for k in keys], "active": ruleset().key})


@bp.get("/rulesets/<key>")
def get_ruleset(key: str):
    if key not in available_rulesets(current_app.config["STYRDOK_SETTINGS"].rules_dir):
        raise ApiError(404, f"Regeluppsättningen ”{key}” finns inte.")
    return jsonify(_ruleset_out(key))


def _assessment_input():
    values = load_or_raise(CheckInputSchema(), _body(), what="Bedömning")
    settings = current_app.config["STYRDOK_SETTINGS"]
    rules = ruleset()
    if values.get("ruleset"):
        try:
            rules = cached_ruleset(settings.rules_dir, values["ruleset"])
        except RuleFileError as error:
            raise ApiError(422, error.message, {"ruleset": [error.problem]}) from None
    return values, rules


@bp.post("/checks")
def create_check():
    values, rules = _assessment_input()
    related = related_index().related(values["text"]) if rules is ruleset() else []
    return jsonify(engine.check(values["text"], rules, related=related).to_dict())


@bp.post("/classifications")
def create_classification():
    values, rules = _assessment_input()
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
    return jsonify(assessment.to_dict())


@bp.get("/reports/<name>")
def get_report(name: str):
    from registry.reports import REPORTS
    from web.pages.reports import report_response

    if name not in REPORTS:
        raise ApiError(404, f"Rapporten ”{name}” finns inte. Rapporter: {', '.join(REPORTS)}.")
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv", "xlsx"):
        raise ApiError(422, "format ska vara json, csv eller xlsx.", {"format": ["json, csv eller xlsx."]})
    return report_response(name, fmt)
