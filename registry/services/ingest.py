"""Bring a kommun's documents in: files (PDF, DOCX, text) and the spreadsheet register.

Three steps, so the register is locked only while writing:

1. ``read_sources`` reads every file in a limited child process (no transaction open);
2. ``plan_import`` matches files to register rows and proposes each document's values, saying
   for every value whether it came from the kommun's register or was read from the text;
3. ``apply_import`` writes the proposals in the caller's transaction, idempotently: a document
   that is already in the register (same title and type) or a case already known adds nothing.

Values read from the text alone are suggestions: a document with no register row is stored as a
draft (utkast), which the public never sees, until a registrator confirms it.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.archive.filestore import FileStore, media_type_of
from registry.errors import RegistryError, UnreadableInput
from registry.ingest.dates import parse_date
from registry.ingest.extract import Extractor
from registry.ingest.layout import Layout, layout_of, raw_text
from registry.ingest.metadata import FIELD_LABELS, Suggestion, suggest_metadata
from registry.ingest.organs import OrganName, find_organ
from registry.ingest.protocol import CaseFile, read_case_file
from registry.ingest.spreadsheet import Sheet, file_key, type_from_cell
from registry.models import Document, Finding
from registry.models.vocabulary import DOCUMENT_STATUSES, DRAFT, IN_FORCE
from registry.rules.engine import check, type_lexicon
from registry.rules.model import Ruleset
from registry.schemas import DocumentSchema, flatten_errors
from registry.services.bodies import ensure_body
from registry.services.documents import AfterChangeHook, register_document
from registry.services.files import attach_file
from registry.services.relations import find_relation, link_documents

Progress = Callable[[int], None]


@dataclass
class ReadFile:
    """One file as read: its layout, or the case it holds, or why it could not be read."""

    name: str
    sha256: str
    layout: Layout | None = None
    case_file: CaseFile | None = None
    error: str | None = None
    media_type: str = ""
    size: int = 0
    stored: bool = False  # the original is in the file store

    @property
    def notes(self) -> list[str]:
        if self.layout is None or not self.layout.empty_pages:
            return []
        pages = ", ".join(str(p) for p in self.layout.empty_pages)
        return [f"sida {pages} saknar textlager (skannad bild?) och har inte tolkats"]


def read_source(extractor: Extractor, name: str, data: bytes, store: FileStore | None = None) -> ReadFile:
    """Read one file; with a ``store``, a readable original is kept there (before any row links it)."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        extracted = extractor.extract(data, name)
    except UnreadableInput as error:
        return ReadFile(name, digest, error=error.message)
    if extracted.kind == "xlsx":
        return ReadFile(name, digest, error=f"{name} är ett kalkylblad; ange registret med --register.")
    layout = layout_of(extracted)
    if not layout.text.strip():
        reason = f"{name} innehåller ingen text"
        reason += " (skannad bild utan textlager?); inget gissades." if layout.kind == "pdf" else "."
        return ReadFile(name, digest, layout=layout, error=reason)
    if store is not None:
        store.put(data)
    return ReadFile(
        name,
        digest,
        layout=layout,
        case_file=read_case_file(raw_text(extracted)),
        media_type=media_type_of(data, name),
        size=len(data),
        stored=store is not None,
    )


def read_sources(
    items: Iterable[tuple[str, Callable[[], bytes]]],
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    store: FileStore | None = None,
) -> list[ReadFile]:
    """Read each (name, loader), in order; a file that fails is kept with its reason.

    ``workers`` limited children read in parallel (default: one per CPU, at most four); each
    file is loaded only when its turn comes, so memory holds a few files, not the folder.
    """
    import threading
    from concurrent.futures import ThreadPoolExecutor

    listed = list(items)
    count = max(1, min(workers or os.cpu_count() or 1, 4, len(listed) or 1))
    results: list[ReadFile | None] = [None] * len(listed)
    lock = threading.Lock()

    def read_share(offset: int) -> None:
        with Extractor() as extractor:
            for index in range(offset, len(listed), count):
                name, load = listed[index]
                try:
                    data = load()
                except OSError as error:
                    results[index] = ReadFile(name, "", error=f"{name} kunde inte öppnas ({error.strerror}).")
                else:
                    results[index] = read_source(extractor, name, data, store)
                if progress:
                    with lock:
                        progress(1)

    with ThreadPoolExecutor(max_workers=count) as pool:
        for future in [pool.submit(read_share, offset) for offset in range(count)]:
            future.result()
    return [r for r in results if r is not None]


@dataclass
class Proposal:
    """What the import will do with one file or register row."""

    source: str
    values: dict[str, Any] = field(default_factory=dict)  # DocumentSchema input
    origins: dict[str, str] = field(default_factory=dict)  # field -> "register" or "text"
    suggestions: list[Suggestion] = field(default_factory=list)
    supersedes: str | None = None
    organs: list[OrganName] = field(default_factory=list)
    case_file: CaseFile | None = None
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    original: ReadFile | None = None  # the file it was read from, when its original is stored

    @property
    def from_text(self) -> list[Suggestion]:
        return [s for s in self.suggestions if self.origins.get(s.field) == "text"]


@dataclass
class RowProblem(Exception):
    message: str


def _organ(session: Session, name: str, proposal: Proposal, where: str) -> str:
    organ = find_organ(session, name)
    if organ is None:
        raise RowProblem(
            f"{where}: organet ”{name}” känns inte igen; lägg in det i registret eller skriv dess fulla namn."
        )
    proposal.organs.append(organ)
    return organ.key


def _put(values: dict[str, Any], path: str, value: Any) -> None:
    if path.startswith("decision."):
        values.setdefault("decision", {})[path.split(".", 1)[1]] = value
    else:
        values[path] = value


def _has(values: dict[str, Any], path: str) -> bool:
    if path.startswith("decision."):
        return bool((values.get("decision") or {}).get(path.split(".", 1)[1]))
    return bool(values.get(path))


def _apply_row(session: Session, proposal: Proposal, row: dict[str, str], ruleset: Ruleset, where: str) -> None:
    lexicon = type_lexicon(ruleset)
    known_types = {key: key for key in ruleset.types} | {t.label.lower(): t.key for t in ruleset.types.values()}
    for path, cell in row.items():
        if path == "file":
            continue
        if path == "type":
            type_key = type_from_cell(cell, known_types, lexicon)
            if type_key is None:
                raise RowProblem(f"{where}: dokumenttypen ”{cell}” finns inte i regeluppsättningen {ruleset.key}.")
            value: Any = type_key
        elif path == "adopted_by":
            value = _organ(session, cell, proposal, where)
        elif path == "status":
            value = cell.lower()
            if value not in DOCUMENT_STATUSES:
                raise RowProblem(f"{where}: statusen ”{cell}” är okänd; giltiga: {', '.join(DOCUMENT_STATUSES)}.")
        elif path in ("decision.meeting_date", "valid_from", "valid_until", "next_review_on"):
            day = parse_date(cell)
            if day is None:
                raise RowProblem(f"{where}: ”{cell}” i kolumnen för {FIELD_LABELS[path]} är inget datum.")
            value = day.isoformat()
        elif path == "topics":
            value = [t.strip() for t in cell.replace(",", ";").split(";") if t.strip()]
        else:
            value = cell
        _put(proposal.values, path, value)
        proposal.origins[path] = "register"


def _apply_text(session: Session, proposal: Proposal, read: ReadFile, ruleset: Ruleset) -> None:
    layout = read.layout
    assert layout is not None
    sections = [s.as_input() for s in layout.sections()]
    if sections:  # the text lives in its sections; full_text keeps what stands before them
        proposal.values["sections"] = sections
        proposal.values["full_text"] = layout.preamble() or None
    else:
        proposal.values["full_text"] = layout.text
    proposal.suggestions = suggest_metadata(layout, type_lexicon(ruleset))
    for suggestion in proposal.suggestions:
        if suggestion.field == "supersedes":
            proposal.supersedes = suggestion.value
            continue
        if _has(proposal.values, suggestion.field):
            continue  # the kommun's register wins over what the text says
        value: Any = suggestion.value
        if suggestion.field == "adopted_by":
            organ = find_organ(session, value)
            if organ is None:
                continue
            proposal.organs.append(organ)
            value = organ.key
        _put(proposal.values, suggestion.field, value)
        proposal.origins[suggestion.field] = "text"


def _finish(proposal: Proposal, default_status: str) -> None:
    values = proposal.values
    decision = values.get("decision")
    if decision is not None:
        if values.get("adopted_by") and not decision.get("body"):
            decision["body"] = values["adopted_by"]
        if not (decision.get("body") and decision.get("meeting_date") and decision.get("paragraph")):
            missing = [
                FIELD_LABELS[f"decision.{k}"] if k != "body" else "beslutande organ"
                for k in ("body", "meeting_date", "paragraph")
                if not decision.get(k)
            ]
            proposal.notes.append(f"beslutet registrerades inte: {', '.join(missing)} saknas")
            values.pop("decision")
        else:
            decision.setdefault("outcome", "antagen")  # the decision that adopted the document
    values.setdefault("status", default_status)
    if not values.get("type"):
        proposal.problem = (
            f"{proposal.source}: dokumenttypen framgår varken av registret eller av titeln; "
            "ange typen i registrets kolumn Typ."
        )
        return
    try:
        DocumentSchema().load(values)
    except ValidationError as error:
        path, messages = next(iter(flatten_errors(error.messages).items()))
        proposal.problem = f"{proposal.source}: {path}: {messages[0]}"


def plan_import(session: Session, reads: list[ReadFile], sheet: Sheet | None, ruleset: Ruleset) -> list[Proposal]:
    """Match files to register rows and propose what each becomes; nothing is written."""
    proposals: list[Proposal] = []
    by_key: dict[str, ReadFile] = {}
    for read in reads:
        by_key.setdefault(file_key(read.name), read)
        if read.layout is not None and read.layout.title:
            by_key.setdefault(file_key(read.layout.title), read)
    used: set[str] = set()
    for number, cells in sheet.rows if sheet else []:
        row = sheet.values(cells)  # type: ignore[union-attr]
        where = f"{sheet.name} rad {number}"  # type: ignore[union-attr]
        proposal = Proposal(where)
        proposals.append(proposal)
        if not row.get("title"):
            proposal.problem = f"{where}: titel saknas."
            continue
        listed = by_key.get(file_key(row["file"])) if row.get("file") else None
        listed = listed or by_key.get(file_key(row["title"]))
        if listed is not None:
            used.add(listed.name)
            proposal.source = f"{where} ({listed.name})"
        try:
            _apply_row(session, proposal, row, ruleset, where)
        except RowProblem as problem:
            proposal.problem = problem.message
            continue
        if listed is not None and listed.error is None and listed.layout is not None:
            _apply_text(session, proposal, listed, ruleset)
            proposal.notes += listed.notes
            proposal.original = listed if listed.stored else None
        elif listed is not None and listed.error:
            proposal.notes.append(f"filen lästes inte: {listed.error}")
        elif row.get("file"):
            proposal.notes.append(f"filen ”{row['file']}” fanns inte bland de inlästa filerna")
        _finish(proposal, IN_FORCE)
    for read in reads:
        if read.name in used:
            continue
        proposal = Proposal(read.name, notes=list(read.notes))
        proposals.append(proposal)
        if read.error:
            proposal.problem = read.error
        elif read.case_file is not None:
            proposal.case_file = read.case_file
            proposal.organs = list(read.case_file.organs)
        else:
            _apply_text(session, proposal, read, ruleset)
            proposal.original = read if read.stored else None
            if not proposal.values.get("title"):
                proposal.values["title"] = read.name.rsplit(".", 1)[0]
                proposal.origins["title"] = "filnamn"
            _finish(proposal, DRAFT)
    return proposals


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)  # registered before without text; the file gave it
    skipped: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    document_ids: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        head = (
            f"Import: {len(self.added)} dokument nya, ärenden: {len(self.cases)}, "
            f"{len(self.unchanged)} fanns redan, {len(self.skipped)} hoppades över."
        )
        if self.completed:
            head += f" {len(self.completed)} fick sin text ur filen."
        out = [head]
        for title, items in (
            ("Ärenden:", self.cases),
            ("Text ur filen till dokument som saknade den:", self.completed),
            ("Hoppades över:", self.skipped),
            ("Förslag ur texten att bekräfta (dokument utan registerrad sparas som utkast):", self.suggestions),
            ("Relationer:", self.relations),
            ("Att notera:", self.notes),
            ("Regelkontroll:", self.findings),
        ):
            if items:
                out.append(title)
                out += [f"  – {item}" for item in items]
        return out


def _existing(session: Session, values: dict[str, Any]) -> Document | None:
    """The register's document this proposal is: same title and type, and the same organ when
    both name one (two nämnder may each have a "Delegationsordning")."""
    organ = values.get("adopted_by")
    for document in session.scalars(
        select(Document).where(
            func.lower(Document.title) == values["title"].lower(),
            Document.type_key == values["type"],
        )
    ):
        if organ and document.adopted_by is not None and document.adopted_by.key.upper() != organ.upper():
            continue
        return document
    return None


def _normalised(text: str | None) -> str:
    return " ".join((text or "").split())


def _same_content(document: Document, values: dict[str, Any]) -> bool:
    """Whether a file says what the registered document says (a row without a file always does)."""
    if not values.get("full_text") and not values.get("sections"):
        return True
    ours = [_normalised(document.full_text)] + [_normalised(f"{s.heading} {s.text}") for s in document.sections]
    theirs = [_normalised(values.get("full_text"))] + [
        _normalised(f"{s['heading']} {s.get('text', '')}") for s in values.get("sections") or []
    ]
    return ours == theirs


def _quote(suggestion: Suggestion) -> str:
    return f"{suggestion.label} {suggestion.value} (”{suggestion.evidence}”)"


def ensure_organs(session: Session, organs: list[OrganName], actor: str) -> None:
    """Register the organs a file names that the register does not have yet."""
    for organ in organs:
        ensure_body(session, {"key": organ.key, "name": organ.name, "level": organ.level}, actor=actor)


def find_document_named(session: Session, text: str) -> Document | None:
    """The register's document a phrase like "Riktlinjer för IT (KF 2012 § 12)" names."""
    title = re.sub(r"\s*\([^()]*\)\s*$", "", text).strip(" .,")
    return session.scalars(select(Document).where(func.lower(Document.title) == title.lower())).first()


def record_supersession(
    session: Session, document: Document, phrase: str, *, actor: str
) -> tuple[str | None, str | None]:
    """The "ersätter" relation a file's "Ersätter …" line asks for, when the older document is in
    the register (for the CLI import and the web review alike); returns (relation made, note)."""
    older = find_document_named(session, phrase)
    if older is None or older.id == document.id:
        return None, f"{document.title}: ersätter ”{phrase}”, som inte finns i registret"
    values = {
        "source": document.id,
        "target": older.id,
        "kind": "ersätter",
        "note": f"Enligt dokumentets text: ”ersätter {phrase}”",
    }
    if find_relation(session, values) is not None:
        return None, None
    try:
        link_documents(session, values, actor=actor)
    except RegistryError as error:
        return None, f"{document.title}: {error.message}"
    return f"{document.title} ersätter {older.title}", None


def apply_import(
    session: Session,
    proposals: list[Proposal],
    ruleset: Ruleset,
    *,
    actor: str,
    after_change: AfterChangeHook | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Write the proposals (flush only; the caller commits). Idempotent."""
    from registry.services.transfer import import_case

    summary = IngestSummary()
    created: list[tuple[Proposal, Document]] = []
    for proposal in proposals:
        if progress:
            progress(1)
        if proposal.problem:
            summary.skipped.append(proposal.problem)
            continue
        summary.notes += [f"{proposal.source}: {note}" for note in proposal.notes]
        try:
            ensure_organs(session, proposal.organs, actor)
            if proposal.case_file is not None:
                _apply_case(session, proposal.case_file, ruleset, summary, actor=actor, import_case=import_case)
                continue
            existing = _existing(session, proposal.values)
            if (
                existing is not None
                and not existing.full_text
                and not existing.sections
                and (proposal.values.get("full_text") or proposal.values.get("sections"))
            ):
                _complete_text(session, existing, proposal, actor=actor, after_change=after_change)
                summary.completed.append(f"{existing.title} ({proposal.source})")
                created.append((proposal, existing))
                continue
            if existing is not None and not _same_content(existing, proposal.values):
                summary.skipped.append(
                    f"{proposal.source}: ”{existing.title}” finns redan i registret med en annan text; inget "
                    "ändrades. Revidera dokumentet i registret, eller ge filen en egen titel i förteckningen."
                )
                continue
            if existing is not None:
                summary.unchanged.append(f"{proposal.values['title']} ({proposal.source})")
                _keep_original(session, proposal, existing, actor)
                created.append((proposal, existing))
                continue
            text_fields = [FIELD_LABELS.get(s.field, s.field) for s in proposal.from_text]
            reason = f"Importerat från {proposal.source}"
            if text_fields:
                reason += "; ur texten (att bekräfta): " + ", ".join(text_fields)
            document = register_document(
                session,
                DocumentSchema().dump(DocumentSchema().load(proposal.values)),
                actor=actor,
                reason=reason,
                after_change=after_change,
            )
        except RegistryError as error:
            summary.skipped.append(f"{proposal.source}: {error.message}")
            continue
        _keep_original(session, proposal, document, actor)
        summary.added.append(f"{document.title} ({proposal.source})")
        summary.document_ids.append(document.id)
        created.append((proposal, document))
        if proposal.from_text:
            summary.suggestions.append(f"{document.title}: " + "; ".join(_quote(s) for s in proposal.from_text))
    for proposal, document in created:
        if proposal.supersedes:
            made, note = record_supersession(session, document, proposal.supersedes, actor=actor)
            if made:
                summary.relations.append(made)
            if note:
                summary.notes.append(note)
    session.flush()
    _collect_findings(session, summary)
    return summary


def _complete_text(
    session: Session, document: Document, proposal: Proposal, *, actor: str, after_change: AfterChangeHook | None
) -> None:
    """A document registered without its text (from a list) gets the text of its file."""
    from registry.services.documents import revise_document

    revise_document(
        session,
        document.id,
        {
            "full_text": proposal.values.get("full_text"),
            "sections": proposal.values.get("sections") or [],
            "expected_version": document.version,
            "reason": f"Text från {proposal.source}",
        },
        actor=actor,
        after_change=after_change,
    )
    _keep_original(session, proposal, document, actor)


def _keep_original(session: Session, proposal: Proposal, document: Document, actor: str) -> None:
    read = proposal.original
    if read is not None:
        attach_file(
            session,
            document,
            sha256=read.sha256,
            filename=read.name,
            media_type=read.media_type,
            size=read.size,
            actor=actor,
        )


def _apply_case(
    session: Session,
    case_file: CaseFile,
    ruleset: Ruleset,
    summary: IngestSummary,
    *,
    actor: str,
    import_case: Callable[..., str],
) -> None:
    from registry.schemas import CaseSchema

    values = CaseSchema().load(case_file.case)
    outcome = import_case(session, values, actor=actor)
    papers = ", ".join(f"{p['kind']}" for p in values["papers"])
    decisions = ", ".join(f"{d['body']} § {d['paragraph']}" for d in values["decisions"])
    state = {"added": "nytt", "changed": "kompletterat", "unchanged": "fanns redan"}[outcome]
    summary.cases.append(
        f"{values['dnr']} ({state}): {values['title']}; beslut {decisions or 'inga'}; handlingar {papers or 'inga'}"
    )
    for paper in values["papers"]:
        assessment = check(paper["text"], ruleset)
        summary.findings.append(f"Ärende {values['dnr']}, {paper['kind']}: {describe_check(assessment, ruleset)}")


def describe_check(assessment: Any, ruleset: Ruleset) -> str:
    """One Swedish line: what a text asks for, what its content fits, and the first error."""

    def label(key: str) -> str:
        return ruleset.types[key].label if key in ruleset.types else key

    asked = ", ".join(label(k) for k in assessment.requested_types) or "ingen typ"
    best = label(assessment.best_fit) if assessment.best_fit else "oklart"
    words = {"mismatch": "avviker från definitionen", "fits": "stämmer", "unclear": "begär ingen typ"}
    first_error = next((f.message for f in assessment.findings if f.severity == "error"), None)
    line = f"begär {asked}; innehållet stämmer bäst med {best} — {words.get(assessment.verdict, assessment.verdict)}"
    return line + (f". {first_error}" if first_error else "")


def _collect_findings(session: Session, summary: IngestSummary) -> None:
    for document_id in summary.document_ids:
        document = session.get(Document, document_id)
        assert document is not None
        rows = session.scalars(
            select(Finding).where(
                Finding.document_id == document_id,
                Finding.document_version == document.version,
                Finding.severity.in_(("error", "warning")),
            )
        ).all()
        if rows:
            errors = sum(1 for r in rows if r.severity == "error")
            warnings = len(rows) - errors
            counts = f"{errors} fel, {warnings} {'varning' if warnings == 1 else 'varningar'}"
            summary.findings.append(f"{document.title}: {counts} — {rows[0].message}")
