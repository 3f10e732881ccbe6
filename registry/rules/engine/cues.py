"""Cues and definition fit: where each clause of each definition shows in the text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from registry.rules.engine.phrases import FEATURES, PHRASES
from registry.rules.engine.results import ClauseFit
from registry.rules.model import DocumentType, Ruleset
from registry.text.swedish import Unit, stem, tokenize

#: A Swedish statute number, "(2001:453)", "SFS 2017:725".
_LAW_REFERENCE = re.compile(r"\(?(?:SFS\s*)?(?:18|19|20)\d\d:\d{1,4}\)?")
_YEAR_SPAN = re.compile(r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d\b")
_TARGET_YEAR = re.compile(r"\b(?:år|till|senast|inför|vision)\s+20[3-9]\d\b", re.IGNORECASE)


#: The ``#name`` cues this engine knows; the rule linter refuses any other.
FEATURE_NAMES = frozenset(FEATURES)


def linguistic_feature(name: str, unit: Unit, type_mentions: set[int]) -> bool:
    tokens = unit.tokens
    if name == "#fråga-hur":
        # "Hur ska AI användas i undervisningen?", not a bare "Hur?" in a list of questions.
        return unit.is_question and len(tokens) >= 3 and tokens[0] in PHRASES.question_words
    if name == "#ska-krav":
        if unit.is_question:
            return False
        for i, token in enumerate(tokens):
            if token in PHRASES.duty:
                follow = tokens[i + 1 : i + 3]
                # "strategin ska tas fram" is about the document itself, not a requirement.
                if (i - 1) in type_mentions or (i - 2) in type_mentions:
                    continue
                if (follow and follow[0] in PHRASES.not_duty_after) or follow[:2] == ["ligga", "till"]:
                    continue
                if _is_aim(follow):
                    continue
                return True
        return False
    if name == "#förbud":
        for i, token in enumerate(tokens[:-1]):
            if token in ("får", "fick") and tokens[i + 1] in ("inte", "aldrig", "ej"):
                return True
        return any(t in ("förbjudet", "förbjuden", "förbjuds") for t in tokens)
    if name == "#du-tilltal":
        return any(t in PHRASES.second_person for t in tokens)
    if name == "#numrerad-lista":
        # A numbered step is a sentence; "1. Förord" and "2.1 Syfte" are headings, and
        # "2. hälso- och sjukvårdslagen (1982:763)" cites a law.
        return unit.kind == "item" and unit.numbered and len(tokens) >= 5 and not _LAW_REFERENCE.search(unit.text)
    if name == "#årsintervall":
        return bool(_YEAR_SPAN.search(unit.text))
    if name == "#målår":
        return bool(_TARGET_YEAR.search(unit.text))
    raise ValueError(f"okänt språkligt drag {name}")


def _is_aim(follow: Sequence[str]) -> bool:
    """ "ska öka", "ska successivt minska": what follows "ska" is a change to reach, not a duty."""
    if not follow:
        return False
    if follow[0] in PHRASES.aim_after:
        return True
    return len(follow) > 1 and follow[0] in PHRASES.aim_adverbs and follow[1] in PHRASES.aim_after


@lru_cache(maxsize=4096)
def cue_words(cue: str) -> tuple[tuple[str, str], ...]:
    return tuple((word, stem(word)) for word in tokenize(cue))


def word_matches(token: str, token_stem: str, word: str, word_stem: str) -> bool:
    if token_stem == word_stem or token == word:
        return True
    # Prefix for inflections the stemmer misses ("prioritering" for "prioritera"), but not
    # for long compounds: "ansvarsfördelning" does not show "ansvarar".
    if len(word_stem) >= 4 and token.startswith(word_stem) and len(token) <= len(word_stem) + 4:
        return True
    # Compound head: "utvecklingsområde" shows "område", "effektmål" does not show "mål" (short).
    return len(word) >= 5 and token.endswith(word)


@dataclass(frozen=True)
class CueIndex:
    """Every cue word of a ruleset, findable from a token in a few dictionary lookups."""

    by_stem: dict[str, tuple[tuple[str, str], ...]]
    by_word: dict[str, tuple[tuple[str, str], ...]]
    by_prefix: dict[str, tuple[tuple[str, str], ...]]
    by_head: dict[str, tuple[tuple[str, str], ...]]

    def words_matching(self, token: str, token_stem: str) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set(self.by_stem.get(token_stem, ()))
        found.update(self.by_word.get(token, ()))
        for length in range(max(4, len(token) - 4), len(token) + 1):
            found.update(self.by_prefix.get(token[:length], ()))
        for start in range(0, len(token) - 4):
            found.update(self.by_head.get(token[start:], ()))
        return found


@lru_cache(maxsize=64)
def cue_index_of(ruleset: Ruleset) -> CueIndex:
    cues = [c for t in ruleset.types.values() for clause in t.clauses for c in clause.cues]
    cues += [c for rule in ruleset.content_rules.values() for c in rule.cues]
    by_stem: dict[str, set[tuple[str, str]]] = {}
    by_word: dict[str, set[tuple[str, str]]] = {}
    by_prefix: dict[str, set[tuple[str, str]]] = {}
    by_head: dict[str, set[tuple[str, str]]] = {}
    for cue in cues:
        if cue.startswith("#"):
            continue
        for word, word_stem in cue_words(cue):
            pair = (word, word_stem)
            by_stem.setdefault(word_stem, set()).add(pair)
            by_word.setdefault(word, set()).add(pair)
            if len(word_stem) >= 4:
                by_prefix.setdefault(word_stem, set()).add(pair)
            if len(word) >= 5:
                by_head.setdefault(word, set()).add(pair)
    return CueIndex(_frozen(by_stem), _frozen(by_word), _frozen(by_prefix), _frozen(by_head))


def _frozen(index: dict[str, set[tuple[str, str]]]) -> dict[str, tuple[tuple[str, str], ...]]:
    return {key: tuple(pairs) for key, pairs in index.items()}


def index_units(units: Sequence[Unit], cue_index: CueIndex) -> None:
    """Record, for each unit, where every cue word of the ruleset matches."""
    for unit in units:
        positions: dict[tuple[str, str], set[int]] = {}
        for i, (token, token_stem) in enumerate(zip(unit.tokens, unit.stems)):
            for pair in cue_index.words_matching(token, token_stem):
                if word_matches(token, token_stem, *pair):
                    positions.setdefault(pair, set()).add(i)
        unit.matches = {k: frozenset(v) for k, v in positions.items()}
        unit.matches["__indexed__"] = frozenset()


def positions(unit: Unit, word: str, word_stem: str) -> frozenset[int]:
    key = (word, word_stem)
    if "__indexed__" in unit.matches:
        found: frozenset[int] = unit.matches.get(key, frozenset())
        return found
    cached: frozenset[int] | None = unit.matches.get(key)
    if cached is not None:
        return cached
    found = frozenset(
        i
        for i, (token, token_stem) in enumerate(zip(unit.tokens, unit.stems))
        if word_matches(token, token_stem, word, word_stem)
    )
    unit.matches[key] = found
    return found


def cue_in_unit(cue: str, unit: Unit, type_mentions: set[int]) -> bool:
    if cue.startswith("#"):
        return linguistic_feature(cue, unit, type_mentions)
    words = cue_words(cue)
    # Cheap test first: in an indexed unit, a cue whose first word it lacks cannot match there.
    if not words or ("__indexed__" in unit.matches and words[0] not in unit.matches):
        return False
    starts: set[int] | frozenset[int] = positions(unit, *words[0]) - type_mentions
    for offset, (word, word_stem) in enumerate(words[1:], start=1):
        if not starts:
            return False
        here = positions(unit, word, word_stem) - type_mentions
        starts = {p for p in starts if p + offset in here}
    return bool(starts)


def fit_clauses(
    units: Sequence[Unit], document_type: DocumentType, mention_tokens: dict[int, set[int]]
) -> list[ClauseFit]:
    fits = []
    content = [u for u in units if not is_metadata_line(u)]
    for clause in document_type.clauses:
        matched_units: list[int] = []
        matched_cues: list[str] = []
        cues = _first_words(clause.cues)
        for unit in content:
            # An indexed unit knows which cue words it holds: a cue whose first word is not among
            # them is passed over here, without a call (thousands of them per text).
            indexed = "__indexed__" in unit.matches
            for cue, first in cues:
                if indexed and first is not None and first not in unit.matches:
                    continue
                if cue_in_unit(cue, unit, mention_tokens.get(unit.index, set())):
                    matched_units.append(unit.index)
                    if cue not in matched_cues:
                        matched_cues.append(cue)
                    break
        fits.append(ClauseFit(document_type.key, clause, matched_units, matched_cues))
    return fits


@lru_cache(maxsize=1024)
def _first_words(cues: tuple[str, ...]) -> tuple[tuple[str, tuple[str, str] | None], ...]:
    """Each cue with the word its match must begin with (none for a linguistic feature)."""
    return tuple((cue, None if cue.startswith("#") or not cue_words(cue) else cue_words(cue)[0]) for cue in cues)


_METADATA_LINE = re.compile(r"^[A-ZÅÄÖ][\wåäöÅÄÖ ./-]{1,40}:\s*\S")


def is_metadata_line(unit: Unit) -> bool:
    """ "Antagen av: Kommunfullmäktige", "Ersätter dokument: …", "Revideras: Varje mandatperiod":
    a document's record, not its content; its words must not count as evidence of a type."""
    return unit.kind != "title" and len(unit.tokens) <= 16 and bool(_METADATA_LINE.match(unit.text))
