"""The auditors' reports: overlaps, rule violations, reviews due, register hygiene.

Each report is a title, columns and rows of plain values, so one exporter serves text, JSON,
CSV and XLSX, the CLI, the page and the API alike. Read-only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from registry.models import Document, Finding, Relation
from registry.models.vocabulary import IN_FORCE, REPEALED, SUPERSEDED, UNPUBLISHED
from registry.queries import LIVE_STATUSES, snapshot, swedish_key
from registry.rules.engine.codes import SEVERITY_LABELS, finding_label
from registry.rules.model import Ruleset
from registry.similarity.overlaps import (
    EXACT_LIMIT,
    LARGE_REGISTER_THRESHOLD,
    NEAR_COPY,
    OVERLAP_THRESHOLD,
    clusters,
    overlapping_pairs,
    prepare_weighted,
)
from registry.text.ui import N_, Decided, Phrase

#: Relations that explain why two documents cover the same ground (a riktlinje that
#: concretises its policy is related, not overlapping). "berör" and "hänvisar till" do not.
EXPLAINING_RELATIONS = ("genomför", "konkretiserar", "ersätter", "upphäver")
DUE_SOON_DAYS = 90


@dataclass
class Report:
    name: str
    title: str
    columns: list[tuple[str, str]]  # (key, Swedish heading)
    rows: list[dict[str, Any]]
    summary: str
    groups: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "title": self.title,
            "summary": self.summary,
            "columns": [{"key": k, "title": t} for k, t in self.columns],
            "rows": self.rows,
            "groups": self.groups,
        }


Progress = Callable[[str], None]


def overlaps_report(
    session: Session, ruleset: Ruleset, *, min_score: float | None = None, progress: Progress | None = None
) -> Report:
    """From the stored term vectors (registry.similarity.related_store): no document is loaded through the
    ORM or tokenised again; only the sections of documents in a pair are read, to say where."""
    from registry.models import RelatedTerm
    from registry.similarity.related_store import ensure_current

    ensure_current(session)  # vectors of another ruleset's lexicon would mislead
    documents = session.execute(
        select(Document.id, Document.title, Document.type_key, Document.status, Document.valid_from)
        .where(Document.status.in_(LIVE_STATUSES))
        .order_by(Document.id)
    ).all()
    if min_score is None:
        min_score = OVERLAP_THRESHOLD if len(documents) <= EXACT_LIMIT else LARGE_REGISTER_THRESHOLD
    if progress:
        progress(f"Jämför {len(documents)} dokument …")
    explained = session.execute(
        select(Relation.source_id, Relation.target_id).where(Relation.kind.in_(EXPLAINING_RELATIONS))
    ).all()
    vectors = session.connection().execute(
        select(RelatedTerm.document_id, RelatedTerm.term, RelatedTerm.weight, RelatedTerm.surface)
        .order_by(RelatedTerm.document_id)
        .execution_options(yield_per=20_000)
    )
    pairs = overlapping_pairs(
        prepare_weighted(vectors),
        threshold=min_score,
        explained=[(r[0], r[1]) for r in explained],
        snapshots_of=lambda ids: _snapshots(session, ids),
    )
    by_id = {d.id: d for d in documents}
    rows = []
    groups = []
    for number, cluster in enumerate(clusters(pairs), start=1):
        groups.append(
            {
                "cluster": number,
                "documents": [{"id": i, "title": by_id[i].title, "type": by_id[i].type_key} for i in cluster.documents],
                "shared_terms": cluster.shared_terms,
            }
        )
        for pair in sorted(cluster.pairs, key=lambda p: -p.score):
            first, second = by_id[pair.first], by_id[pair.second]
            rows.append(
                {
                    "cluster": number,
                    "score": pair.score,
                    "kind": _overlap_kind(ruleset, first, second, pair.score),
                    "first_id": first.id,
                    "first": Decided(first.title),
                    "first_type": first.type_key,
                    "second_id": second.id,
                    "second": Decided(second.title),
                    "second_type": second.type_key,
                    "shared_terms": ", ".join(pair.shared_terms[:8]),
                    "sections": "; ".join(f"{a or '–'} / {b or '–'}" for a, b in pair.sections),
                }
            )
    return Report(
        "overlaps",
        N_("Överlappande dokument"),
        [
            ("cluster", N_("Grupp")),
            ("score", N_("Likhet")),
            ("kind", N_("Slag")),
            ("first", N_("Dokument")),
            ("first_type", N_("Typ")),
            ("second", N_("Överlappar")),
            ("second_type", N_("Typ")),
            ("shared_terms", N_("Gemensamma ord")),
            ("sections", N_("Avsnitt")),
        ],
        rows,
        Phrase(
            "%(pairs)s par i %(groups)s grupper bland %(documents)s gällande eller beredda dokument "
            "(likhet minst %(least)s; par som förklaras av en relation är utelämnade).",
            pairs=len(rows),
            groups=len(groups),
            documents=len(documents),
            least=f"{min_score:.2f}",
        ),
        groups,
    )


def _snapshots(session: Session, ids: set[str]) -> dict[str, Any]:
    """Snapshots (with sections) of just these documents, in chunks the databases accept."""
    from sqlalchemy.orm import selectinload

    found = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        for document in session.scalars(
            select(Document)
            .where(Document.id.in_(wanted[start : start + 500]))
            .options(selectinload(Document.sections), selectinload(Document.topics))
        ).unique():
            found[document.id] = snapshot(document)
    return found


#: A cell with nothing in it, said so.
MISSING = Phrase("(saknas)")
OVERDUE = Phrase("försenad")
DUE_SOON = Phrase("inom 90 dagar")


def _counted(counts: dict[str, int]) -> Phrase:
    """ "Fel beslutande organ: 2, Titeln blandar typer: 1", each name translatable."""
    template = ", ".join(f"%(name{i})s: {count}" for i, count in enumerate(counts.values()))
    return Phrase(template, **{f"name{i}": Phrase(name) for i, name in enumerate(counts)})


def _overlap_kind(ruleset: Ruleset, first: Any, second: Any, score: float) -> str:
    if score >= NEAR_COPY:
        return Phrase("nära kopia")
    if (
        first.status == IN_FORCE
        and second.status == IN_FORCE
        and first.valid_from
        and second.valid_from
        and first.valid_from != second.valid_from
    ):
        return Phrase("nyare upprepar äldre")
    if ruleset.family_of(first.type_key) == ruleset.family_of(second.type_key):
        return Phrase("samma familj, samma ämne")
    return Phrase("samma ämne")


def violations_report(session: Session, ruleset: Ruleset) -> Report:
    current = (
        select(Finding, Document)
        .join(Document, Document.id == Finding.document_id)
        .where(
            Finding.document_version == Document.version,
            Finding.severity.in_(("error", "warning")),
            Finding.code != "possible_overlap",
            # An upphävd, ersatt or avpublicerad document's findings are no longer open.
            Document.status.notin_((REPEALED, SUPERSEDED, UNPUBLISHED)),
        )
    )
    rows = []
    for finding, document in session.execute(current):
        rows.append(
            {
                "rule": finding.code,
                "rule_name": Phrase(finding_label(finding.code)),
                "severity": finding.severity,
                "severity_name": Phrase(SEVERITY_LABELS.get(finding.severity, finding.severity)),
                "document_id": document.id,
                "document": Decided(document.title),
                "type": Decided(document.type_key),
                "status": Phrase(document.status),
                "owner": Decided(document.owner) if document.owner else MISSING,
                "message": Decided(finding.message),
                "ruleset": f"{finding.ruleset_key} ({finding.ruleset_version})",
            }
        )
    rows += _case_violations(session, ruleset)
    rows.sort(key=lambda r: (r["rule"], swedish_key(r["owner"]), swedish_key(r["document"])))
    by_rule: dict[str, int] = {}
    by_owner: dict[str, int] = {}
    for row in rows:
        by_rule[row["rule_name"]] = by_rule.get(row["rule_name"], 0) + 1
        by_owner[row["owner"]] = by_owner.get(row["owner"], 0) + 1
    groups = [{"by": "rule", "counts": by_rule}, {"by": "owner", "counts": by_owner}]
    return Report(
        "violations",
        N_("Avvikelser från kommunens regler"),
        [
            ("rule_name", N_("Regel")),
            ("severity_name", N_("Allvar")),
            ("document", N_("Dokument eller ärende")),
            ("type", N_("Typ")),
            ("status", N_("Status")),
            ("owner", N_("Dokumentansvarig")),
            ("message", N_("Vad")),
            ("ruleset", N_("Regeluppsättning")),
        ],
        rows,
        Phrase(
            "%(findings)s avvikelser i %(documents)s dokument; %(by_rule)s",
            findings=len(rows),
            documents=len({r["document_id"] for r in rows}),
            by_rule=_counted(by_rule),
        )
        if rows
        else Phrase("Inga avvikelser."),
        groups,
    )


def _case_violations(session: Session, ruleset: Ruleset) -> list[dict[str, Any]]:
    """Motions and uppdrag in the register that ask for a type their content does not fit."""
    from registry.models import Case
    from registry.rules.engine import check

    rows = []
    for case in session.scalars(select(Case).where(Case.kind.in_(("motion", "medborgarförslag", "uppdrag")))):
        if not (case.text or "").strip():
            continue
        assessment = check(case.text or "", ruleset)
        if assessment.verdict != "mismatch":
            continue
        for finding in assessment.findings:
            if finding.severity == "error":
                rows.append(
                    {
                        "rule": finding.code,
                        "rule_name": Phrase(finding_label(finding.code)),
                        "severity": finding.severity,
                        "severity_name": Phrase(SEVERITY_LABELS.get(finding.severity, finding.severity)),
                        "document_id": case.dnr,
                        "case_dnr": case.dnr,
                        "document": Phrase("Ärende %(dnr)s: %(title)s", dnr=case.dnr, title=Decided(case.title)),
                        "type": Decided(", ".join(assessment.requested_types)),
                        "status": Phrase(case.kind),
                        "owner": Decided(case.submitted_by) if case.submitted_by else MISSING,
                        "message": Decided(finding.message),
                        "ruleset": f"{ruleset.key} ({ruleset.version})",
                    }
                )
    return rows


# --- aktualitetsprövning --------------------------------------------------------------------------


def election_year_on_or_before(day: dt.date) -> int:
    """Swedish general elections are held every four years: 2018, 2022, 2026 …"""
    return day.year - ((day.year - 2018) % 4)


def mandate_start(day: dt.date, level: str | None) -> dt.date:
    """Start of the mandate period that ``day`` falls in: KF's on 15 October of the election
    year, KS's and the nämnder's on 1 January after."""
    year = election_year_on_or_before(day)
    start = dt.date(year, 10, 15) if level == "fullmäktige" else dt.date(year + 1, 1, 1)
    if day < start:
        year -= 4
        start = dt.date(year, 10, 15) if level == "fullmäktige" else dt.date(year + 1, 1, 1)
    return start


def review_due(document: Document, ruleset: Ruleset) -> tuple[dt.date | None, str]:
    """When the document is due for aktualitetsprövning, and why."""
    if document.next_review_on:
        return document.next_review_on, Phrase("angivet datum")
    adopted = document.decision.meeting_date if document.decision else document.valid_from
    if adopted is None:
        return None, Phrase("antagningsdatum saknas")
    document_type = ruleset.types.get(document.type_key)
    years = document_type.review_years if document_type and document_type.review_years else 4
    level = document.adopted_by.level if document.adopted_by else None
    if years == 4:
        # Once per mandate period: by the end of the first year of the next period.
        start = mandate_start(adopted, level)
        next_start = start.replace(year=start.year + 4)
        return next_start.replace(year=next_start.year + 1) - dt.timedelta(days=1), Phrase("en gång per mandatperiod")
    return adopted.replace(year=adopted.year + years), Phrase("vart %(years)s:e år", years=years)


def reviews_report(session: Session, ruleset: Ruleset, *, today: dt.date | None = None) -> Report:
    today = today or dt.date.today()
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    rows = []
    for document in session.scalars(select(Document).where(Document.status == IN_FORCE)).unique():
        due, basis = review_due(document, ruleset)
        if due is None or due > soon:
            continue
        rows.append(
            {
                "state": OVERDUE if due < today else DUE_SOON,
                "due": due.isoformat(),
                "days": (due - today).days,
                "document_id": document.id,
                "document": Decided(document.title),
                "type": Decided(document.type_key),
                "owner": Decided(document.owner) if document.owner else MISSING,
                "organ": document.adopted_by.key if document.adopted_by else MISSING,
                "basis": basis,
            }
        )
    rows.sort(key=lambda r: (r["due"], swedish_key(str(r["document"]))))
    overdue = sum(1 for r in rows if r["state"] == OVERDUE)
    return Report(
        "reviews",
        N_("Aktualitetsprövning"),
        [
            ("state", N_("Läge")),
            ("due", N_("Senast")),
            ("days", N_("Dagar kvar")),
            ("document", N_("Dokument")),
            ("type", N_("Typ")),
            ("owner", N_("Dokumentansvarig")),
            ("organ", N_("Organ")),
            ("basis", N_("Grund")),
        ],
        rows,
        Phrase(
            "%(overdue)s försenade och %(soon)s inom 90 dagar (per %(day)s).",
            overdue=overdue,
            soon=len(rows) - overdue,
            day=today.isoformat(),
        ),
    )


def hygiene_report(session: Session, ruleset: Ruleset) -> Report:
    rows: list[dict[str, Any]] = []
    ended = aliased(Document)
    newer = aliased(Document)
    for relation, old, new in session.execute(
        select(Relation, ended, newer)
        .join(ended, ended.id == Relation.target_id)
        .join(newer, newer.id == Relation.source_id)
        .where(Relation.kind.in_(("ersätter", "upphäver")), ended.status == IN_FORCE, newer.status == IN_FORCE)
    ):
        rows.append(
            _hygiene_row(
                N_("ersatt men gällande"),
                old,
                Phrase(
                    "”%(title)s” %(kind)s det, men det är fortfarande markerat som gällande.",
                    title=Decided(new.title),
                    kind=Phrase(relation.kind),
                ),
            )
        )
    for document in session.scalars(
        select(Document).where(
            Document.status == IN_FORCE, (Document.owner.is_(None)) | (func.trim(Document.owner) == "")
        )
    ).unique():
        rows.append(_hygiene_row(N_("utan dokumentansvarig"), document, Phrase("Ingen dokumentansvarig är angiven.")))
    for document in session.scalars(
        select(Document).where(Document.status == IN_FORCE, Document.decision_id.is_(None))
    ).unique():
        rows.append(
            _hygiene_row(
                N_("utan registrerat beslut"),
                document,
                Phrase(
                    "Gällande, men inget beslut (organ, datum, §) är registrerat; "
                    "det går inte att visa vem som antog det."
                ),
            )
        )
    source, target = aliased(Document), aliased(Document)
    for relation, live, dead in session.execute(
        select(Relation, source, target)
        .join(source, source.id == Relation.source_id)
        .join(target, target.id == Relation.target_id)
        .where(
            source.status == IN_FORCE,
            target.status.in_((REPEALED, SUPERSEDED)),
            Relation.kind.notin_(("ersätter", "upphäver")),
        )
    ):
        rows.append(
            _hygiene_row(
                N_("relation till upphävt"),
                live,
                Phrase(
                    "%(kind)s ”%(title)s”, som är %(status)s.",
                    kind=Phrase(relation.kind),
                    title=Decided(dead.title),
                    status=Phrase(dead.status),
                ),
            )
        )
    parents: dict[str, set[str]] = {}
    for source_id, kind in session.execute(
        select(Relation.source_id, Document.type_key)
        .join(Document, Document.id == Relation.target_id)
        .where(Relation.kind.in_(("genomför", "konkretiserar")))
    ):
        parents.setdefault(source_id, set()).add(kind)
    for document in session.scalars(select(Document).where(Document.status == IN_FORCE)).unique():
        document_type = ruleset.types.get(document.type_key)
        rule = document_type.parent_rule if document_type else None
        level = document.adopted_by.level if document.adopted_by else None
        if (
            rule
            and (not rule.when_adopted_by or level in rule.when_adopted_by)
            and not parents.get(document.id, set()) & set(rule.parents)
        ):
            rows.append(
                _hygiene_row(
                    N_("saknar överordnat dokument"),
                    document,
                    Decided(rule.text)
                    if rule.text
                    else Phrase("Ska stödja ett dokument av typen %(types)s.", types=Decided(", ".join(rule.parents))),
                )
            )
    rows.sort(key=lambda r: (r["problem"], swedish_key(r["document"])))
    return Report(
        "hygiene",
        N_("Registrets skick"),
        [
            ("problem", N_("Problem")),
            ("document", N_("Dokument")),
            ("type", N_("Typ")),
            ("owner", N_("Dokumentansvarig")),
            ("detail", N_("Detalj")),
        ],
        rows,
        Phrase("%(count)s saker att åtgärda.", count=len(rows)) if rows else Phrase("Inget att åtgärda."),
    )


def _hygiene_row(problem: str, document: Document, detail: str) -> dict[str, Any]:
    return {
        "problem": Phrase(problem),
        "document_id": document.id,
        "document": Decided(document.title),
        "type": Decided(document.type_key),
        "owner": Decided(document.owner) if document.owner else MISSING,
        "detail": detail,
    }


REPORTS = {
    "overlaps": N_("Överlappande dokument"),
    "violations": N_("Avvikelser från kommunens regler"),
    "reviews": N_("Aktualitetsprövning"),
    "hygiene": N_("Registrets skick"),
}


def build_report(session: Session, name: str, ruleset: Ruleset, **options: Any) -> Report:
    if name == "overlaps":
        return overlaps_report(session, ruleset, **options)
    if name == "violations":
        return violations_report(session, ruleset)
    if name == "reviews":
        return reviews_report(session, ruleset)
    if name == "hygiene":
        return hygiene_report(session, ruleset)
    from registry.errors import NotFound

    raise NotFound(f"Rapporten ”{name}” finns inte. Rapporter: {', '.join(REPORTS)}.", field="name")


# --- exports ------------------------------------------------------------------------------------------


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Swedish Excel splits a CSV line on ";" (and on a tab): each part is a cell of its own there, so a
#: formula after a separator inside our cell ("Policy;=cmd|' /C calc'!A0") must be defused too.
_FORMULA_AFTER_SEPARATOR = re.compile(r"([;\t]\s*)([=+\-@])")


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written as text: at the start of the
    cell, and after any separator a spreadsheet might split the cell on."""
    if not isinstance(value, str):
        return value
    value = _FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", value)
    if value[:1] in _FORMULA_START:
        return "'" + value
    return value


def csv_lines(report: Report, *, swedish: bool = False) -> Iterator[list[Any]]:
    """The rows as CSV fields; ``swedish`` writes decimal commas ("0,27"), which Swedish Excel
    reads as numbers (the caller then separates fields with semicolons)."""
    yield [title for _, title in report.columns]
    for row in report.rows:
        yield [_csv_value(row.get(key, ""), swedish) for key, _ in report.columns]


def _csv_value(value: Any, swedish: bool) -> Any:
    if swedish and isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",")
    return spreadsheet_safe(value)


def write_csv_report(report: Report, out: IO[str], *, swedish: bool) -> None:
    """CSV for Swedish Excel (semicolons, decimal commas; the caller adds the BOM) or plain CSV."""
    import csv

    writer = csv.writer(out, delimiter=";" if swedish else ",", lineterminator="\r\n")
    for line in csv_lines(report, swedish=swedish):
        writer.writerow(line)


def write_xlsx(report: Report, path_or_buffer: str | IO[bytes]) -> None:
    """XLSX in constant memory; no string ever becomes a formula."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        path_or_buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "in_memory": not isinstance(path_or_buffer, str),
        },
    )
    sheet = workbook.add_worksheet(report.name)
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF5F8", "bottom": 1})
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
    # Widths from the content (constant-memory mode wants them before any row is written).
    for column, (key, title) in enumerate(report.columns):
        longest = max([len(title), *(len(str(row.get(key, ""))) for row in report.rows[:500])])
        sheet.set_column(column, column, min(max(longest + 2, 8), 60), wrapped if longest > 60 else None)
    sheet.freeze_panes(1, 0)  # the header stays in view
    sheet.autofilter(0, 0, max(len(report.rows), 1), len(report.columns) - 1)
    for column, (_, title) in enumerate(report.columns):
        sheet.write_string(0, column, title, bold)
    for line, row in enumerate(report.rows, start=1):
        for column, (key, _) in enumerate(report.columns):
            value = row.get(key, "")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(line, column, value)
            else:
                sheet.write_string(line, column, str(spreadsheet_safe(value)))
    workbook.close()


def text_lines(report: Report) -> Iterator[str]:
    yield report.title
    yield "=" * len(report.title)
    yield report.summary
    yield ""
    if report.name == "overlaps":
        for group in report.groups:
            yield f"Grupp {group['cluster']}: gemensamma ord {', '.join(group['shared_terms'])}"
            for document in group["documents"]:
                yield f"  - {document['title']} ({document['type']})"
            for row in (r for r in report.rows if r["cluster"] == group["cluster"]):
                where = f"; avsnitt {row['sections']}" if row["sections"] else ""
                yield (
                    f"    {row['score']:.2f} {row['kind']}: {row['first']} ~ {row['second']}"
                    f" [{row['shared_terms']}]{where}"
                )
            yield ""
        return
    for row in report.rows:
        yield " | ".join(str(row.get(key, "")) for key, _ in report.columns)
