"""Swedish text analysis for the engine and the related-documents index.

Pure functions over strings. Language facts (not municipal definitions) live here: how Swedish
sentences, list items and att-satser look, and how words inflect (via the Snowball stemmer).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("swedish")

WORD = re.compile(r"[0-9A-Za-zÅÄÖåäöÉéÜü]+(?:[-–][0-9A-Za-zÅÄÖåäöÉéÜü]+)*")
_BULLET = re.compile(r"^\s*(?:[•·▪◦●○■\-\*–]|\d{1,2}[.)]|[a-z][.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9”\"(])")
# "föreslår att", "yrkar att", "ges i uppdrag att", "hemställer att", "uppdras att" ...
ATT_TRIGGER = re.compile(
    r"\b(?:föreslår|föreslås|yrkar|yrkas|hemställer|beslutar|beslutas|uppdras|"
    r"ges\s+i\s+uppdrag|får\s+i\s+uppdrag|i\s+uppdrag|uppdraget)\s*[·:,]?\s*att\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    stem: str = _STEMMER.stemWord(word.lower())
    return stem


def tokenize(text: str) -> list[str]:
    """Lowercase words; hyphenated compounds ("AI-strategi") stay one token."""
    tokens = WORD.findall(text.lower())
    return [t.replace("–", "-") for t in tokens] if "–" in text else tokens


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n")
    # PDF extraction leaves "föreslår ·att": a stray middle dot is not a bullet there.
    text = re.sub(r"(?<=\w) ·(?=\w)", " ", text)
    return text


@dataclass
class Unit:
    """A sentence, a list item or a heading, with its place in the text."""

    index: int
    text: str
    kind: str  # "sentence" | "item" | "title"
    tokens: list[str] = field(default_factory=list)
    stems: list[str] = field(default_factory=list)
    is_question: bool = False
    in_att_sats: bool = False
    #: The unit introducing this list item ("En strategi behöver ... innehålla riktlinjer för").
    lead_in: int | None = None
    #: A numbered list item ("1.", "2)"), as opposed to a bullet.
    numbered: bool = False
    #: Memo of where each cue word matches, filled by the engine (many cues share words).
    matches: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.tokens:
            self.tokens = tokenize(self.text)
            self.stems = [stem(t) for t in self.tokens]
        self.is_question = self.text.rstrip().endswith("?")


def _paragraphs(text: str) -> list[list[str]]:
    """Blocks separated by blank lines, each a list of its lines."""
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def analyse(text: str, *, first_line_is_title: bool = True) -> list[Unit]:
    """Split a text into units: the title line, sentences and list items, in order."""
    text = normalise(text)
    units: list[Unit] = []
    blocks = _paragraphs(text)
    if first_line_is_title and blocks and len(blocks[0]) >= 1:
        first = blocks[0][0]
        if (
            len(first) <= 200
            and not first.rstrip().endswith((".", "?", "!"))
            or len(blocks[0]) == 1
            and len(first) <= 200
        ):
            units.append(Unit(0, first, "title"))
            blocks[0] = blocks[0][1:]
    last_lead: int | None = None
    for block in blocks:
        prose: list[str] = []

        def flush_prose() -> None:
            nonlocal last_lead
            if not prose:
                return
            joined = re.sub(r"\s+", " ", " ".join(prose)).strip()
            # a hyphen at a line break inside a word ("verksam- heter") joins the word again
            joined = re.sub(r"(\w)- (\w)", r"\1\2", joined)
            for sentence in _SENTENCE_END.split(joined):
                if sentence.strip():
                    units.append(Unit(len(units), sentence.strip(), "sentence"))
            last_lead = len(units) - 1
            prose.clear()

        for line in block:
            bullet = _BULLET.match(line)
            if bullet:
                flush_prose()
                item = line[bullet.end() :].strip()
                if item:
                    numbered = bullet.group(0).strip()[:1].isalnum()
                    units.append(Unit(len(units), item, "item", lead_in=last_lead, numbered=numbered))
            else:
                prose.append(line)
        flush_prose()
    _mark_att_satser(units)
    return units


def _mark_att_satser(units: list[Unit]) -> None:
    """Mark the units that state what someone proposes or commissions (att-satser)."""
    for position, unit in enumerate(units):
        match = ATT_TRIGGER.search(unit.text)
        if match:
            rest = unit.text[match.end() :].strip(" .:")
            if len(tokenize(rest)) >= 3:
                unit.in_att_sats = True
            elif position + 1 < len(units):
                # "Vänsterpartiet föreslår att" on its own line: the att-sats is the next unit.
                units[position + 1].in_att_sats = True
        elif re.match(r"^att\s+\w", unit.text, re.IGNORECASE):
            unit.in_att_sats = True


_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y", "à": "a"})


def swedish_key(text: str) -> str:
    """Sort key with Swedish alphabetical order: … X, Y, Z, Å, Ä, Ö."""
    return (text or "").lower().translate(_SWEDISH_ORDER)
