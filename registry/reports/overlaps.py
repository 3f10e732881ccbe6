"""Overlapping documents: pairs that say the same thing, grouped, with the words they share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Document, Relation
from registry.models.vocabulary import IN_FORCE
from registry.queries import LIVE_STATUSES
from registry.reports.base import EXPLAINING_RELATIONS, Progress, Report, _snapshots
from registry.rules.model import Ruleset
from registry.similarity.overlaps import (
    EXACT_LIMIT,
    LARGE_REGISTER_THRESHOLD,
    NEAR_COPY,
    OVERLAP_THRESHOLD,
    clusters,
    overlapping_pairs,
    prepare_packed,
)
from registry.text.ui import N_, Decided, Phrase


def overlaps_report(
    session: Session, ruleset: Ruleset, *, min_score: float | None = None, progress: Progress | None = None
) -> Report:
    """From the stored term vectors (registry.similarity.related_store): no document is loaded through the
    ORM or tokenised again; only the sections of documents in a pair are read, to say where."""
    from registry.models import RelatedVector
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
    vectors = session.execute(
        select(RelatedVector.document_id, RelatedVector.hashes, RelatedVector.weights)
        .join(Document, Document.id == RelatedVector.document_id)
        .where(Document.status.in_(LIVE_STATUSES))
        .order_by(RelatedVector.document_id)
    ).all()
    pairs = overlapping_pairs(
        prepare_packed(vectors, lambda columns, ids: _shown_terms(session, columns, ids)),
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


def _shown_terms(session: Session, columns: dict[int, int], document_ids: set[str]) -> dict[int, str]:
    """How the shared terms of the pairs are shown: the word as the first of their documents
    writes it, read for just those documents."""
    from registry.models import RelatedTerm
    from registry.similarity.related import display_term
    from registry.similarity.related_store import term_hash

    words: dict[int, str] = {}
    wanted = sorted(document_ids)
    for start in range(0, len(wanted), 500):
        for term, surface in session.execute(
            select(RelatedTerm.term, RelatedTerm.surface)
            .where(RelatedTerm.document_id.in_(wanted[start : start + 500]))
            .order_by(RelatedTerm.document_id)
        ):
            column = columns.get(term_hash(term))
            if column is not None and column not in words:
                words[column] = display_term(surface)
    return words


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
