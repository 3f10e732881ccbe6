"""check and classify: the two assessments the CLI, the API and the register run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from registry.rules.engine.context import Context, analyse_text
from registry.rules.engine.evidence import (
    ContentGap,
    best_fit_of,
    content_contradiction,
    content_gap,
    label_doubted,
    self_references,
    title_labels,
    weigh,
)
from registry.rules.engine.findings import (
    clause_ref,
    common_core_notes,
    content_rule_findings,
    definition_findings,
    metadata_findings,
    nesting_findings,
    ranked_evidence,
    related_finding,
    title_findings,
    type_label,
)
from registry.rules.engine.phrases import PHRASES
from registry.rules.engine.requests import phrase_at, requested_types
from registry.rules.engine.results import Assessment, Finding, RelatedDocument
from registry.rules.engine.suggest import suggest_request
from registry.rules.model import Ruleset
from registry.rules.weighing import Weights, confidence_word
from registry.types import same_type


def check(
    text: str, ruleset: Ruleset, *, related: Sequence[RelatedDocument] = (), weights: Weights | None = None
) -> Assessment:
    """Assess a request: which types it asks for and which its content fits."""
    ctx = analyse_text(text, ruleset, weights)
    requested = requested_types(ctx.roles)
    references = self_references(ctx)
    # The best fit is the content's own answer; a request is contradicted only by a clear margin.
    content = weigh(ctx, {}, references)
    best = best_fit_of(ctx, content, {})
    ctx.scores = content
    findings: list[Finding] = []
    findings += nesting_findings(ctx, ctx.roles, requested)
    title = ctx.units[0] if ctx.units and ctx.units[0].kind == "title" else None
    findings += title_findings(ctx, title)
    contradiction = None
    contradicting = [content_contradiction(ctx, r, references) for r in requested]
    first = contradicting[0] if contradicting else None
    if first is not None and all(contradicting):
        best = first
        contradiction = requested[0]
        findings += definition_findings(ctx, contradiction, first, what="Texten begär")
    if not requested:
        verdict = "unclear"
        findings.append(
            Finding(
                "no_requested_type",
                "info",
                "Texten säger inte vilken typ av styrdokument den begär"
                + (f"; innehållet stämmer bäst med {type_label(ruleset, best)}." if best else "."),
                clause=clause_ref(ruleset, best) if best else None,
                evidence=ranked_evidence(ctx, best) if best else [],
            )
        )
    elif any(f.severity == "error" for f in findings):
        verdict = "mismatch"
    else:
        verdict = "fits"
        if best is None:
            findings.append(
                Finding(
                    "thin_evidence",
                    "info",
                    "Texten säger för lite om innehållet för att bedöma vilken typ det passar; "
                    f"inget i den talar emot {', '.join(type_label(ruleset, r) for r in requested)}.",
                    clause=clause_ref(ruleset, requested[0]),
                    evidence=[],
                )
            )
        else:
            findings.append(
                Finding(
                    "requested_type_fits",
                    "info",
                    f"Den begärda typen ({', '.join(type_label(ruleset, r) for r in requested)}) stämmer med innehållet.",
                    clause=clause_ref(ruleset, requested[0]),
                    evidence=ranked_evidence(ctx, requested[0]),
                )
            )
    findings += common_core_notes(ruleset, [*requested, *([best] if best else [])])
    findings += related_finding(related)
    suggestion = None
    if verdict == "mismatch" and best is not None and not any(same_type(best, r) for r in requested):
        suggestion = suggest_request(ctx, ctx.roles, best)
        findings.append(
            Finding(
                "suggested_request",
                "info",
                f"En att-sats som begär den typ innehållet passar: ”{suggestion.text}”.",
                clause=clause_ref(ruleset, best),
                evidence=[],
            )
        )
    return Assessment(
        ruleset.key,
        ruleset.version,
        requested,
        best,
        ctx.scores,
        verdict,
        findings,
        list(related),
        ctx.units,
        ctx.clause_fits,
        kind="check",
        confidence=_confidence(ctx, best),
        suggested_request=suggestion,
    )


def classify(
    text: str,
    ruleset: Ruleset,
    *,
    stated_type: str | None = None,
    metadata: dict[str, Any] | None = None,
    related: Sequence[RelatedDocument] = (),
    weights: Weights | None = None,
) -> Assessment:
    """Assess a document's text, and with ``stated_type`` whether it fits that type."""
    if stated_type is not None and stated_type not in ruleset.types:
        raise KeyError(stated_type)
    ctx = analyse_text(text, ruleset, weights)
    labels = title_labels(ctx)
    if stated_type:
        labels[stated_type] = max(labels.get(stated_type, 0.0), 1.0)
    references = self_references(ctx)
    scores = weigh(ctx, labels, references)
    ctx.scores = scores
    best = best_fit_of(ctx, scores, labels)
    # The label a title gives is overruled, as a stated type is, only where the content clearly
    # fits another type.
    own_label = stated_type or (max(labels, key=lambda k: labels[k]) if labels else None)
    overruled = content_contradiction(ctx, own_label, references) if own_label else None
    if overruled:
        # The content outweighs the label: show the content's own scores, the label set aside.
        scores = weigh(ctx, {k: v for k, v in labels.items() if not same_type(k, own_label)}, references)
        ctx.scores = scores
    if overruled and not stated_type:
        best = overruled
    findings: list[Finding] = []
    title = ctx.units[0] if ctx.units and ctx.units[0].kind == "title" else None
    findings += title_findings(ctx, title)
    if own_label and label_doubted(ctx, own_label):
        needs = ruleset.types[own_label].label_needs_text or ""
        findings.append(
            Finding(
                "label_doubted",
                "warning",
                f"Titeln kallar dokumentet {type_label(ruleset, own_label)} men nämner inte det som en sådan "
                f"titel brukar nämna. {needs}".strip(),
                clause=clause_ref(ruleset, own_label),
                evidence=[title.text] if title else [],
            )
        )
    if stated_type:
        # "Här anges riktlinjer …" in a policy: the document says it holds another type.
        for role in ctx.roles:
            unit = ctx.units[role.mention.unit]
            inner = role.mention.type_key
            if unit.kind == "title" or same_type(inner, stated_type) or inner in ruleset.types[stated_type].may_contain:
                continue
            if phrase_at(unit.tokens, role.mention.token, PHRASES.containment) and role.role != "passing":
                findings.append(
                    Finding(
                        "declares_other_type",
                        # Another family is a contradiction; a plan holding a strategi is only a note.
                        "error" if ruleset.family_of(inner) != ruleset.family_of(stated_type) else "warning",
                        f"Dokumentet är registrerat som {type_label(ruleset, stated_type)} men säger själv att det "
                        f"innehåller {type_label(ruleset, inner)}.",
                        clause=clause_ref(ruleset, inner),
                        evidence=[unit.text],
                    )
                )
        if overruled is not None:
            best = overruled
            findings += definition_findings(ctx, stated_type, best, what="Dokumentet är registrerat som")
        findings += content_rule_findings(ctx, stated_type)
        if metadata:
            findings += metadata_findings(ruleset, stated_type, metadata)
    if stated_type and any(f.severity == "error" for f in findings):
        verdict = "mismatch"
    elif best is None:
        verdict = "unclear"
        findings.append(
            Finding(
                "thin_evidence",
                "info",
                "Texten säger för lite om innehållet för att avgöra vilken typ den passar.",
                clause=None,
                evidence=[],
            )
        )
    else:
        verdict = "fits"
    findings += common_core_notes(ruleset, [t for t in (stated_type, best) if t])
    findings += related_finding(related)
    return Assessment(
        ruleset.key,
        ruleset.version,
        [],
        best,
        scores,
        verdict,
        findings,
        list(related),
        ctx.units,
        ctx.clause_fits,
        stated_type=stated_type,
        kind="classify",
        confidence=_confidence(ctx, best),
    )


@dataclass(frozen=True)
class TextEvidence:
    """What the weighing sees of a text: clause matches per type, its labels and self-references."""

    clause_counts: dict[str, dict[str, int]]
    labels: dict[str, float]
    references: dict[str, int]


def text_evidence(text: str, ruleset: Ruleset) -> TextEvidence:
    """The inputs of :func:`type_logits`, for fitting the weights (benchmarks.fit_weights)."""
    ctx = analyse_text(text, ruleset, Weights())
    counts = {key: {f.clause.key: len(set(f.units)) for f in fits} for key, fits in ctx.clause_fits.items()}
    return TextEvidence(counts, title_labels(ctx), self_references(ctx))


def stated_type_gap(text: str, ruleset: Ruleset, stated: str, weights: Weights) -> ContentGap | None:
    """:func:`content_gap` for a text, for choosing the margins (benchmarks.fit_weights)."""
    ctx = analyse_text(text, ruleset, weights)
    return content_gap(ctx, stated, self_references(ctx))


def _confidence(ctx: Context, best: str | None) -> str | None:
    if best is None:
        return None
    return confidence_word(ctx.scores.get(best, 0.0), ctx.weights.thresholds)
