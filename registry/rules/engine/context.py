"""One text analysed against one ruleset: units, type mentions and their roles, clause fits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from registry.limits import analysed_part
from registry.rules.engine.cues import cue_index_of, fit_clauses, index_units
from registry.rules.engine.lexicon import find_mentions, type_lexicon
from registry.rules.engine.requests import MentionRole, classify_mentions
from registry.rules.engine.results import ClauseFit
from registry.rules.model import Ruleset
from registry.rules.weighing import Weights, load_weights
from registry.text.swedish import Unit, analyse


@dataclass
class Context:
    ruleset: Ruleset
    units: list[Unit]
    roles: list[MentionRole]
    mention_tokens: dict[int, set[int]]
    clause_fits: dict[str, list[ClauseFit]]
    scores: dict[str, float]
    weights: Weights


def analyse_text(text: str, ruleset: Ruleset, weights: Weights | None = None) -> Context:
    # Bounded whatever the caller: a document longer than the limit is read on its first part.
    units = analyse(analysed_part(text))
    index_units(units, cue_index_of(ruleset))
    lexicon = type_lexicon(ruleset)
    mentions = find_mentions(units, lexicon)
    roles = classify_mentions(units, mentions)
    mention_tokens: dict[int, set[int]] = {}
    for mention in mentions:
        mention_tokens.setdefault(mention.unit, set()).add(mention.token)
    clause_fits = {
        key: fit_clauses(units, document_type, mention_tokens) for key, document_type in ruleset.types.items()
    }
    return Context(ruleset, units, roles, mention_tokens, clause_fits, {}, weights or load_weights(ruleset))


def evidence_count(fits: Sequence[ClauseFit]) -> int:
    """Distinct (sentence, clause) pairs: one sentence showing two clauses counts twice."""
    return sum(len(set(f.units)) for f in fits)
