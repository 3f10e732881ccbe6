"""Rule violations: the findings of each document's latest version, and of the ärenden."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Document, Finding
from registry.models.vocabulary import REPEALED, SUPERSEDED, UNPUBLISHED
from registry.queries import swedish_key
from registry.reports.base import MISSING, Report, _counted
from registry.rules.engine.codes import SEVERITY_LABELS, finding_label
from registry.rules.model import Ruleset
from registry.text.ui import N_, Decided, Phrase


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
