"""Find documents in the register that already cover a text's topic. Pure: no database.

An inverted index of Swedish stems over titles, topics, summaries and sections, scored by
tf-idf cosine. Type words ("strategi", "riktlinjer") and the heads of compounds that are type
words are left out: two documents are related by what they are about, not by what they are.
Every match is explained by the terms it shares and the section where they occur.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from registry.limits import analysed_part
from registry.rules.engine import Lexicon, RelatedDocument
from registry.text.swedish import stem, tokenize

#: Words too common in municipal text to say what a document is about.
STOPWORDS = frozenset(
    [
        "och",
        "i",
        "att",
        "det",
        "som",
        "en",
        "på",
        "är",
        "av",
        "för",
        "med",
        "till",
        "den",
        "har",
        "de",
        "inte",
        "om",
        "ett",
        "han",
        "men",
        "var",
        "jag",
        "sig",
        "från",
        "vi",
        "så",
        "kan",
        "man",
        "när",
        "år",
        "sin",
        "ska",
        "skall",
        "skulle",
        "kunna",
        "blir",
        "bli",
        "vara",
        "varit",
        "eller",
        "där",
        "vad",
        "här",
        "alla",
        "andra",
        "detta",
        "denna",
        "dessa",
        "också",
        "även",
        "samt",
        "bland",
        "annat",
        "genom",
        "mot",
        "under",
        "över",
        "efter",
        "utan",
        "hur",
        "vilka",
        "vilken",
        "vilket",
        "inom",
        "mellan",
        "sådan",
        "sådant",
        "sådana",
        "dess",
        "deras",
        "vår",
        "våra",
        "vårt",
        "ni",
        "du",
        "dig",
        "din",
        "ditt",
        "dina",
        "mer",
        "mycket",
        "många",
        "både",
        "redan",
        "nya",
        "ny",
        "nytt",
        "olika",
        "viss",
        "vissa",
        "del",
        "delar",
        "sätt",
        "fram",
        "behöver",
        "behov",
        "bör",
        "får",
        "kommer",
        "gäller",
        "finns",
        "utifrån",
        "enligt",
        "ta",
        "tas",
        "tagit",
        "göra",
        "gör",
        "gjort",
        "ges",
        "ge",
        "kommun",
        "kommunen",
        "kommunens",
        "kommuner",
        "kommunal",
        "kommunala",
        "kommunalt",
        "verksamhet",
        "verksamheten",
        "verksamheter",
        "verksamheternas",
        "arbete",
        "arbeta",
        "arbetet",
        "fråga",
        "frågor",
        "frågan",
        "område",
        "områden",
        "området",
        "syfte",
        "dokument",
        "dokumentet",
        "dokumenten",
        "kommunstyrelsen",
        "kommunfullmäktige",
        "fullmäktige",
        "nämnd",
        "nämnden",
        "nämnder",
        "förvaltning",
        "förvaltningen",
        "förslag",
        "motion",
        "motionen",
        "beslut",
        "beslutet",
        "viktig",
        "viktigt",
        "stöd",
        "exempel",
        "använda",
        "används",
        "användning",
        "hjälp",
        "dem",
        "dom",
        "oss",
        "berör",
        "berörs",
        "berörde",
        "innan",
        "ger",
        "ges",
        "interna",
        "intern",
        "gäller",
        "gällande",
        "beslutade",
        "sina",
        "sitt",
        "hela",
        "helt",
        "samtliga",
        "vid",
        "ut",
        "upp",
        "bara",
        "än",
        "då",
        "nu",
        "sedan",
        "ju",
    ]
)


class RelatedSource(Protocol):
    """Where related documents come from: this in-memory index, or the stored one
    (registry.similarity.related_store) that the register uses."""

    def related(
        self, text: str, *, limit: int = 8, min_score: float = 0.08, exclude: Sequence[str] = ()
    ) -> list[RelatedDocument]: ...


@dataclass(frozen=True)
class SectionSnapshot:
    anchor: str
    heading: str
    text: str


@dataclass(frozen=True)
class DocumentSnapshot:
    """What the index needs of a document: plain values, so the engine stays database-free."""

    id: str
    title: str
    type: str
    topics: tuple[str, ...] = ()
    summary: str = ""
    text: str = ""
    sections: tuple[SectionSnapshot, ...] = ()


@dataclass
class _Entry:
    snapshot: DocumentSnapshot
    terms: Counter[str]
    sections: list[tuple[SectionSnapshot, Counter[str]]] = field(default_factory=list)


def content_terms(text: str, lexicon: Lexicon | None) -> list[tuple[str, str]]:
    """(stem, surface) pairs for the words that carry a text's topic."""
    memo = _TERM_MEMO.setdefault(id(lexicon), {})
    result: list[tuple[str, str]] = []
    for token in tokenize(text):
        terms = memo.get(token)
        if terms is None:
            if len(memo) > 500_000:  # a long-running server must not grow without bound
                memo.clear()
            terms = memo[token] = _token_terms(token, lexicon)
        result.extend(terms)
    return result


#: Per lexicon, what each token contributes: tokens repeat, their analysis need not.
_TERM_MEMO: dict[int, dict[str, list[tuple[str, str]]]] = {}


def _token_terms(token: str, lexicon: Lexicon | None) -> list[tuple[str, str]]:
    result = []
    parts = [token] + (token.split("-") if "-" in token else [])
    for part in parts:
        if not part or part in STOPWORDS or part.isdigit() or len(part) < 2:
            continue
        if lexicon is not None:
            if part in lexicon.forms:
                continue
            if lexicon.type_of(part):
                # "digitaliseringsstrategi" is about digitalisering: keep the modifier.
                modifier = _modifier(part, lexicon)
                if modifier and modifier not in STOPWORDS and len(modifier) >= 3:
                    result.append((stem(modifier), modifier))
                continue
        result.append((stem(part), part))
    return result


def display_term(word: str) -> str:
    """ "ai" and "it" are written AI and IT."""
    return word.upper() if len(word) <= 3 else word


def _modifier(token: str, lexicon: Lexicon) -> str | None:
    for start in range(1, len(token)):
        if token[start:] in lexicon.forms:
            prefix = token[:start].rstrip("-")
            # Swedish compounds often join with an -s-: "digitaliserings|strategi".
            if prefix.endswith("s") and len(prefix) > 4:
                prefix = prefix[:-1]
            return prefix
    return None


class RelatedIndex:
    """An in-memory inverted index of the register's documents."""

    TITLE_WEIGHT = 2

    def __init__(self, lexicon: Lexicon | None, snapshots: Iterable[DocumentSnapshot] = ()):
        self.lexicon = lexicon
        self._entries: dict[str, _Entry] = {}
        self._postings: dict[str, dict[str, float]] = defaultdict(dict)
        self._surface: dict[str, Counter[str]] = defaultdict(Counter)
        for snapshot in snapshots:
            self.add(snapshot)

    def __len__(self) -> int:
        return len(self._entries)

    def _terms(self, text: str) -> Counter[str]:
        counts: Counter[str] = Counter()
        for term, surface in content_terms(text, self.lexicon):
            counts[term] += 1
            self._surface[term][surface] += 1
        return counts

    def add(self, snapshot: DocumentSnapshot) -> None:
        """Add or replace a document."""
        if snapshot.id in self._entries:
            self.remove(snapshot.id)
        heading = self._terms(" ".join([snapshot.title, *snapshot.topics]))
        body = self._terms(" ".join([snapshot.summary, snapshot.text]))
        sections = []
        for section in snapshot.sections:
            counts = self._terms(f"{section.heading} {section.text}")
            sections.append((section, counts))
            body.update(counts)
        terms: Counter[str] = Counter()
        for term, n in heading.items():
            terms[term] += self.TITLE_WEIGHT * n
        terms.update(body)
        entry = _Entry(snapshot, terms, sections)
        self._entries[snapshot.id] = entry
        for term, n in terms.items():
            self._postings[term][snapshot.id] = 1.0 + math.log(n)

    def remove(self, document_id: str) -> None:
        entry = self._entries.pop(document_id, None)
        if entry is None:
            return
        for term in entry.terms:
            self._postings[term].pop(document_id, None)

    def _idf(self, term: str) -> float:
        df = len(self._postings.get(term, ()))
        return math.log((1 + len(self._entries)) / (1 + df)) + 1.0

    def _norm(self, entry: _Entry) -> float:
        return math.sqrt(sum((1.0 + math.log(n)) ** 2 * self._idf(t) ** 2 for t, n in entry.terms.items())) or 1.0

    def related(
        self,
        text: str,
        *,
        limit: int = 8,
        min_score: float = 0.08,
        exclude: Sequence[str] = (),
    ) -> list[RelatedDocument]:
        """Documents sharing the text's topic, best first, with shared terms and section."""
        query = Counter(t for t, _ in content_terms(analysed_part(text), self.lexicon))
        if not query or not self._entries:
            return []
        weights = {t: (1.0 + math.log(n)) * self._idf(t) for t, n in query.items() if t in self._postings}
        query_norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        dots: dict[str, float] = defaultdict(float)
        contributions: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for term, weight in weights.items():
            idf = self._idf(term)
            for document_id, tf in self._postings[term].items():
                value = weight * tf * idf
                dots[document_id] += value
                contributions[document_id].append((value, term))
        excluded = set(exclude)
        # Exact cosine only for the most promising candidates: the norm costs a pass over terms.
        candidates = sorted((d for d in dots if d not in excluded), key=lambda d: -dots[d])[: limit * 5]
        results = []
        for document_id in candidates:
            entry = self._entries[document_id]
            score = dots[document_id] / (query_norm * self._norm(entry))
            if score < min_score:
                continue
            shared = [t for _, t in sorted(contributions[document_id], reverse=True)]
            section = self._best_section(entry, set(shared))
            results.append(
                RelatedDocument(
                    id=document_id,
                    title=entry.snapshot.title,
                    type=entry.snapshot.type,
                    score=score,
                    shared_terms=[self._display(t) for t in shared[:8]],
                    section=section.heading if section else None,
                    section_anchor=section.anchor if section else None,
                )
            )
        results.sort(key=lambda r: -r.score)
        return results[:limit]

    def _best_section(self, entry: _Entry, shared: set[str]) -> SectionSnapshot | None:
        best, best_score = None, 0.0
        for section, counts in entry.sections:
            score = sum(self._idf(t) for t in counts if t in shared)
            if score > best_score:
                best, best_score = section, score
        return best

    def _display(self, term: str) -> str:
        surfaces = self._surface.get(term)
        return display_term(surfaces.most_common(1)[0][0] if surfaces else term)
