"""The motion's text as it was written, with each finding's evidence marked and numbered.

The engine quotes its evidence with the whitespace flattened; the text a person pasted has its
paragraphs, line breaks and bullet lists. Evidence is found in a flattened copy that remembers
where each of its characters came from, and marked in the original, so the page keeps the
paragraphs and lists and each mark carries the number and colour of its finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BULLET = re.compile(r"^\s*[•\-*–·▪]\s+")
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+")
#: Colours a finding's marks can have (CSS classes mark-c0 … mark-c3), in turn.
COLOURS = 4


@dataclass(frozen=True)
class Piece:
    text: str
    finding: int | None = None  # the finding's number (1, 2, …) when this is evidence
    anchor: str | None = None  # the id the finding's list links to (first piece of a mark)


@dataclass
class Block:
    kind: str  # "p", "ul" (bullets) or "ol" (numbered)
    items: list[list[Piece]] = field(default_factory=list)  # one paragraph, or one per list item
    start: int = 1  # a numbered list's first number, as the text has it ("3." goes on from 3)


@dataclass(frozen=True)
class Evidence:
    sentence: str
    finding: int
    anchor: str


def number_evidence(findings) -> tuple[dict[int, int], list[Evidence]]:
    """Number the findings that quote the text (1, 2, …, by their order) and give each quoted
    sentence an anchor; returns (finding index → number, the sentences to mark)."""
    numbers: dict[int, int] = {}
    evidence: list[Evidence] = []
    seen: set[str] = set()
    for index, finding in enumerate(findings):
        quoted = [e for e in finding.evidence if e and e not in seen]
        if not quoted or finding.code in ("related_documents", "possible_overlap"):
            continue
        numbers[index] = len(numbers) + 1
        for position, sentence in enumerate(quoted[:5], start=1):
            seen.add(sentence)
            evidence.append(Evidence(sentence, numbers[index], f"belagg-{numbers[index]}-{position}"))
    return numbers, evidence


def _flattened(text: str) -> tuple[str, list[int]]:
    """Whitespace runs as one space, and for each character of the result its place in ``text``."""
    flat: list[str] = []
    origin: list[int] = []
    in_space = True  # drop leading whitespace
    for position, character in enumerate(text):
        if character.isspace():
            if not in_space:
                flat.append(" ")
                origin.append(position)
            in_space = True
        else:
            flat.append(character)
            origin.append(position)
            in_space = False
    return "".join(flat), origin


def _spans(text: str, evidence: list[Evidence]) -> list[tuple[int, int, Evidence]]:
    flat, origin = _flattened(text)
    found: list[tuple[int, int, Evidence]] = []
    for item in evidence:
        wanted = re.sub(r"\s+", " ", item.sentence).strip()
        start = flat.find(wanted) if wanted else -1
        while start >= 0:
            begin, end = origin[start], origin[start + len(wanted) - 1] + 1
            if all(end <= b or begin >= e for b, e, _ in found):
                found.append((begin, end, item))
                break
            start = flat.find(wanted, start + 1)
    return sorted(found, key=lambda span: span[0])


def _pieces(text: str, begin: int, end: int, spans, anchored: set[str]) -> list[Piece]:
    """The part [begin, end) of ``text``, cut at the marks that fall in it."""
    pieces: list[Piece] = []
    cursor = begin
    for start, stop, item in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        if start > cursor:
            pieces.append(Piece(text[cursor:start]))
        anchor = None if item.anchor in anchored else item.anchor
        anchored.add(item.anchor)
        pieces.append(Piece(text[start:stop], item.finding, anchor))
        cursor = stop
    if cursor < end:
        pieces.append(Piece(text[cursor:end]))
    return [piece for piece in pieces if piece.text]


def highlighted(text: str, evidence: list[Evidence]) -> list[Block]:
    """Paragraphs (split at blank lines), bullet and numbered lists of ``text``, evidence marked."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    spans = _spans(text, evidence)
    anchored: set[str] = set()
    blocks: list[Block] = []
    paragraph: list[tuple[int, int]] = []  # the lines of the paragraph being read

    def close_paragraph() -> None:
        if paragraph:
            pieces = _pieces(text, paragraph[0][0], paragraph[-1][1], spans, anchored)
            blocks.append(Block("p", [pieces]))
            paragraph.clear()

    offset = 0
    for line in text.split("\n"):
        begin, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            close_paragraph()
            continue
        numbered = _NUMBERED.match(line)
        bullet = numbered or _BULLET.match(line)
        if bullet:
            close_paragraph()
            kind = "ol" if numbered else "ul"
            if not blocks or blocks[-1].kind != kind:
                blocks.append(Block(kind, start=int(numbered.group(1)) if numbered else 1))
            blocks[-1].items.append(_pieces(text, begin + bullet.end(), end, spans, anchored))
            continue
        if blocks and blocks[-1].kind in ("ul", "ol") and not paragraph and line[:1].isspace():
            # a wrapped list item: its next line is indented under the bullet
            blocks[-1].items[-1].extend([Piece(" "), *_pieces(text, begin, end, spans, anchored)])
            continue
        paragraph.append((begin, end))
    close_paragraph()
    return blocks
