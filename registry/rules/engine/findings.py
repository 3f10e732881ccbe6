"""The findings an assessment reports, each quoting a definition clause and the evidence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from registry.rules.engine.context import Context
from registry.rules.engine.cues import cue_in_unit
from registry.rules.engine.requests import MentionRole
from registry.rules.engine.results import Finding, RelatedDocument
from registry.rules.model import Ruleset
from registry.rules.weighing import confidence_word
from registry.text.swedish import Unit


def clause_ref(ruleset: Ruleset, type_key: str, text: str | None = None) -> dict[str, str]:
    document_type = ruleset.types[type_key]
    source = document_type.source
    if document_type.from_common_core and document_type.common_core_note:
        source = f"{source} ({document_type.common_core_note})"
    return {"type": type_key, "text": text or document_type.definition, "source": source}


def type_label(ruleset: Ruleset, type_key: str) -> str:
    document_type = ruleset.types.get(type_key)
    return document_type.label.lower() if document_type else type_key


def with_article(ruleset: Ruleset, type_key: str) -> str:
    """ "en strategi", "ett program", "riktlinjer" — how the type is named in a sentence."""
    label = type_label(ruleset, type_key)
    if label.endswith(("er", "ar", "or")) and type_key not in ("program",):
        return label
    neuter = {"program", "reglemente", "ägardirektiv"}
    return f"{'ett' if type_key in neuter else 'en'} {label}"


def ranked_evidence(ctx: Context, type_key: str, limit: int = 4) -> list[str]:
    """The sentences that show most of the definition first, then in reading order."""
    counts: dict[int, int] = {}
    for fit in ctx.clause_fits[type_key]:
        for index in set(fit.units):
            counts[index] = counts.get(index, 0) + 1
    ranked = sorted(counts, key=lambda i: (-counts[i], i))[:limit]
    return [ctx.units[i].text for i in sorted(ranked)]


def definition_findings(ctx: Context, stated: str, best: str, *, what: str) -> list[Finding]:
    ruleset = ctx.ruleset
    stated_evidence = ranked_evidence(ctx, stated, 3)
    best_evidence = ranked_evidence(ctx, best, 4)
    findings = [
        Finding(
            "definition_mismatch",
            "error",
            f"{what} {with_article(ruleset, stated)}, men innehållet stämmer bättre med definitionen av "
            f"{type_label(ruleset, best)} ({ruleset.family_label(ruleset.family_of(best)).lower()}) "
            f"än med definitionen av {type_label(ruleset, stated)}; "
            f"innehållet talar {confidence_word(ctx.scores[best], ctx.weights.thresholds)} "
            f"för {type_label(ruleset, best)}.",
            clause=clause_ref(ruleset, best),
            evidence=best_evidence,
        ),
        Finding(
            "stated_type_definition",
            "info",
            f"Så definieras {type_label(ruleset, stated)} i {ruleset.name}; texten visar "
            + ("lite av detta." if stated_evidence else "inget av detta."),
            clause=clause_ref(ruleset, stated),
            evidence=stated_evidence,
        ),
    ]
    return findings


def nesting_findings(ctx: Context, roles: Sequence[MentionRole], container_types: Sequence[str]) -> list[Finding]:
    ruleset = ctx.ruleset
    findings = []
    for role in roles:
        if role.role != "nested" or role.container not in ruleset.types:
            continue
        inner, outer = role.mention.type_key, role.container
        if outer not in container_types or inner in ruleset.types[outer].may_contain:
            continue
        same_family = ruleset.family_of(inner) == ruleset.family_of(outer)
        unit = ctx.units[role.mention.unit]
        evidence = [unit.text] + [u.text for u in ctx.units if u.lead_in == unit.index][:4]
        findings.append(
            Finding(
                "type_contains_other_type",
                "warning" if same_family else "error",
                f"Texten vill att {with_article(ruleset, outer)} ska innehålla {type_label(ruleset, inner)}. "
                + (
                    f"{type_label(ruleset, outer).capitalize()} och {type_label(ruleset, inner)} hör till olika "
                    f"familjer ({ruleset.family_label(ruleset.family_of(outer)).lower()} respektive "
                    f"{ruleset.family_label(ruleset.family_of(inner)).lower()}) och ska inte blandas "
                    "enligt kommunens definitioner."
                    if not same_family
                    else "Enligt regelfilen ska den typen inte innehålla den andra."
                ),
                clause=clause_ref(ruleset, outer),
                evidence=evidence,
            )
        )
        findings.append(
            Finding(
                "nested_type_definition",
                "info",
                f"Så definieras {type_label(ruleset, inner)} i {ruleset.name}.",
                clause=clause_ref(ruleset, inner),
                evidence=[u.text for u in ctx.units if u.lead_in == unit.index][:4],
            )
        )
    return findings


def title_findings(ctx: Context, title_unit: Unit | None) -> list[Finding]:
    """ "Mål och riktlinjer för …", "Policy och riktlinjer för …": one title, two kinds of document."""
    if title_unit is None:
        return []
    ruleset = ctx.ruleset
    named = []
    for role in ctx.roles:
        if role.mention.unit == title_unit.index and role.mention.type_key not in named:
            named.append(role.mention.type_key)
    markers = []
    for family in ruleset.families.values():
        for marker in family.title_markers:
            if marker in title_unit.tokens:
                markers.append((marker, family.key))
    families = {ruleset.family_of(t) for t in named}
    mixed_marker = [(m, f) for m, f in markers if named and f not in families]
    if len(named) < 2 and not mixed_marker:
        return []
    parts = [type_label(ruleset, t) for t in named] + [m for m, _ in mixed_marker]
    cross_family = len(families | {f for _, f in mixed_marker}) > 1
    return [
        Finding(
            "title_mixes_types",
            "warning",
            f"Titeln blandar {' och '.join(parts)}"
            + (", som hör till olika familjer av styrdokument" if cross_family else "")
            + ". Ett styrdokument bör vara av en typ så att namnet säger vad läsaren kan vänta sig.",
            clause=clause_ref(ruleset, named[0]) if named else None,
            evidence=[title_unit.text],
        )
    ]


def content_rule_findings(ctx: Context, type_key: str) -> list[Finding]:
    ruleset = ctx.ruleset
    document_type = ruleset.types[type_key]
    findings = []
    for rule_key in document_type.must_not_contain:
        rule = ruleset.content_rules[rule_key]
        hits = [
            u.text
            for u in ctx.units
            if u.kind != "title" and any(cue_in_unit(c, u, ctx.mention_tokens.get(u.index, set())) for c in rule.cues)
        ]
        if hits:
            findings.append(
                Finding(
                    "forbidden_content",
                    "error",
                    f"{ruleset.name} säger att {type_label(ruleset, type_key)} inte ska innehålla {rule.label}, "
                    f"men texten gör det.",
                    clause={
                        "type": type_key,
                        "text": f"Får inte innehålla {rule.label}.",
                        "source": rule.source or document_type.source,
                    },
                    evidence=hits[:4],
                )
            )
    return findings


def metadata_findings(ruleset: Ruleset, type_key: str, metadata: dict[str, Any]) -> list[Finding]:
    document_type = ruleset.types[type_key]
    findings = []
    level = metadata.get("adopted_by_level")
    organ = metadata.get("adopted_by") or level
    if level and document_type.adopted_by and level not in document_type.adopted_by:
        findings.append(
            Finding(
                "organ_not_allowed",
                "error",
                f"{document_type.label} antas enligt {ruleset.name} av {', '.join(document_type.adopted_by)}; "
                f"det här dokumentet är antaget av {organ} ({level}).",
                clause=clause_ref(ruleset, type_key),
                evidence=[],
            )
        )
    rule = document_type.parent_rule
    if rule and (not rule.when_adopted_by or level in rule.when_adopted_by):
        parents = set(metadata.get("parent_types") or [])
        if not parents & set(rule.parents):
            findings.append(
                Finding(
                    "missing_parent",
                    "warning",
                    f"{document_type.label} som antas av {level or 'detta organ'} ska enligt {ruleset.name} "
                    f"stödja ett överordnat dokument ({', '.join(rule.parents)}), men ingen sådan koppling finns.",
                    clause={
                        "type": type_key,
                        "text": rule.text or document_type.definition,
                        "source": document_type.source,
                    },
                    evidence=[],
                )
            )
    for missing, label in (("owner", "dokumentansvarig"), ("adopted_by", "beslutande organ")):
        if metadata.get("check_metadata") and not metadata.get(missing):
            findings.append(Finding("missing_metadata", "info", f"Uppgift saknas: {label}.", clause=None, evidence=[]))
    return findings


def common_core_notes(ruleset: Ruleset, type_keys: Iterable[str]) -> list[Finding]:
    notes = []
    for key in dict.fromkeys(type_keys):
        document_type = ruleset.types.get(key)
        if document_type and document_type.from_common_core:
            notes.append(
                Finding(
                    "definition_from_common_core",
                    "info",
                    document_type.common_core_note
                    or f"Definitionen av {document_type.label.lower()} kommer från den gemensamma kärnan.",
                    clause=clause_ref(ruleset, key),
                    evidence=[],
                )
            )
    return notes


def related_finding(related: Sequence[RelatedDocument]) -> list[Finding]:
    if not related:
        return []
    names = "; ".join(f"{r.title}" + (f" (avsnittet {r.section})" if r.section else "") for r in related[:6])
    return [
        Finding(
            "related_documents",
            "info",
            f"Registret har redan {len(related)} dokument som berör samma ämne: {names}.",
            clause=None,
            evidence=[],
        )
    ]
