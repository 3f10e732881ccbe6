"""The check engine: apply a municipality's definitions to a text. Pure: no database, no I/O.

``check`` reads a request (motion, medborgarförslag, uppdrag): which types it asks for, which
type its content fits, and what the rule file says about that. ``classify`` reads a document's
text, optionally against the type it is registered as. Both return an :class:`Assessment`
whose every score and finding can be traced to sentences of the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from registry.rules.model import Clause, DocumentType, Ruleset
from registry.rules.weighing import Weights, clause_feature, confidence_word, load_weights, softmax
from registry.text.swedish import Unit, analyse, stem, tokenize
from registry.types import same_type

# Thresholds and weights live in registry.rules.weighing and rules/weights/<ruleset>.json.


# --- results ------------------------------------------------------------------------------------


@dataclass
class Finding:
    code: str
    severity: str  # error | warning | info
    message: str
    clause: dict[str, str] | None = None
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "clause": self.clause,
            "evidence": list(self.evidence),
        }


@dataclass
class RelatedDocument:
    id: str
    title: str
    type: str
    score: float
    shared_terms: list[str]
    section: str | None
    section_anchor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "type": self.type,
            "score": round(self.score, 3),
            "shared_terms": self.shared_terms,
            "section": self.section,
        }


@dataclass
class ClauseFit:
    type_key: str
    clause: Clause
    units: list[int]
    cues: list[str]


@dataclass
class Assessment:
    ruleset_key: str
    ruleset_version: str
    requested_types: list[str]
    best_fit: str | None
    scores: dict[str, float]
    verdict: str  # fits | mismatch | unclear
    findings: list[Finding]
    related_documents: list[RelatedDocument]
    #: Extra detail for the text and Markdown reports (not part of the JSON contract).
    units: list[Unit] = field(default_factory=list, repr=False)
    clause_fits: dict[str, list[ClauseFit]] = field(default_factory=dict, repr=False)
    stated_type: str | None = None
    kind: str = "check"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": {"key": self.ruleset_key, "version": self.ruleset_version},
            "requested_types": list(self.requested_types),
            "best_fit": self.best_fit,
            "scores": {k: round(v, 2) for k, v in self.scores.items()},
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "related_documents": [r.to_dict() for r in self.related_documents],
        }

    def evidence_for(self, type_key: str, limit: int = 4) -> list[str]:
        seen: list[int] = []
        for fit in self.clause_fits.get(type_key, []):
            for index in fit.units:
                if index not in seen:
                    seen.append(index)
        return [self.units[i].text for i in sorted(seen)[:limit]]


# --- the lexicon of type names ----------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    type_key: str
    unit: int
    token: int
    word: str


@dataclass(frozen=True)
class Lexicon:
    forms: dict[str, str]  # surface form -> type key
    not_names: frozenset[str]
    memo: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def type_of(self, token: str) -> str | None:
        found = self.memo.get(token, "")
        if found == "":
            found = self.memo[token] = self._type_of(token)
        return found

    def _type_of(self, token: str) -> str | None:
        """The type a word names: the word itself, or its head if it is a compound.

        Swedish compounds are head-final: "digitaliseringsstrategi" and "AI-strategi" are
        strategier, "handlingsplanen" a handlingsplan. A compound whose head is "dokument"
        takes its type from the first part: "strategidokument" asks for a strategi.
        """
        if token in self.not_names:
            return None
        if token in self.forms:
            return self.forms[token]
        for head in ("dokumentet", "dokumenten", "dokument"):
            if token.endswith(head) and len(token) > len(head):
                first = token[: -len(head)].rstrip("-")
                if first in self.forms:
                    return self.forms[first]
        # Longest head first: "handlingsplan" before "plan".
        for start in range(1, len(token) - 2):
            head = token[start:]
            if head in self.forms:
                prefix = token[:start]
                if prefix.endswith("-") or len(prefix) >= 3:
                    return self.forms[head]
                return None
        return None


@lru_cache(maxsize=64)
def type_lexicon(ruleset: Ruleset) -> Lexicon:
    forms: dict[str, str] = {}
    not_names: set[str] = set()
    # The municipality's own definitions win over inherited ones when both claim a word.
    ordered = sorted(ruleset.types.values(), key=lambda t: t.from_common_core, reverse=True)
    for document_type in ordered:
        not_names.update(document_type.not_names)
        for name in document_type.names:
            forms[name] = document_type.key
    return Lexicon(forms, frozenset(not_names))


def find_mentions(units: Sequence[Unit], lexicon: Lexicon) -> list[Mention]:
    mentions = []
    for unit in units:
        for position, token in enumerate(unit.tokens):
            type_key = lexicon.type_of(token)
            if type_key:
                mentions.append(Mention(type_key, unit.index, position, token))
    return mentions


# --- what a mention is doing in its sentence ------------------------------------------------------

_REQUEST_BEFORE = [
    "ta fram",
    "tar fram",
    "tas fram",
    "framtagande av",
    "framtagandet av",
    "ta initiativ till",
    "upprätta",
    "upprättar",
    "upprättande av",
    "införa",
    "inför",
    "införande av",
    "anta",
    "antar",
    "utarbeta",
    "utarbetar",
    "arbeta fram",
    "skapa",
    "skapar",
    "ny",
    "nytt",
    "nya",
    "förnya",
    "förnyar",
    "revidera",
    "reviderar",
    "revidering av",
    "uppdatera",
    "uppdaterar",
    "uppdatering av",
    "motion om",
    "förslag till",
    "förslag om",
    "förslag på",
    "om en",
    "om ett",
    "utreda",
    "utforma",
    "skriva",
    "tydliggöra",
    "komplettera",
    "kompletteras med",
    "föreslog",
    "föreslår",
    "behövs",
    "behöver",
]
_REQUEST_AFTER = [
    "tas fram",
    "ska tas fram",
    "bör tas fram",
    "införs",
    "antas",
    "upprättas",
    "behöver",
    "bör",
    "ska innehålla",
    "skulle tas fram",
]
_PASSING_BEFORE = [
    "enligt",
    "i enlighet med",
    "utifrån",
    "i linje med",
    "inom ramen för",
    "kopplat till",
    "med stöd av",
    "befintlig",
    "befintliga",
    "nuvarande",
    "gällande",
    "antagna",
    "antagen",
    "tidigare",
    "tagit fram",
    "har tagit fram",
    "har antagit",
    "antog",
    "i kommunens",
    "i stadens",
    "i regionens",
    "i",
    "av",
    "med",
    "från",
    "under",
    "kommande",
]
_CONTAIN = [
    "innehålla",
    "innehåller",
    "innehålls",
    "omfatta",
    "omfattar",
    "ingå",
    "ingår",
    "inkludera",
    "inkluderar",
    "anges",
    "anger",
    "tydliggör",
    "tydliggöra",
    "bestå av",
]
_NEGATION = ["inte", "ej", "aldrig", "istället för", "i stället för"]

#: "en översyn av kommunens policys", "se över riktlinjerna": about documents that exist.
_REVIEW_BEFORE = [
    "översyn av",
    "översyn",
    "se över",
    "ser över",
    "ses över",
    "utvärdera",
    "utvärdering av",
    "granska",
    "granskning av",
    "avskaffa",
    "avskaffande av",
    "upphäva",
    "upphävande av",
]
#: A list item opening with one of these is a demand ("• Utveckla rutiner för …").
_IMPERATIVE_REQUESTS = frozenset(
    {
        "utveckla",
        "ta",
        "inför",
        "införa",
        "upprätta",
        "utarbeta",
        "skapa",
        "anta",
        "arbeta",
        "tillsätt",
        "formulera",
        "besluta",
        "revidera",
        "uppdatera",
        "komplettera",
    }
)
_COORDINATORS = frozenset({"och", "samt", "eller", "respektive"})
#: What may stand between coordinated objects: articles, "nya", "en tillhörande" ...
_LINK_WORDS = frozenset(
    {
        "en",
        "ett",
        "ny",
        "nytt",
        "nya",
        "tillhörande",
        "även",
        "också",
        "därtill",
        "kommunal",
        "kommunala",
        "kommunövergripande",
        "gemensam",
        "gemensamma",
        "konkret",
        "konkreta",
        "tydliga",
        "tydlig",
        "detaljerade",
        "lokal",
        "lokala",
        "för",
        "dess",
        "därefter",
        "sedan",
        "med",
    }
)
_STRONG_PASSING_WHY = frozenset(
    {
        "enligt",
        "i enlighet med",
        "utifrån",
        "i linje med",
        "inom ramen för",
        "tagit fram",
        "har tagit fram",
        "har antagit",
        "antog",
        "antogs",
    }
)

_REQUEST_CONTEXT = ("motion", "medborgarförslag", "förslag", "uppdrag", "svar på")


def _phrase_at(tokens: Sequence[str], end: int, phrases: Iterable[str]) -> str | None:
    """A phrase whose last word ends right before ``end`` (window of a few words)."""
    for phrase in phrases:
        words = phrase.split()
        for stop in range(max(0, end - 6), end + 1):
            start = stop - len(words)
            if start >= 0 and list(tokens[start:stop]) == words:
                return phrase
    return None


def _closest_end(tokens: Sequence[str], end: int, phrases: Iterable[str]) -> int:
    """Where the nearest of the phrases before ``end`` stops (-1 when none is there)."""
    best = -1
    for phrase in phrases:
        words = phrase.split()
        for stop in range(max(0, end - 6), end + 1):
            start = stop - len(words)
            if start >= 0 and list(tokens[start:stop]) == words:
                best = max(best, stop)
    return best


def _phrase_after(tokens: Sequence[str], start: int, phrases: Iterable[str], window: int = 4) -> str | None:
    for phrase in phrases:
        words = phrase.split()
        for begin in range(start, min(len(tokens), start + window)):
            if list(tokens[begin : begin + len(words)]) == words:
                return phrase
    return None


@dataclass
class MentionRole:
    mention: Mention
    role: str  # request | passing | nested | negated | neutral
    container: str | None = None
    why: str = ""


def classify_mentions(units: Sequence[Unit], mentions: Sequence[Mention]) -> list[MentionRole]:
    by_unit: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_unit.setdefault(mention.unit, []).append(mention)
    roles: list[MentionRole] = []
    for mention in mentions:
        unit = units[mention.unit]
        tokens = unit.tokens
        before = tokens[max(0, mention.token - 6) : mention.token]
        # "en översyn av kommunens policys": a review of what exists asks for no new document.
        review = _phrase_at(tokens, mention.token, _REVIEW_BEFORE)
        if review and _closest_end(tokens, mention.token, _REVIEW_BEFORE) >= _closest_end(
            tokens, mention.token, _REQUEST_BEFORE
        ):
            roles.append(MentionRole(mention, "review", why=review))
            continue
        # "inte en policy utan en riktlinje": the first is negated.
        if "utan" in tokens[mention.token + 1 : mention.token + 6] and any(n in before[-3:] for n in ("inte", "ej")):
            roles.append(MentionRole(mention, "negated", why="inte … utan"))
            continue
        # A type named after a containment verb, with another type before it in the same
        # sentence (or in the list's lead-in): "en strategi … innehålla riktlinjer för".
        container = None
        for other in by_unit.get(mention.unit, []):
            if other.token < mention.token and other.type_key != mention.type_key:
                between = tokens[other.token + 1 : mention.token]
                if any(c in between for c in _CONTAIN) or _phrase_at(tokens, mention.token, ["bestå av"]):
                    container = other.type_key
        if container:
            roles.append(MentionRole(mention, "nested", container=container, why="innehålla"))
            continue
        strong_passing = _phrase_at(
            tokens,
            mention.token,
            [
                "enligt",
                "i enlighet med",
                "utifrån",
                "i linje med",
                "inom ramen för",
                "tagit fram",
                "har tagit fram",
                "har antagit",
                "antog",
                "antogs",
            ],
        )
        # "… som rekommenderas i Klimatanpassningsplanen": an att-sats may cite what exists.
        cites_existing = (
            mention.token > 0
            and tokens[mention.token - 1] in ("i", "enligt", "från", "under")
            and mention.word.endswith(("en", "et", "na", "n"))
        )
        if unit.in_att_sats and not strong_passing and not cites_existing:
            roles.append(MentionRole(mention, "request", why="att-sats"))
            continue
        # A title names what the text asks for, unless the text only ever refers to that type as
        # something that exists (settled after all mentions are read, in _settle_titles).
        if unit.kind == "title" and not strong_passing:
            roles.append(MentionRole(mention, "request", why="rubrik"))
            continue
        # "• Utveckla rutiner för …": a demand list whose item opens with the verb of the request.
        if (
            unit.kind == "item"
            and tokens
            and tokens[0] in _IMPERATIVE_REQUESTS
            and mention.token <= 4
            and mention == by_unit[mention.unit][0]
        ):
            roles.append(MentionRole(mention, "request", why=tokens[0]))
            continue
        request = _phrase_at(tokens, mention.token, _REQUEST_BEFORE) or _phrase_after(
            tokens, mention.token + 1, _REQUEST_AFTER
        )
        passing = (
            strong_passing
            or (
                tokens[mention.token - 1] in ("i", "enligt", "av", "med", "från", "under", "kommande")
                if mention.token > 0
                else False
            )
            or _phrase_at(
                tokens,
                mention.token,
                ["i kommunens", "i stadens", "befintlig", "befintliga", "nuvarande", "gällande", "antagna", "tidigare"],
            )
        )
        if request and not (passing and request in ("om en", "om ett", "ny", "nytt", "nya")):
            roles.append(MentionRole(mention, "request", why=request))
        elif passing:
            roles.append(MentionRole(mention, "passing", why=str(passing)))
        else:
            roles.append(MentionRole(mention, "neutral"))
    return _settle_titles(units, _coordinated_requests(units, roles))


def _settle_titles(units: Sequence[Unit], roles: list[MentionRole]) -> list[MentionRole]:
    """A title's type is not asked for when the text refers to it only as existing or reviewed
    ("Klimatanpassningsplan – uppföljning" whose att-satser cite "Klimatanpassningsplanen")."""
    out = list(roles)
    for i, role in enumerate(out):
        if role.why != "rubrik":
            continue
        others = [r for r in out if r.mention.type_key == role.mention.type_key and r.why != "rubrik"]
        if others and all(r.role in ("passing", "review") for r in others):
            out[i] = MentionRole(role.mention, "neutral", why="rubrik, texten avser ett befintligt dokument")
    return out


def _coordinated_requests(units: Sequence[Unit], roles: list[MentionRole]) -> list[MentionRole]:
    """ "ta fram en analys, en strategi och en handlingsplan": one verb, several objects.

    A type joined to a requested one in the same sentence by "och", "samt", "eller" (with at most
    an article or an adjective between) is requested too.
    """
    out = list(roles)
    for i, role in enumerate(out):
        if role.role not in ("neutral", "passing") or role.why in _STRONG_PASSING_WHY:
            continue
        for earlier in reversed(out[:i]):
            if earlier.mention.unit != role.mention.unit:
                break
            if earlier.role != "request":
                continue
            between = units[role.mention.unit].tokens[earlier.mention.token + 1 : role.mention.token]
            if (
                between
                and len(between) <= 6
                and any(t in _COORDINATORS for t in between)
                and all(t in _COORDINATORS or t in _LINK_WORDS for t in between)
            ):
                out[i] = MentionRole(role.mention, "request", why="samordnad med " + earlier.mention.word)
            break
    return out


def requested_types(roles: Sequence[MentionRole]) -> list[str]:
    """The types the text asks to be produced, in the order they first appear."""
    ordered: list[str] = []
    for role in roles:
        if role.role == "request" and role.mention.type_key not in ordered:
            ordered.append(role.mention.type_key)
    if not ordered and not any(r.why.startswith("rubrik") for r in roles):
        # No explicit request and no title: a request text is about the type it names most.
        counts: dict[str, int] = {}
        for role in roles:
            if role.role == "neutral":
                counts[role.mention.type_key] = counts.get(role.mention.type_key, 0) + 1
        if counts:
            ordered = [max(counts, key=lambda k: counts[k])]
    negated = {r.mention.type_key for r in roles if r.role == "negated"}
    return [
        t
        for t in ordered
        if t not in negated
        or any(r.role == "request" and r.mention.type_key == t and r.why == "att-sats" for r in roles)
    ]


# --- cues and definition fit ------------------------------------------------------------------------

_YEAR_SPAN = re.compile(r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d\b")
_TARGET_YEAR = re.compile(r"\b(?:år|till|senast|inför|vision)\s+20[3-9]\d\b", re.IGNORECASE)
_QUESTION_WORDS = {"hur", "inom", "vilka", "vilken", "vilket", "när", "var", "vem", "vad", "på"}
_SECOND_PERSON = {"du", "dig", "din", "ditt", "dina"}
_DUTY = {"ska", "skall", "måste"}


def _feature(name: str, unit: Unit, type_mentions: set[int]) -> bool:
    tokens = unit.tokens
    if name == "#fråga-hur":
        # "Hur ska AI användas i undervisningen?", not a bare "Hur?" in a list of questions.
        return unit.is_question and len(tokens) >= 3 and tokens[0] in _QUESTION_WORDS
    if name == "#ska-krav":
        if unit.is_question:
            return False
        for i, token in enumerate(tokens):
            if token in _DUTY:
                follow = tokens[i + 1 : i + 3]
                # "strategin ska tas fram" is about the document itself, not a requirement.
                if (i - 1) in type_mentions or (i - 2) in type_mentions:
                    continue
                if follow[:1] in (["tas"], ["ta"], ["vara"], ["bli"]) or follow[:2] == ["ligga", "till"]:
                    continue
                return True
        return False
    if name == "#förbud":
        for i, token in enumerate(tokens[:-1]):
            if token in ("får", "fick") and tokens[i + 1] in ("inte", "aldrig", "ej"):
                return True
        return any(t in ("förbjudet", "förbjuden", "förbjuds") for t in tokens)
    if name == "#du-tilltal":
        return any(t in _SECOND_PERSON for t in tokens)
    if name == "#numrerad-lista":
        # A numbered step is a sentence; "1. Förord" and "2.1 Syfte" are headings.
        return unit.kind == "item" and unit.numbered and len(tokens) >= 5
    if name == "#årsintervall":
        return bool(_YEAR_SPAN.search(unit.text))
    if name == "#målår":
        return bool(_TARGET_YEAR.search(unit.text))
    raise ValueError(f"okänt språkligt drag {name}")


@lru_cache(maxsize=4096)
def _cue_words(cue: str) -> tuple[tuple[str, str], ...]:
    return tuple((word, stem(word)) for word in tokenize(cue))


def _word_matches(token: str, token_stem: str, word: str, word_stem: str) -> bool:
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
def _cue_index(ruleset: Ruleset) -> CueIndex:
    cues = [c for t in ruleset.types.values() for clause in t.clauses for c in clause.cues]
    cues += [c for rule in ruleset.content_rules.values() for c in rule.cues]
    by_stem: dict[str, set] = {}
    by_word: dict[str, set] = {}
    by_prefix: dict[str, set] = {}
    by_head: dict[str, set] = {}
    for cue in cues:
        if cue.startswith("#"):
            continue
        for word, word_stem in _cue_words(cue):
            pair = (word, word_stem)
            by_stem.setdefault(word_stem, set()).add(pair)
            by_word.setdefault(word, set()).add(pair)
            if len(word_stem) >= 4:
                by_prefix.setdefault(word_stem, set()).add(pair)
            if len(word) >= 5:
                by_head.setdefault(word, set()).add(pair)
    freeze = lambda d: {k: tuple(v) for k, v in d.items()}  # noqa: E731
    return CueIndex(freeze(by_stem), freeze(by_word), freeze(by_prefix), freeze(by_head))


def index_units(units: Sequence[Unit], cue_index: CueIndex) -> None:
    """Record, for each unit, where every cue word of the ruleset matches."""
    for unit in units:
        positions: dict[tuple[str, str], set[int]] = {}
        for i, (token, token_stem) in enumerate(zip(unit.tokens, unit.stems)):
            for pair in cue_index.words_matching(token, token_stem):
                if _word_matches(token, token_stem, *pair):
                    positions.setdefault(pair, set()).add(i)
        unit.matches = {k: frozenset(v) for k, v in positions.items()}
        unit.matches["__indexed__"] = frozenset()


def _positions(unit: Unit, word: str, word_stem: str) -> frozenset[int]:
    key = (word, word_stem)
    if "__indexed__" in unit.matches:
        return unit.matches.get(key, frozenset())
    found = unit.matches.get(key)
    if found is None:
        found = frozenset(
            i
            for i, (token, token_stem) in enumerate(zip(unit.tokens, unit.stems))
            if _word_matches(token, token_stem, word, word_stem)
        )
        unit.matches[key] = found
    return found


def cue_in_unit(cue: str, unit: Unit, type_mentions: set[int]) -> bool:
    if cue.startswith("#"):
        return _feature(cue, unit, type_mentions)
    words = _cue_words(cue)
    if not words:
        return False
    starts: set[int] | frozenset[int] = _positions(unit, *words[0]) - type_mentions
    for offset, (word, word_stem) in enumerate(words[1:], start=1):
        if not starts:
            return False
        here = _positions(unit, word, word_stem) - type_mentions
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
        for unit in content:
            for cue in clause.cues:
                if cue_in_unit(cue, unit, mention_tokens.get(unit.index, set())):
                    matched_units.append(unit.index)
                    if cue not in matched_cues:
                        matched_cues.append(cue)
                    break
        fits.append(ClauseFit(document_type.key, clause, matched_units, matched_cues))
    return fits


_METADATA_LINE = re.compile(r"^[A-ZÅÄÖ][\wåäöÅÄÖ ./-]{1,40}:\s*\S")


def is_metadata_line(unit: Unit) -> bool:
    """ "Antagen av: Kommunfullmäktige", "Ersätter dokument: …", "Revideras: Varje mandatperiod":
    a document's record, not its content; its words must not count as evidence of a type."""
    return unit.kind != "title" and len(unit.tokens) <= 16 and bool(_METADATA_LINE.match(unit.text))


# --- the assessment ---------------------------------------------------------------------------------


def _clause_ref(ruleset: Ruleset, type_key: str, text: str | None = None) -> dict[str, str]:
    document_type = ruleset.types[type_key]
    source = document_type.source
    if document_type.from_common_core and document_type.common_core_note:
        source = f"{source} ({document_type.common_core_note})"
    return {"type": type_key, "text": text or document_type.definition, "source": source}


def _label(ruleset: Ruleset, type_key: str) -> str:
    document_type = ruleset.types.get(type_key)
    return document_type.label.lower() if document_type else type_key


def _article(ruleset: Ruleset, type_key: str) -> str:
    """ "en strategi", "ett program", "riktlinjer" — how the type is named in a sentence."""
    label = _label(ruleset, type_key)
    if label.endswith(("er", "ar", "or")) and type_key not in ("program",):
        return label
    neuter = {"program", "reglemente", "ägardirektiv"}
    return f"{'ett' if type_key in neuter else 'en'} {label}"


@dataclass
class _Context:
    ruleset: Ruleset
    units: list[Unit]
    roles: list[MentionRole]
    mention_tokens: dict[int, set[int]]
    clause_fits: dict[str, list[ClauseFit]]
    scores: dict[str, float]
    weights: Weights


def _analyse(text: str, ruleset: Ruleset, weights: Weights | None = None) -> _Context:
    units = analyse(text)
    index_units(units, _cue_index(ruleset))
    lexicon = type_lexicon(ruleset)
    mentions = find_mentions(units, lexicon)
    roles = classify_mentions(units, mentions)
    mention_tokens: dict[int, set[int]] = {}
    for mention in mentions:
        mention_tokens.setdefault(mention.unit, set()).add(mention.token)
    clause_fits = {
        key: fit_clauses(units, document_type, mention_tokens) for key, document_type in ruleset.types.items()
    }
    return _Context(ruleset, units, roles, mention_tokens, clause_fits, {}, weights or load_weights(ruleset))


def _evidence_units(fits: Sequence[ClauseFit]) -> set[int]:
    return {i for f in fits for i in f.units}


def _evidence_count(fits: Sequence[ClauseFit]) -> int:
    """Distinct (sentence, clause) pairs: one sentence showing two clauses counts twice."""
    return sum(len(set(f.units)) for f in fits)


def title_labels(ctx: _Context) -> dict[str, float]:
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
        if unit.kind == "title" or previous in _TYPE_FIELD_NAMES:
            labels.setdefault(role.mention.type_key, 1.0 if not labels else 0.5)
    return labels


#: Metadata fields that state a document's type ("Dokumenttyp: Riktlinje").
_TYPE_FIELD_NAMES = frozenset({"dokumenttyp", "dokumentslag", "dokumentkategori", "typ"})


def self_references(ctx: _Context) -> dict[str, int]:
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
            previous in ("denna", "detta", "dessa", "här")
            or (position == 0 and definite)
            # the opening says what the document sets out: "Här anges riktlinjer", "lägga fast regler"
            or (opening and _phrase_at(tokens, position, _DECLARE) is not None)
            # a subtitle that names a type: "Allmänna regler för anskaffning …"
            or (opening and position <= 1 and len(tokens) > position + 1 and tokens[position + 1] in ("för", "om"))
        )
        if declared:
            counts[role.mention.type_key] = counts.get(role.mention.type_key, 0) + 1
    return counts


#: The first units of a text, where it says what it is (after the title).
_OPENING_UNITS = 3
#: What an opening says a document does with a type it holds.
_DECLARE = [
    "anges",
    "anger",
    "innehåller",
    "lägga fast",
    "lägger fast",
    "fastställer",
    "fastslår",
    "skapa",
    "ange",
    "utgör",
    "beskriver",
    "ger",
]


def type_logits(
    ctx: _Context, weights: Weights, labels: dict[str, float], references: dict[str, int]
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


def _weigh(ctx: _Context, labels: dict[str, float], references: dict[str, int]) -> dict[str, float]:
    probabilities = softmax(type_logits(ctx, ctx.weights, labels, references))
    return {k: round(v, 3) for k, v in probabilities.items()}


def _best_fit(ctx: _Context, probabilities: dict[str, float], labels: dict[str, float]) -> str | None:
    """The most probable type among those something in the text speaks for (a label, or enough
    sentences on its definition); None when nothing does."""
    minimum = ctx.weights.thresholds.min_evidence
    candidates = [k for k in probabilities if labels.get(k) or _evidence_count(ctx.clause_fits[k]) >= minimum]
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


def content_gap(ctx: _Context, stated: str, references: dict[str, int]) -> ContentGap | None:
    """The label is left out on purpose: does what the text says outweigh what it calls itself?"""
    # What the text calls itself is label, not content; what it says it holds besides is content.
    declared_others = {k: v for k, v in references.items() if not same_type(k, stated)}
    logits = type_logits(ctx, ctx.weights, {}, declared_others)
    own = max((v for k, v in logits.items() if same_type(k, stated)), default=None)
    others = {k: v for k, v in logits.items() if not same_type(k, stated)}
    if own is None or not others:
        return None
    leader = max(others, key=lambda k: others[k])
    if _evidence_count(ctx.clause_fits[leader]) < CONTRADICTION_MIN_EVIDENCE:
        return None
    same_family = ctx.ruleset.family_of(leader) == ctx.ruleset.family_of(stated)
    return ContentGap(leader, others[leader] - own, same_family)


def content_contradiction(ctx: _Context, stated: str, references: dict[str, int]) -> str | None:
    """The type the content fits clearly better than the stated one: by a margin in score,
    larger within a family than across families."""
    found = content_gap(ctx, stated, references)
    if found is None:
        return None
    thresholds = ctx.weights.thresholds
    margin = thresholds.margin_same_family if found.same_family else thresholds.margin_other_family
    return found.leader if found.gap > margin else None


def _ranked_evidence(ctx: _Context, type_key: str, limit: int = 4) -> list[str]:
    """The sentences that show most of the definition first, then in reading order."""
    counts: dict[int, int] = {}
    for fit in ctx.clause_fits[type_key]:
        for index in set(fit.units):
            counts[index] = counts.get(index, 0) + 1
    ranked = sorted(counts, key=lambda i: (-counts[i], i))[:limit]
    return [ctx.units[i].text for i in sorted(ranked)]


def _decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _definition_findings(ctx: _Context, stated: str, best: str, *, what: str) -> list[Finding]:
    ruleset = ctx.ruleset
    stated_evidence = _ranked_evidence(ctx, stated, 3)
    best_evidence = _ranked_evidence(ctx, best, 4)
    findings = [
        Finding(
            "definition_mismatch",
            "error",
            f"{what} {_article(ruleset, stated)}, men innehållet stämmer bättre med definitionen av "
            f"{_label(ruleset, best)} ({ruleset.family_label(ruleset.family_of(best)).lower()}) "
            f"än med definitionen av {_label(ruleset, stated)}; "
            f"innehållet talar {confidence_word(ctx.scores[best], ctx.weights.thresholds)} "
            f"för {_label(ruleset, best)}.",
            clause=_clause_ref(ruleset, best),
            evidence=best_evidence,
        ),
        Finding(
            "stated_type_definition",
            "info",
            f"Så definieras {_label(ruleset, stated)} i {ruleset.name}; texten visar "
            + ("lite av detta." if stated_evidence else "inget av detta."),
            clause=_clause_ref(ruleset, stated),
            evidence=stated_evidence,
        ),
    ]
    return findings


def _nesting_findings(ctx: _Context, roles: Sequence[MentionRole], container_types: Sequence[str]) -> list[Finding]:
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
                f"Texten vill att {_article(ruleset, outer)} ska innehålla {_label(ruleset, inner)}. "
                + (
                    f"{_label(ruleset, outer).capitalize()} och {_label(ruleset, inner)} hör till olika "
                    f"familjer ({ruleset.family_label(ruleset.family_of(outer)).lower()} respektive "
                    f"{ruleset.family_label(ruleset.family_of(inner)).lower()}) och ska inte blandas "
                    "enligt definitionerna nedan."
                    if not same_family
                    else "Enligt regelfilen ska den typen inte innehålla den andra."
                ),
                clause=_clause_ref(ruleset, outer),
                evidence=evidence,
            )
        )
        findings.append(
            Finding(
                "nested_type_definition",
                "info",
                f"Så definieras {_label(ruleset, inner)} i {ruleset.name}.",
                clause=_clause_ref(ruleset, inner),
                evidence=[u.text for u in ctx.units if u.lead_in == unit.index][:4],
            )
        )
    return findings


def _title_findings(ctx: _Context, title_unit: Unit | None) -> list[Finding]:
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
    parts = [_label(ruleset, t) for t in named] + [m for m, _ in mixed_marker]
    cross_family = len(families | {f for _, f in mixed_marker}) > 1
    return [
        Finding(
            "title_mixes_types",
            "warning",
            f"Titeln blandar {' och '.join(parts)}"
            + (", som hör till olika familjer av styrdokument" if cross_family else "")
            + ". Ett styrdokument bör vara av en typ så att namnet säger vad läsaren kan vänta sig.",
            clause=_clause_ref(ruleset, named[0]) if named else None,
            evidence=[title_unit.text],
        )
    ]


def _content_rule_findings(ctx: _Context, type_key: str) -> list[Finding]:
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
                    f"{ruleset.name} säger att {_label(ruleset, type_key)} inte ska innehålla {rule.label}, "
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


def _metadata_findings(ruleset: Ruleset, type_key: str, metadata: dict[str, Any]) -> list[Finding]:
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
                clause=_clause_ref(ruleset, type_key),
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


def _common_core_notes(ruleset: Ruleset, type_keys: Iterable[str]) -> list[Finding]:
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
                    clause=_clause_ref(ruleset, key),
                    evidence=[],
                )
            )
    return notes


def _related_finding(related: Sequence[RelatedDocument]) -> list[Finding]:
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


def check(
    text: str, ruleset: Ruleset, *, related: Sequence[RelatedDocument] = (), weights: Weights | None = None
) -> Assessment:
    """Assess a request: which types it asks for and which its content fits."""
    ctx = _analyse(text, ruleset, weights)
    requested = requested_types(ctx.roles)
    references = self_references(ctx)
    # The best fit is the content's own answer; a request is contradicted only by a clear margin.
    content = _weigh(ctx, {}, references)
    best = _best_fit(ctx, content, {})
    ctx.scores = content
    findings: list[Finding] = []
    findings += _nesting_findings(ctx, ctx.roles, requested)
    title = ctx.units[0] if ctx.units and ctx.units[0].kind == "title" else None
    findings += _title_findings(ctx, title)
    contradiction = None
    contradicting = [content_contradiction(ctx, r, references) for r in requested]
    first = contradicting[0] if contradicting else None
    if first is not None and all(contradicting):
        best = first
        contradiction = requested[0]
        findings += _definition_findings(ctx, contradiction, first, what="Texten begär")
    if not requested:
        verdict = "unclear"
        findings.append(
            Finding(
                "no_requested_type",
                "info",
                "Texten säger inte vilken typ av styrdokument den begär"
                + (f"; innehållet stämmer bäst med {_label(ruleset, best)}." if best else "."),
                clause=_clause_ref(ruleset, best) if best else None,
                evidence=ctx_evidence(ctx, best) if best else [],
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
                    f"inget i den talar emot {', '.join(_label(ruleset, r) for r in requested)}.",
                    clause=_clause_ref(ruleset, requested[0]),
                    evidence=[],
                )
            )
        else:
            findings.append(
                Finding(
                    "requested_type_fits",
                    "info",
                    f"Den begärda typen ({', '.join(_label(ruleset, r) for r in requested)}) stämmer med innehållet.",
                    clause=_clause_ref(ruleset, requested[0]),
                    evidence=ctx_evidence(ctx, requested[0]),
                )
            )
    findings += _common_core_notes(ruleset, [*requested, *([best] if best else [])])
    findings += _related_finding(related)
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
    )


def ctx_evidence(ctx: _Context, type_key: str, limit: int = 4) -> list[str]:
    return _ranked_evidence(ctx, type_key, limit)


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
    ctx = _analyse(text, ruleset, weights)
    labels = title_labels(ctx)
    if stated_type:
        labels[stated_type] = max(labels.get(stated_type, 0.0), 1.0)
    references = self_references(ctx)
    scores = _weigh(ctx, labels, references)
    ctx.scores = scores
    best = _best_fit(ctx, scores, labels)
    # The label a title gives is overruled, as a stated type is, only where the content clearly
    # fits another type.
    own_label = stated_type or next((k for k, v in labels.items() if v == 1.0), None)
    overruled = content_contradiction(ctx, own_label, references) if own_label else None
    if overruled:
        # The content outweighs the label: show the content's own scores, the label set aside.
        scores = _weigh(ctx, {k: v for k, v in labels.items() if not same_type(k, own_label)}, references)
        ctx.scores = scores
    if overruled and not stated_type:
        best = overruled
    findings: list[Finding] = []
    title = ctx.units[0] if ctx.units and ctx.units[0].kind == "title" else None
    findings += _title_findings(ctx, title)
    if stated_type:
        # "Här anges riktlinjer …" in a policy: the document says it holds another type.
        for role in ctx.roles:
            unit = ctx.units[role.mention.unit]
            inner = role.mention.type_key
            if unit.kind == "title" or same_type(inner, stated_type) or inner in ruleset.types[stated_type].may_contain:
                continue
            if _phrase_at(unit.tokens, role.mention.token, _CONTAIN) and role.role != "passing":
                findings.append(
                    Finding(
                        "declares_other_type",
                        # Another family is a contradiction; a plan holding a strategi is only a note.
                        "error" if ruleset.family_of(inner) != ruleset.family_of(stated_type) else "warning",
                        f"Dokumentet är registrerat som {_label(ruleset, stated_type)} men säger själv att det "
                        f"innehåller {_label(ruleset, inner)}.",
                        clause=_clause_ref(ruleset, inner),
                        evidence=[unit.text],
                    )
                )
        if overruled is not None:
            best = overruled
            findings += _definition_findings(ctx, stated_type, best, what="Dokumentet är registrerat som")
        findings += _content_rule_findings(ctx, stated_type)
        if metadata:
            findings += _metadata_findings(ruleset, stated_type, metadata)
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
    findings += _common_core_notes(ruleset, [t for t in (stated_type, best) if t])
    findings += _related_finding(related)
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
    )


@dataclass(frozen=True)
class TextEvidence:
    """What the weighing sees of a text: clause matches per type, its labels and self-references."""

    clause_counts: dict[str, dict[str, int]]
    labels: dict[str, float]
    references: dict[str, int]


def text_evidence(text: str, ruleset: Ruleset) -> TextEvidence:
    """The inputs of :func:`type_logits`, for fitting the weights (benchmarks.fit_weights)."""
    ctx = _analyse(text, ruleset, Weights())
    counts = {key: {f.clause.key: len(set(f.units)) for f in fits} for key, fits in ctx.clause_fits.items()}
    return TextEvidence(counts, title_labels(ctx), self_references(ctx))


def stated_type_gap(text: str, ruleset: Ruleset, stated: str, weights: Weights) -> ContentGap | None:
    """:func:`content_gap` for a text, for choosing the margins (benchmarks.fit_weights)."""
    ctx = _analyse(text, ruleset, weights)
    return content_gap(ctx, stated, self_references(ctx))
