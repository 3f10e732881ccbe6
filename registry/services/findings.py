"""Store the rules engine's findings for documents as they are registered or revised."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.config import Settings
from registry.models import Document, Finding, Relation
from registry.queries import document_text, parent_types
from registry.rules.engine import classify
from registry.rules.loader import cached_ruleset
from registry.rules.model import Ruleset
from registry.services.documents import AfterChangeHook
from registry.services.settings import RULESET_KEY, get_setting
from registry.similarity.related import RelatedSource

#: Two documents sharing this much of their topic are shown as a possible overlap.
OVERLAP_SCORE = 0.3


def register_ruleset(session: Session, settings: Settings) -> Ruleset:
    """The ruleset this register applies: its own setting, else the configured default."""
    key = get_setting(session, RULESET_KEY) or settings.default_ruleset
    return cached_ruleset(settings.rules_dir, key)


def _linked_ids(session: Session, document_id: str) -> set[str]:
    rows = session.execute(
        select(Relation.source_id, Relation.target_id).where(
            (Relation.source_id == document_id) | (Relation.target_id == document_id)
        )
    )
    return {i for row in rows for i in row} - {document_id}


def assess_document(
    session: Session, document: Document, ruleset: Ruleset, index: RelatedSource | None = None
) -> list[Finding]:
    """Run the engine on a document and store its findings for the current version."""
    metadata = {
        "adopted_by": document.adopted_by.key if document.adopted_by else None,
        "adopted_by_level": document.adopted_by.level if document.adopted_by else None,
        "parent_types": parent_types(session, document),
        "owner": document.owner,
    }
    related = []
    if index is not None:
        linked = _linked_ids(session, document.id)
        related = [
            r for r in index.related(document_text(document), exclude=[document.id, *linked], min_score=OVERLAP_SCORE)
        ]
    assessment = classify(
        document_text(document),
        ruleset,
        stated_type=document.type_key if document.type_key in ruleset.types else None,
        metadata=metadata,
    )
    rows = []
    for finding in assessment.findings:
        if finding.code in ("definition_from_common_core", "stated_type_definition", "nested_type_definition"):
            continue  # explanations for a report, not findings about the document
        rows.append(
            _row(document, ruleset, finding.code, finding.severity, finding.message, finding.clause, finding.evidence)
        )
    for other in related:
        rows.append(
            _row(
                document,
                ruleset,
                "possible_overlap",
                "warning",
                f"Kan överlappa ”{other.title}” ({other.type}, likhet {other.score:.2f}): "
                f"gemensamma ord {', '.join(other.shared_terms[:6])}"
                + (f"; avsnittet {other.section}." if other.section else "."),
                None,
                [other.id],
            )
        )
    for row in rows:
        session.add(row)
    session.flush()
    return rows


def _row(
    document: Document,
    ruleset: Ruleset,
    code: str,
    severity: str,
    message: str,
    clause: dict[str, Any] | None,
    evidence: list[str],
) -> Finding:
    return Finding(
        document_id=document.id,
        document_version=document.version,
        ruleset_key=ruleset.key,
        ruleset_version=ruleset.version,
        code=code,
        severity=severity,
        message=message,
        clause_type=(clause or {}).get("type"),
        clause_text=(clause or {}).get("text"),
        clause_source=(clause or {}).get("source"),
        evidence=list(evidence),
    )


def current_findings(session: Session, document: Document) -> list[Finding]:
    return list(
        session.scalars(
            select(Finding)
            .where(Finding.document_id == document.id, Finding.document_version == document.version)
            .order_by(Finding.id)
        )
    )


def assessment_hook(settings: Settings) -> AfterChangeHook:
    """A hook that checks each registered or revised document against the register's ruleset.

    Related documents come from the stored vectors (registry.similarity.related_store), which the write
    itself has just brought up to date: nothing is built, so a bulk import costs the same per
    document whatever the size of the register.
    """

    def hook(session: Session, document: Document) -> None:
        from registry.rules.engine import type_lexicon
        from registry.similarity.related_store import StoredRelatedIndex

        ruleset = register_ruleset(session, settings)
        assess_document(session, document, ruleset, StoredRelatedIndex(session, type_lexicon(ruleset)))

    return hook
