"""The register's hygiene: what a registrator should put right (missing owners, dates, decisions …)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from registry.models import Document, Relation
from registry.models.vocabulary import IN_FORCE, REPEALED, SUPERSEDED
from registry.queries import swedish_key
from registry.reports.base import MISSING, Report
from registry.rules.model import Ruleset
from registry.text.ui import N_, Decided, Phrase


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
