"""What people and systems give the register: documents, decisions, relations, ärenden, the
register's export, a text to assess, a gallring, the register list's query. Services load these
(forms, the CLI, import and the API share them); unknown fields are refused."""

from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
)

from registry.identifiers import PARAGRAPH_PATTERN, normalise_paragraph, plain_pattern
from registry.limits import MAX_ANALYSED_CHARS, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS
from registry.models.vocabulary import (
    BODY_LEVELS,
    CASE_DOCUMENT_ROLES,
    CASE_KINDS,
    CASE_PAPER_KINDS,
    DECISION_OUTCOMES,
    DOCUMENT_STATUSES,
    RELATION_KINDS,
    SCOPE_MUNICIPALITY,
)
from registry.schemas.fields import (
    NO_CONTROL_CHARACTERS,
    BaseSchema,
    Date,
    Dnr,
    Length,
    NotBlank,
    OneOf,
    Text,
    _messages,
)
from registry.text.ui import N_, Phrase
from registry.types import CANONICAL_TYPES


class BodySchema(BaseSchema):
    key = Text(required=True, validate=[NotBlank(N_("Förkortningen")), Length(max=40)])
    name = Text(required=True, validate=[NotBlank(N_("Namnet")), Length(max=200)])
    level = Text(required=True, validate=OneOf(BODY_LEVELS, N_("organnivå")))


class DecisionSchema(BaseSchema):
    """A beslut: which organ, which meeting, which §, which ärende, with what outcome."""

    # Examples from the demo register: the API documentation shows a request that works, and
    # the fuzzing (tests/web/test_api_fuzz.py) starts from it and so reaches the code behind it.
    body = Text(required=True, validate=NotBlank(N_("Organet")), metadata={"example": "KS"})
    meeting_date = Date(required=True, metadata={"example": "2025-04-07"})
    paragraph = Text(
        required=True,
        metadata={"example": "61"},
        validate=[
            validate.Length(max=20, error=Phrase("Paragrafen får ha högst 20 tecken.")),
            validate.Regexp(
                plain_pattern(PARAGRAPH_PATTERN),
                error="Paragrafen ”{input}” kunde inte tolkas; skriv ett nummer som ”61” eller ”§ 61”.",
            ),
        ],
    )
    dnr = Dnr(load_default=None, allow_none=True)
    outcome = Text(load_default="övrigt", validate=OneOf(DECISION_OUTCOMES, N_("beslutsutfall")))
    wording = Text(load_default=None, allow_none=True)
    reservations = fields.List(Text(), load_default=list)

    @post_load
    def _normalise(self, data: Any, **_kwargs: Any) -> Any:
        data["paragraph"] = normalise_paragraph(data["paragraph"])
        return data


class SectionSchema(BaseSchema):
    anchor = Text(load_default=None, allow_none=True, validate=Length(max=120))
    heading = Text(required=True, validate=[NotBlank(N_("Rubriken")), Length(max=300)])
    text = Text(load_default="")


class DocumentSchema(BaseSchema):
    """A styrdokument as registered or imported."""

    id = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(
            r"^[A-Za-z0-9._-]{8,36}$", error=Phrase("Ett id har 8–36 tecken: bokstäver a–z, siffror, punkt, - och _.")
        ),
    )
    title = Text(required=True, validate=[NotBlank(N_("Titeln")), Length(max=300)])
    type = Text(required=True, validate=OneOf(CANONICAL_TYPES, N_("dokumenttyp")))
    status = Text(load_default="utkast", validate=OneOf(DOCUMENT_STATUSES, N_("status")))
    scope = Text(load_default=SCOPE_MUNICIPALITY, validate=Length(min=1, max=200))
    owner = Text(load_default=None, allow_none=True, validate=Length(max=200))
    summary = Text(load_default=None, allow_none=True)
    full_text = Text(load_default=None, allow_none=True)
    adopted_by = Text(load_default=None, allow_none=True)
    decision = fields.Nested(DecisionSchema, load_default=None, allow_none=True)
    valid_from = Date(load_default=None, allow_none=True)
    valid_until = Date(load_default=None, allow_none=True)
    next_review_on = Date(load_default=None, allow_none=True)
    topics = fields.List(Text(validate=Length(min=1, max=120)), load_default=list)
    sections = fields.List(fields.Nested(SectionSchema), load_default=list)
    content_note = Text(load_default=None, allow_none=True)

    @pre_load
    def _lower_type(self, data: Any, **_kwargs: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("type"), str):
            data = {**data, "type": data["type"].strip().lower()}
        return data

    @post_load
    def _check_dates(self, data: Any, **_kwargs: Any) -> Any:
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            raise ValidationError("Giltig till kan inte vara före giltig från.", field_name="valid_until")
        return data


class DocumentRevisionSchema(DocumentSchema):
    """A revision: any document field, plus the version the editor saw and why they changed it."""

    expected_version = fields.Integer(required=True, strict=True, error_messages=_messages(invalid="Ange ett heltal."))
    reason = Text(required=True, validate=NotBlank(N_("Skälet till ändringen")))


class DocumentChangeSchema(DocumentSchema):
    """A change through the API: the fields it changes and why. The version it replaces travels
    in If-Match, so ``expected_version`` is no field here; load it with ``partial=CHANGEABLE``."""

    class Meta:
        exclude = ("id",)

    reason = Text(
        required=True, validate=NotBlank(N_("Skälet till ändringen")), metadata={"example": "Ny dokumentägare"}
    )


#: The document fields a change may leave out (all of them; the reason it must give).
CHANGEABLE = tuple(name for name in DocumentSchema._declared_fields if name != "id")


class RegisterQuerySchema(Schema):
    """The register list's query: a page of documents, searched and filtered. Unknown parameters
    are ignored, as HTTP APIs usually do."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE, error=Phrase("Ange en sida mellan 1 och %(max)s.", max=MAX_PAGE)),
        error_messages=_messages(invalid=Phrase("Ange sidan som ett heltal.")),
    )
    per_page = fields.Integer(
        load_default=50,
        validate=validate.Range(
            min=1, max=MAX_PER_PAGE, error=Phrase("Ange mellan 1 och %(max)s per sida.", max=MAX_PER_PAGE)
        ),
        error_messages=_messages(invalid=Phrase("Ange antalet per sida som ett heltal.")),
    )
    q = Text(load_default="", validate=Length(max=MAX_QUERY_CHARS))
    type = Text(load_default="", validate=Length(max=40))
    status = Text(load_default="", validate=Length(max=40))


class ReportQuerySchema(Schema):
    """A report's format: JSON, or a download as CSV or XLSX."""

    class Meta:
        unknown = EXCLUDE

    format = Text(load_default="json", validate=OneOf(["json", "csv", "xlsx"], N_("format")))


class RelationSchema(BaseSchema):
    source = Text(
        required=True,
        validate=NotBlank(N_("Källdokumentet")),
        metadata={"example": "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d04"},
    )
    target = Text(
        required=True,
        validate=NotBlank(N_("Måldokumentet")),
        metadata={"example": "7d0c6f7e-3b1e-5a52-9c3e-0d1a2b3c4d03"},
    )
    kind = Text(
        required=True, validate=OneOf(list(RELATION_KINDS), N_("relationstyp")), metadata={"example": "konkretiserar"}
    )
    source_section = Text(load_default="", allow_none=True, validate=Length(max=120))
    target_section = Text(load_default="", allow_none=True, validate=Length(max=120))
    note = Text(load_default=None, allow_none=True)

    @post_load
    def _empty_anchors(self, data: Any, **_kwargs: Any) -> Any:
        data["source_section"] = data.get("source_section") or ""
        data["target_section"] = data.get("target_section") or ""
        return data


class CaseDocumentSchema(BaseSchema):
    id = Text(required=True)
    role = Text(load_default="berör", validate=OneOf(CASE_DOCUMENT_ROLES, N_("roll")))


class PaperDateSchema(BaseSchema):
    date = Date(required=True)
    source = Text(required=True, validate=NotBlank(N_("Källan")))


class CasePaperSchema(BaseSchema):
    kind = Text(required=True, validate=OneOf(CASE_PAPER_KINDS, N_("typ av handling")))
    title = Text(required=True, validate=[NotBlank(N_("Rubriken")), Length(max=400)])
    dates = fields.List(fields.Nested(PaperDateSchema), load_default=list)
    text = Text(load_default="")


class CaseSchema(BaseSchema):
    """An ärende with its decisions in order and the documents it concerns."""

    dnr = Dnr(required=True)
    kind = Text(required=True, validate=OneOf(CASE_KINDS, N_("ärendetyp")))
    title = Text(required=True, validate=[NotBlank(N_("Rubriken")), Length(max=400)])
    submitted_by = Text(load_default=None, allow_none=True, validate=Length(max=300))
    submitted_on = Date(load_default=None, allow_none=True)
    text = Text(load_default=None, allow_none=True)
    decisions = fields.List(fields.Nested(DecisionSchema), load_default=list)
    documents = fields.List(fields.Nested(CaseDocumentSchema), load_default=list)
    papers = fields.List(fields.Nested(CasePaperSchema), load_default=list)


class RegisterExportSchema(BaseSchema):
    """The whole register as ``styrdok export --format json`` writes it and import reads it."""

    format = Text(
        load_default="styrdok-export",
        validate=validate.Equal(
            "styrdok-export", error="Filen är inte en Styrdok-export (format ska vara ”styrdok-export”)."
        ),
    )
    format_version = fields.Integer(
        load_default=1,
        validate=validate.Equal(1, error="Exportformatets version {input} stöds inte; version 1 väntades."),
    )
    ruleset = Text(load_default=None, allow_none=True)
    exported_at = Text(load_default=None, allow_none=True)
    bodies = fields.List(fields.Nested(BodySchema), load_default=list)
    documents = fields.List(fields.Nested(DocumentSchema), load_default=list)
    relations = fields.List(fields.Nested(RelationSchema), load_default=list)
    cases = fields.List(fields.Nested(CaseSchema), load_default=list)


class DecisionCreateSchema(DecisionSchema):
    """A beslut recorded through the API, naming its ärende."""

    case = Dnr(required=True)


class CheckInputSchema(BaseSchema):
    """What to assess: a text, optionally with a ruleset, a stated type and the adopting organ."""

    text = Text(
        required=True,
        validate=[
            validate.Length(min=1, max=MAX_ANALYSED_CHARS, error=Phrase("Texten ska ha 1–200 000 tecken.")),
            validate.Regexp(r"\S", error=Phrase("Texten får inte vara tom.")),
        ],
    )
    ruleset = Text(load_default=None, allow_none=True)
    type = Text(load_default=None, allow_none=True, validate=OneOf(CANONICAL_TYPES, N_("dokumenttyp")))
    adopted_by = Text(load_default=None, allow_none=True)


class CullingSchema(BaseSchema):
    """Gallring of a document: the gallringsbeslut it is done under, and why."""

    decision_reference = Text(
        required=True,
        validate=[
            NotBlank(N_("Gallringsbeslutet")),
            validate.Length(min=6, max=400, error=Phrase("Ange gallringsbeslutet med organ, datum och § eller dnr.")),
            validate.Regexp(
                r"^.*\d",
                error=Phrase("Ange gallringsbeslutet med datum och § eller dnr, till exempel ”KS 2024-05-06 § 88”."),
            ),
            NO_CONTROL_CHARACTERS,
        ],
    )
    reason = Text(load_default=None, allow_none=True, validate=Length(max=2000))
