"""What the API answers: the shapes its responses are serialised with and documented by."""

from marshmallow import (
    Schema,
    fields,
)

from registry.schemas.fields import OneOf
from registry.text.ui import N_


class DecisionOutSchema(Schema):
    body = fields.String()
    meeting_date = fields.String()
    paragraph = fields.String()
    dnr = fields.String(allow_none=True)
    outcome = fields.String()
    wording = fields.String(allow_none=True)
    reservations = fields.List(fields.String())


class SectionOutSchema(Schema):
    anchor = fields.String()
    heading = fields.String()
    text = fields.String()


class DocumentOutSchema(Schema):
    id = fields.String()
    title = fields.String()
    type = fields.String()
    status = fields.String()
    scope = fields.String()
    owner = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    full_text = fields.String(allow_none=True)
    adopted_by = fields.String(allow_none=True)
    decision = fields.Nested(DecisionOutSchema, allow_none=True)
    valid_from = fields.String(allow_none=True)
    valid_until = fields.String(allow_none=True)
    next_review_on = fields.String(allow_none=True)
    topics = fields.List(fields.String())
    sections = fields.List(fields.Nested(SectionOutSchema))
    content_note = fields.String(allow_none=True)
    version = fields.Integer()


class DocumentListSchema(Schema):
    documents = fields.List(fields.Nested(DocumentOutSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class RelationOutSchema(Schema):
    source = fields.String()
    target = fields.String()
    kind = fields.String()
    label = fields.String()
    source_section = fields.String()
    target_section = fields.String()
    note = fields.String(allow_none=True)


class FindingOutSchema(Schema):
    code = fields.String()
    severity = fields.String()
    message = fields.String()
    clause = fields.Dict(allow_none=True)
    evidence = fields.List(fields.String())
    ruleset = fields.Dict()
    document_version = fields.Integer()


class PaperOutSchema(Schema):
    kind = fields.String()
    title = fields.String()
    dates = fields.List(fields.Dict())
    text = fields.String()


class CaseOutSchema(Schema):
    dnr = fields.String()
    kind = fields.String()
    title = fields.String()
    submitted_by = fields.String(allow_none=True)
    submitted_on = fields.String(allow_none=True)
    text = fields.String(allow_none=True)
    decisions = fields.List(fields.Nested(DecisionOutSchema))
    documents = fields.List(fields.Dict())
    papers = fields.List(fields.Nested(PaperOutSchema))


class ClauseOutSchema(Schema):
    type = fields.String()
    text = fields.String()
    source = fields.String()


class CheckFindingSchema(Schema):
    code = fields.String()
    severity = fields.String()
    message = fields.String()
    clause = fields.Nested(ClauseOutSchema, allow_none=True)
    evidence = fields.List(fields.String())


class RelatedOutSchema(Schema):
    id = fields.String()
    title = fields.String()
    type = fields.String()
    score = fields.Float()
    shared_terms = fields.List(fields.String())
    section = fields.String(allow_none=True)


class SuggestedRequestSchema(Schema):
    type = fields.String(metadata={"description": "Den typ innehållet passar."})
    adopted_by = fields.String(metadata={"description": "Organet som enligt regelfilen kan anta den."})
    text = fields.String(metadata={"description": "Att-satsen som begär den typen."})


class AssessmentSchema(Schema):
    """The JSON contract of DESIGN.md, with the confidence and the suggested att-sats after it."""

    ruleset = fields.Dict()
    requested_types = fields.List(fields.String())
    best_fit = fields.String(allow_none=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Float())
    verdict = fields.String()
    findings = fields.List(fields.Nested(CheckFindingSchema))
    related_documents = fields.List(fields.Nested(RelatedOutSchema))
    confidence = fields.String(
        allow_none=True,
        validate=OneOf(["tydligt", "troligt", "svagt"], N_("säkerhet")),
        metadata={"description": "Hur starkt texten talar för best_fit, i ord."},
    )
    suggested_request = fields.Nested(SuggestedRequestSchema, allow_none=True)


class TypeOutSchema(Schema):
    """A document type as the kommun has decided it."""

    key = fields.String()
    label = fields.String()
    family = fields.String()
    definition = fields.String()
    source = fields.String()
    from_common_core = fields.Boolean()
    adopted_by = fields.List(fields.String())
    clauses = fields.List(fields.String())


class RulesetOutSchema(Schema):
    key = fields.String()
    name = fields.String()
    version = fields.String()
    source = fields.String()
    types = fields.List(fields.Nested(TypeOutSchema))


class RulesetListSchema(Schema):
    rulesets = fields.List(fields.Nested(RulesetOutSchema))
    active = fields.String(metadata={"description": "Den regeluppsättning registret bedömer med."})


class SectionListSchema(Schema):
    sections = fields.List(fields.Nested(SectionOutSchema))


class RelationListSchema(Schema):
    relations = fields.List(fields.Nested(RelationOutSchema))


class FindingListSchema(Schema):
    findings = fields.List(fields.Nested(FindingOutSchema))


class CaseListSchema(Schema):
    cases = fields.List(fields.Nested(CaseOutSchema))


class ReportOutSchema(Schema):
    """A report as JSON (the same rows its CSV and XLSX downloads hold)."""

    report = fields.String()
    title = fields.String()
    summary = fields.String()
    columns = fields.List(fields.Dict())
    rows = fields.List(fields.Dict())
    groups = fields.List(fields.Dict())


class ErrorBodySchema(Schema):
    status = fields.Integer()
    code = fields.String()
    message = fields.String()
    errors = fields.Dict()


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema)
