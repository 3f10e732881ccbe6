"""Weighing the evidence: the label a text gives itself, what it says it holds, and its content."""

from __future__ import annotations

from dataclasses import dataclass

from registry.rules.engine.context import Context, evidence_count
from registry.rules.engine.phrases import PHRASES
from registry.rules.engine.requests import phrase_at
from registry.rules.weighing import Weights, clause_feature, softmax
from registry.types import same_type

#: The strength of a label its own definition doubts (see label_doubted), against 1.0.
DOUBTED_LABEL = 0.5


def title_labels(ctx: Context) -> dict[str, float]:
    """The types a text names in its title: the first one fully, any later one by half.

    "Tjänstefordonspolicy" labels a policy; "Regler för AI / Guide för AI" labels regler first and
    a vägledning second.
    """
    labels: dict[str, float] = {}
    for role in ctx.roles:
        if role.role == "negated":
            continue
        unit = ctx.units[role.mention.unit]
        previous = unit.tokens[role.mention.token - 1] if role.mention.token else ""
        # "Dokumenttyp: Reglemente" in a document's metadata block names its type as plainly.
        # A letterhead may stand first ("BARN- OCH UTBILDNINGSFÖRVALTNINGEN"); then the line
        # after it that opens with a type word is the title ("Delegeringsordning för …").
        after_letterhead = (
            unit.index == 1
            and role.mention.token == 0
            and bool(ctx.units)
            and ctx.units[0].kind == "title"
            and not any(ctx.units[r.mention.unit].kind == "title" for r in ctx.roles)
        )
        if unit.kind == "title" or previous in PHRASES.type_fields or after_letterhead:
            strength = 1.0 if not labels else 0.5
            if label_doubted(ctx, role.mention.type_key):
                strength = min(strength, DOUBTED_LABEL)
            labels.setdefault(role.mention.type_key, strength)
    return labels


def label_doubted(ctx: Context, type_key: str) -> bool:
    """Whether the title names the type but not what its definition says a title of it names
    ("Arvodesreglemente för förtroendevalda": a reglemente that names no nämnd)."""
    document_type = ctx.ruleset.types.get(type_key)
    if document_type is None or not document_type.label_needs or not ctx.units or ctx.units[0].kind != "title":
        return False
    words = ctx.units[0].tokens
    return not any(need in word for word in words for need in document_type.label_needs)


def self_references(ctx: Context) -> dict[str, int]:
    """How often the text says what it is or holds: "Denna handlingsplan …", "Policyn anger …",
    "Här anges riktlinjer …", a subtitle "Allmänna regler för …", "skapa enkla och klara regler"."""
    counts: dict[str, int] = {}
    for role in ctx.roles:
        unit = ctx.units[role.mention.unit]
        if unit.kind == "title" or role.role in ("negated", "passing", "review"):
            continue
        tokens = unit.tokens
        position = role.mention.token
        previous = tokens[position - 1] if position else ""
        definite = role.mention.word.endswith(("en", "n", "et", "na"))
        opening = unit.index <= _OPENING_UNITS
        declared = (
            previous in PHRASES.demonstratives
            or (position == 0 and definite)
            # the opening says what the document sets out: "Här anges riktlinjer", "lägga fast regler"
            or (opening and phrase_at(tokens, position, PHRASES.declaration_verbs) is not None)
            # a subtitle that names a type: "Allmänna regler för anskaffning …"
            or (opening and position <= 1 and len(tokens) > position + 1 and tokens[position + 1] in ("för", "om"))
        )
        if declared:
            counts[role.mention.type_key] = counts.get(role.mention.type_key, 0) + 1
    return counts


#: The first units of a text, where it says what it is (after the title).
_OPENING_UNITS = 3


def type_logits(
    ctx: Context, weights: Weights, labels: dict[str, float], references: dict[str, int]
) -> dict[str, float]:
    """Each type's score, as the sum :mod:`registry.rules.weighing` describes."""
    logits: dict[str, float] = {}
    for key, fits in ctx.clause_fits.items():
        score = weights.bias.get(key, 0.0)
        score += weights.label * labels.get(key, 0.0)
        score += weights.self_reference * clause_feature(min(references.get(key, 0), 3))
        for fit in fits:
            weight = weights.clause_weight(key, fit.clause.key, fit.clause.weight)
            score += weight * clause_feature(len(set(fit.units)))
        logits[key] = score
    return logits


def weigh(ctx: Context, labels: dict[str, float], references: dict[str, int]) -> dict[str, float]:
    probabilities = softmax(type_logits(ctx, ctx.weights, labels, references))
    return {k: round(v, 3) for k, v in probabilities.items()}


def best_fit_of(ctx: Context, probabilities: dict[str, float], labels: dict[str, float]) -> str | None:
    """The most probable type among those something in the text speaks for (a label, or enough
    sentences on its definition); None when nothing does."""
    minimum = ctx.weights.thresholds.min_evidence
    candidates = [k for k in probabilities if labels.get(k) or evidence_count(ctx.clause_fits[k]) >= minimum]
    if not candidates:
        return None
    return max(candidates, key=lambda k: (probabilities[k], -list(probabilities).index(k)))


#: A label is never overruled on one sentence: the content must show the other type twice.
CONTRADICTION_MIN_EVIDENCE = 2


@dataclass(frozen=True)
class ContentGap:
    """How far the content alone favours its leading other type over the stated one."""

    leader: str
    gap: float
    same_family: bool
    #: The definition itself doubts the label (see label_doubted): any lead of the content counts.
    doubted: bool = False


def content_gap(ctx: Context, stated: str, references: dict[str, int]) -> ContentGap | None:
    """The label is left out on purpose: does what the text says outweigh what it calls itself?"""
    # What the text calls itself is label, not content; what it says it holds besides is content.
    declared_others = {k: v for k, v in references.items() if not same_type(k, stated)}
    logits = type_logits(ctx, ctx.weights, {}, declared_others)
    own = max((v for k, v in logits.items() if same_type(k, stated)), default=None)
    doubted = label_doubted(ctx, stated)
    family = ctx.ruleset.families.get(ctx.ruleset.family_of(stated) or "")
    # A delegationsordning full of "ska" is still one: binding content is what its name promises.
    compatible = () if doubted or family is None else family.not_contradicted_by
    others = {k: v for k, v in logits.items() if not same_type(k, stated) and k not in compatible}
    if own is None or not others:
        return None
    leader = max(others, key=lambda k: others[k])
    if evidence_count(ctx.clause_fits[leader]) < CONTRADICTION_MIN_EVIDENCE:
        return None
    same_family = ctx.ruleset.family_of(leader) == ctx.ruleset.family_of(stated)
    return ContentGap(leader, others[leader] - own, same_family, doubted)


def content_contradiction(ctx: Context, stated: str, references: dict[str, int]) -> str | None:
    """The type the content fits clearly better than the stated one: by a margin in score,
    larger within a family than across families."""
    found = content_gap(ctx, stated, references)
    if found is None:
        return None
    thresholds = ctx.weights.thresholds
    margin = thresholds.margin_same_family if found.same_family else thresholds.margin_other_family
    if found.doubted:
        margin = 0.0  # the definition itself doubts the label: the content need only lead
    return found.leader if found.gap > margin else None
