"""From a file's raw layout to its structure: headings, paragraphs, lists, no running headers.

PDFs give lines with positions and font sizes; DOCX gives styled paragraphs; plain text gives
lines. All three end up as the same list of blocks, from which sections with stable anchors are
built. Pure functions: the limited child (registry.ingest.extract_worker) does the parsing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from registry.identifiers import slugify
from registry.ingest.extract import Extracted

HEADING, PARAGRAPH, LIST_ITEM, TABLE_ROW = "heading", "paragraph", "list_item", "table_row"


@dataclass
class Block:
    kind: str
    text: str
    level: int = 1
    number: str | None = None  # "1." for a numbered list item, None for a bullet
    page: int = 1


@dataclass
class Section:
    anchor: str
    heading: str
    text: str

    def as_input(self) -> dict[str, str]:
        return {"anchor": self.anchor, "heading": self.heading, "text": self.text}


@dataclass
class Layout:
    kind: str
    blocks: list[Block]
    empty_pages: list[int] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # running headers and footers left out
    lines: list[str] = field(default_factory=list)  # the text line by line, as the file breaks it

    def _title_index(self) -> int | None:
        """Where the title is: the first heading, when it comes before any running text."""
        for index, block in enumerate(self.blocks):
            if block.kind == HEADING:
                return index
            if len(block.text) > 3:
                return None
        return None

    @property
    def title(self) -> str | None:
        index = self._title_index()
        return None if index is None else self.blocks[index].text

    @property
    def text(self) -> str:
        return render_blocks(self.blocks)

    def preamble(self) -> str:
        """The text between the title and the first heading (where "Antagen av …" usually stands)."""
        index = self._title_index()
        body = self.blocks if index is None else self.blocks[index + 1 :]
        before = []
        for block in body:
            if block.kind == HEADING:
                break
            before.append(block)
        return render_blocks(before)

    def sections(self) -> list[Section]:
        """A section per heading after the title; anchors are unique and follow the headings."""
        index = self._title_index()
        body = self.blocks if index is None else self.blocks[index + 1 :]
        sections: list[Section] = []
        heading: str | None = None
        content: list[Block] = []
        used: Counter[str] = Counter()

        def close() -> None:
            if heading is None:
                return
            # Without its number, so renumbering the headings keeps the links to them.
            anchor = slugify(_NUMBERED_HEADING.sub(r"\g<text>", heading))
            used[anchor] += 1
            if used[anchor] > 1:
                anchor = f"{anchor}-{used[anchor]}"
            sections.append(Section(anchor, heading, render_blocks(content)))

        for block in body:
            if block.kind == HEADING:
                close()
                heading, content = block.text, []
            else:
                content.append(block)
        close()
        return sections


def render_blocks(blocks: Iterable[Block]) -> str:
    """Blocks as running text: paragraphs apart, list items one per line with their marker."""
    out: list[str] = []
    previous: str | None = None
    for block in blocks:
        if block.kind == LIST_ITEM:
            line = f"{block.number or '•'} {block.text}"
            out.append(("\n" if previous == LIST_ITEM else "\n\n") + line)
        elif block.kind == TABLE_ROW:
            out.append(("\n" if previous == TABLE_ROW else "\n\n") + block.text)
        else:
            out.append("\n\n" + block.text)
        previous = block.kind
    return "".join(out).strip()


# --- running headers and footers ------------------------------------------------------------------

#: Lines that are page furniture wherever they stand: page numbers, e-signature and protocol
#: footers, the kommun's letterhead ("VALLENTUNA KOMMUN Sammanträdesprotokoll").
_FURNITURE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(?:sid|sida|s\.|page)\s*\d+\s*(?:(?:/|av|of)\s*\d+)?$",
        r"^\d+\s*(?:\(\s*\d+\s*\)|/\s*\d+|av\s+\d+)$",
        r"^referensnummer för signaturer:?.*$",
        r"^(?:justerandes signatur|justerares signatur|utdragsbestyrkande|ordförandes signatur)\b.*$",
    )
]
_LETTERHEAD = re.compile(r"^[A-ZÅÄÖÉ][A-ZÅÄÖÉ\- ]+ KOMMUN(?:\s+[A-ZÅÄÖÉa-zåäöé ]+)?$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DNR_LINE = re.compile(r"^(?:dnr|diarienummer)\b.*$", re.IGNORECASE)
_ORGAN_DATE = re.compile(r"^[A-ZÅÄÖ][\wåäöÅÄÖ\- ]{2,80} \d{4}-\d{2}-\d{2}$")


def is_furniture(line: str) -> bool:
    stripped = " ".join(line.split())
    return bool(stripped) and (any(p.match(stripped) for p in _FURNITURE) or bool(_LETTERHEAD.match(stripped)))


def letterhead_lines(lines: list[str]) -> set[int]:
    """Indexes of running-header lines in plain text: furniture, and after a letterhead the
    date, dnr, page and "Organ date" lines that belong to it."""
    drop: set[int] = set()
    index = 0
    while index < len(lines):
        stripped = " ".join(lines[index].split())
        if is_furniture(stripped):
            drop.add(index)
            if _LETTERHEAD.match(stripped):
                follow = index + 1
                while follow < len(lines) and follow - index <= 8:
                    part = " ".join(lines[follow].split())
                    if part and not (
                        _DATE_ONLY.match(part) or _DNR_LINE.match(part) or is_furniture(part) or _ORGAN_DATE.match(part)
                    ):
                        break
                    if part:
                        drop.add(follow)
                    follow += 1
        index += 1
    return drop


# --- plain text -----------------------------------------------------------------------------------

_LIST_MARKER = re.compile(r"^(?:(?P<bullet>[•·▪◦\-–*])|(?P<number>\d{1,2}[.)]|[a-z][.)]))\s+(?P<text>.+)$")
_NUMBERED_HEADING = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<text>[A-ZÅÄÖ].{1,80})$")
_ENDS_SENTENCE = re.compile(r"[.,;:!?”\"]$")


def _looks_like_heading(line: str, previous: str, following: str) -> bool:
    words = line.split()
    if not words or len(words) > 8 or len(line) > 70 or _ENDS_SENTENCE.search(line):
        return False
    if not (line[0].isupper() or line[0].isdigit()) or _LIST_MARKER.match(line):
        return False
    if previous.endswith(":") or not following or not (following[0].isupper() or _LIST_MARKER.match(following)):
        return False
    return previous == "" or bool(re.search(r"[.!?”\")]$", previous))


def blocks_from_text(text: str) -> tuple[list[Block], list[str]]:
    blocks, removed, _ = _read_text(text)
    return blocks, removed


def _read_text(text: str) -> tuple[list[Block], list[str], list[str]]:
    raw = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n").split("\n")
    drop = letterhead_lines(raw)
    removed = sorted({" ".join(raw[i].split()) for i in drop})
    lines = [("" if i in drop else " ".join(line.split())) for i, line in enumerate(raw)]
    blocks: list[Block] = []
    current: Block | None = None
    for index, line in enumerate(lines):
        if not line:
            current = None
            continue
        previous = lines[index - 1] if index else ""
        following = next((l for l in lines[index + 1 :] if l), "")
        numbered = _NUMBERED_HEADING.match(line)
        if numbered and not _ENDS_SENTENCE.search(line) and len(line.split()) <= 8:
            blocks.append(Block(HEADING, line, level=numbered["number"].count(".") + 1))
            current = None
            continue
        if _looks_like_heading(line, previous, following):
            blocks.append(Block(HEADING, line, level=1))
            current = None
            continue
        marker = _LIST_MARKER.match(line)
        if marker:
            current = Block(LIST_ITEM, marker["text"], number=marker["number"])
            blocks.append(current)
            continue
        if current is not None:
            current.text = join_lines(current.text, line)
        else:
            current = Block(PARAGRAPH, line)
            blocks.append(current)
    return blocks, removed, [line for line in lines if line]


def join_lines(first: str, second: str) -> str:
    """Join two lines of a paragraph; a word broken with a hyphen is put back together."""
    if first.endswith("-") and second[:1].islower() and second.split()[0] not in ("och", "eller", "samt"):
        return first[:-1] + second
    return f"{first} {second}"


# --- PDF ------------------------------------------------------------------------------------------


def _column_order(page: dict[str, Any]) -> list[dict[str, Any]]:
    """Lines in reading order: a two-column page is read left column first, then right."""
    lines = page["lines"]
    middle = page["width"] / 2
    left = [l for l in lines if l["x1"] <= middle + 4]
    right = [l for l in lines if l["x0"] >= middle - 4]
    spanning = [l for l in lines if l not in left and l not in right]
    by_top = lambda l: (l["top"], l["x0"])  # noqa: E731
    if len(left) < 3 or len(right) < 3:
        return sorted(lines, key=by_top)
    columns_top = min(l["top"] for l in left + right)
    above = [l for l in spanning if l["top"] < columns_top]
    below = [l for l in spanning if l["top"] >= columns_top]
    return sorted(above, key=by_top) + sorted(left, key=by_top) + sorted(right, key=by_top) + sorted(below, key=by_top)


def _furniture_keys(pages: list[dict[str, Any]]) -> set[str]:
    """Lines in the top or bottom margin that recur on at least two pages (digits ignored)."""
    seen: Counter[str] = Counter()
    for page in pages:
        keys = {_margin_key(line) for line in page["lines"] if _in_margin(line, page)}
        seen.update(keys)
    return {key for key, count in seen.items() if count >= 2}


def _in_margin(line: dict[str, Any], page: dict[str, Any]) -> bool:
    return bool(line["top"] < page["height"] * 0.1 or line["bottom"] > page["height"] * 0.9)


def _margin_key(line: dict[str, Any]) -> str:
    return re.sub(r"\d+", "#", line["text"].lower())


def blocks_from_pdf(pages: list[dict[str, Any]]) -> tuple[list[Block], list[int], list[str], list[str]]:
    recurring = _furniture_keys(pages) if len(pages) > 1 else set()
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page["lines"]:
            sizes[line["size"]] += len(line["text"])
    body_size = sizes.most_common(1)[0][0] if sizes else 0.0
    heading_sizes = sorted({s for s in sizes if s >= body_size + 1.5}, reverse=True)

    blocks: list[Block] = []
    empty_pages: list[int] = []
    removed: set[str] = set()
    kept: list[str] = []
    for number, page in enumerate(pages, start=1):
        if not page["lines"]:
            empty_pages.append(number)
            continue
        current: Block | None = None
        previous: dict[str, Any] | None = None
        for line in _column_order(page):
            text = line["text"]
            small = line["size"] <= body_size  # a title near the top is never furniture
            if _in_margin(line, page) and small and (is_furniture(text) or _margin_key(line) in recurring):
                removed.add(text)
                continue
            kept.append(text)
            height = max(line["bottom"] - line["top"], 1.0)
            gap = line["top"] - previous["bottom"] if previous else 0.0
            new_column = previous is not None and (gap < -height or line["x0"] > previous["x1"])
            previous = line
            marker = _LIST_MARKER.match(text)
            is_big = line["size"] in heading_sizes and len(text) <= 150
            is_bold_heading = line["bold"] and len(text) <= 100 and not _ENDS_SENTENCE.search(text) and not marker
            if is_big or is_bold_heading:
                level = heading_sizes.index(line["size"]) + 1 if is_big else len(heading_sizes) + 1
                if current is not None and current.kind == HEADING and current.level == level and gap < height:
                    current.text = join_lines(current.text, text)  # a heading wrapped over two lines
                else:
                    current = Block(HEADING, text, level=level, page=number)
                    blocks.append(current)
                continue
            if marker:
                current = Block(LIST_ITEM, marker["text"], number=marker["number"], page=number)
                blocks.append(current)
                continue
            continues = (
                current is not None and current.kind in (PARAGRAPH, LIST_ITEM) and (gap <= height * 0.6 or new_column)
            )
            if continues:
                current.text = join_lines(current.text, text)  # type: ignore[union-attr]
            else:
                current = Block(PARAGRAPH, text, page=number)
                blocks.append(current)
    _title_first(blocks)
    return blocks, empty_pages, sorted(removed), kept


def _title_first(blocks: list[Block]) -> None:
    """The biggest heading on the first page, before any text, is the document's title (level 0)."""
    leading = []
    for block in blocks:
        if block.kind != HEADING or block.page != 1:
            break
        leading.append(block)
    if leading:
        min(leading, key=lambda b: b.level).level = 0


# --- DOCX -----------------------------------------------------------------------------------------


def blocks_from_docx(raw: list[dict[str, Any]]) -> list[Block]:
    blocks = [Block(b["kind"], b["text"], level=b.get("level") or 1, number=b.get("number")) for b in raw]
    blocks = [b for b in blocks if not is_furniture(b.text)]
    if blocks and blocks[0].kind == HEADING:
        blocks[0].level = min(blocks[0].level, 0)
    return blocks


def layout_of(extracted: Extracted) -> Layout:
    if extracted.kind == "pdf":
        blocks, empty, removed, lines = blocks_from_pdf(extracted.pages)
        return Layout("pdf", blocks, empty_pages=empty, removed=removed, lines=lines)
    if extracted.kind == "docx":
        blocks = blocks_from_docx(extracted.blocks)
        return Layout("docx", blocks, lines=[b.text for b in blocks])
    if extracted.kind == "text":
        blocks, removed, lines = _read_text(extracted.text)
        return Layout("text", blocks, removed=removed, lines=lines)
    return Layout(extracted.kind, [])


def raw_text(extracted: Extracted) -> str:
    """All of a file's text line by line, page furniture included (protocol splitting needs the
    "Organ date" lines of each page header)."""
    if extracted.kind == "pdf":
        return "\n".join(line["text"] for page in extracted.pages for line in _column_order(page))
    if extracted.kind == "docx":
        return "\n".join(block["text"] for block in extracted.blocks)
    return extracted.text
