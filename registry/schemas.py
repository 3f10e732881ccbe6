"""One marshmallow schema per shape, shared by services, CLI import, forms and the API.

Every message is Swedish and says how to fix the value. Unknown fields are refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
)

from registry.errors import InvalidInput
from registry.identifiers import DNR_PATTERN, PARAGRAPH_PATTERN, normalise_paragraph, plain_pattern
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
from registry.text.ui import N_, Decided, Phrase
from registry.types import CANONICAL_TYPES

_MESSAGES = {
    "required": Phrase("Fältet måste fyllas i."),
    "null": Phrase("Fältet får inte vara tomt."),
    "invalid": Phrase("Ogiltigt värde."),
}


def _messages(**extra: str) -> dict[str, Any]:
    return {**_MESSAGES, **extra}


class Length(validate.Length):
    """marshmallow's Length, refusing in Swedish (marshmallow's own message is English:
    "Longer than maximum length 300."), kept translatable. A message of its own still wins."""

    def __call__(self, value: Any) -> Any:
        if self.error is not None or self.equal is not None:
            return super().__call__(value)
        length = len(value)
        if self.max is not None and length > self.max:
            raise ValidationError(Phrase("Högst %(max)s tecken; här är det %(length)s.", max=self.max, length=length))
        if self.min is not None and length < self.min:
            raise ValidationError(
                Phrase("Får inte vara tomt.") if self.min == 1 else Phrase("Minst %(min)s tecken.", min=self.min)
            )
        return value


#: Control characters (NUL and friends) come from broken exports and files, never from people.
NO_CONTROL_CHARACTERS = validate.Regexp(
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$", error=Phrase("Texten innehåller otillåtna styrtecken (till exempel NUL).")
)


def no_lone_surrogates(value: str) -> None:
    """JSON may carry "\\ud800" alone: no character, and no database can store it."""
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise ValidationError(Phrase("Texten innehåller ett ogiltigt tecken (ett ensamt surrogattecken)."))


def Text(**kwargs: Any) -> fields.String:
    """A string field; refuses control characters (documented as a pattern in OpenAPI) and lone
    surrogates."""
    kwargs.setdefault("error_messages", _messages(invalid=Phrase("Ange text.")))
    given = kwargs.pop("validate", None)
    checks = list(given) if isinstance(given, (list, tuple)) else ([given] if given else [])
    if not any(isinstance(c, validate.Regexp) for c in checks):
        checks.append(NO_CONTROL_CHARACTERS)
    checks.append(no_lone_surrogates)
    return fields.String(validate=checks, **kwargs)


def Date(**kwargs: Any) -> fields.Date:
    kwargs.setdefault(
        "error_messages", _messages(invalid=Phrase("Ange ett datum som ÅÅÅÅ-MM-DD, till exempel 2025-04-07."))
    )
    return fields.Date(**kwargs)


class OneOf(validate.OneOf):
    """One of ``choices``, refused as "Okänd <what> ”x”. Giltiga värden: …" (kept translatable)."""

    def __init__(self, choices: Sequence[str], what: str):
        super().__init__(choices)
        self.what = what

    def __call__(self, value: Any) -> Any:
        if value not in self.choices:
            raise ValidationError(
                Phrase(
                    "Okänd %(what)s ”%(value)s”. Giltiga värden: %(listed)s.",
                    what=Phrase(self.what),
                    value=Decided(str(value)[:80]),
                    listed=Decided(", ".join(self.choices)),
                )
            )
        return value


class NotBlank(Length):
    """A length of at least 1 (so the OpenAPI document says minLength: 1), refused with
    "<label> får inte vara tom." kept translatable."""

    def __init__(self, label: str):
        super().__init__(min=1)
        self.label = label

    def __call__(self, value: Any) -> Any:
        if value is None or len(value) < 1:
            raise ValidationError(Phrase("%(label)s får inte vara tom.", label=Phrase(self.label)))
        return value


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": Phrase("Okänt fält; det finns inget sådant fält."),
        "type": Phrase("Ogiltig indata: ett objekt med fält väntades."),
    }

    @pre_load
    def strip_strings(self, data: Any, **_kwargs: Any) -> Any:
        # People paste titles with trailing spaces; "  " must count as empty.
        if not isinstance(data, dict):
            return data
        return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}


def load_or_raise(schema: Schema, data: Any, *, what: str) -> Any:
    """Load ``data`` and turn a ValidationError into one Swedish InvalidInput."""
    try:
        return schema.load(data)
    except ValidationError as error:
        raise invalid_input(error.messages, what=what) from None


def invalid_input(messages: Any, *, what: str) -> InvalidInput:
    """marshmallow's messages as the one Swedish InvalidInput: the first field named in the
    message, every field in ``errors`` (forms, the CLI and the API say it alike)."""
    flat = flatten_errors(messages)
    first_path, first_messages = next(iter(flat.items()))
    return InvalidInput(f"{what}: fältet ”{first_path}”: {first_messages[0]}", errors=flat, field=first_path)


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"decision": {"dnr": ["..."]}} -> {"decision.dnr": ["..."]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "_schema"
            flat.update(flatten_errors(value, path))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            flat.update(flatten_errors(value, f"{prefix}.{index}"))
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


class BodySchema(BaseSchema):
    key = Text(required=True, validate=[NotBlank(N_("Förkortningen")), Length(max=40)])
    name = Text(required=True, validate=[NotBlank(N_("Namnet")), Length(max=200)])
    level = Text(required=True, validate=OneOf(BODY_LEVELS, N_("organnivå")))


DNR_MESSAGE = "Diarienumret ”{input}” kunde inte tolkas; skriv det som till exempel ”KS 2025.032” eller ”KS 2025/32”."


#: The longest diarienummer a column holds (cases.dnr, decisions.dnr).
DNR_MAX = 60


def SingleLine(label: str) -> Callable[[str], None]:
    """No line breaks or other control characters: a dnr with "\n" was stored, then unreachable."""

    def check(value: str) -> None:
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValidationError(
                Phrase("%(label)s får inte innehålla radbrytningar eller styrtecken.", label=Phrase(label))
            )

    return check


def Dnr(**kwargs: Any) -> fields.String:
    return Text(
        validate=[
            validate.Length(max=DNR_MAX, error=Phrase("Diarienumret får ha högst %(max)s tecken.", max=DNR_MAX)),
            SingleLine(N_("Diarienumret")),
            validate.Regexp(plain_pattern(DNR_PATTERN), error=DNR_MESSAGE),
        ],
        **kwargs,
    )


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


# --- output shapes (the API's responses; documented in OpenAPI) ---------------------------------


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


class DecisionCreateSchema(DecisionSchema):
    """A beslut recorded through the API, naming its ärende."""

    case = Dnr(required=True)


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
