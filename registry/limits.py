"""Limits every path shares, so that no input can hold a worker for long.

The engine, the related-documents lookup and every edge (pages, API, CLI, import) read the same
number: a request longer than it is refused with a Swedish message; a document longer than it is
stored whole but analysed on its first part only, which the assessment then says.
"""

from __future__ import annotations

#: Characters of text the engine analyses: about 60 pages; 0.4 s for check or classify.
MAX_ANALYSED_CHARS = 200_000
#: The register list's last page and largest page, on the pages and in the API alike.
MAX_PAGE = 100_000
MAX_PER_PAGE = 200
#: A search query is words, not a document.
MAX_QUERY_CHARS = 200


def too_long_message(length: int, what: str = "Texten") -> str:
    return (
        f"{what} är för lång ({_swedish_number(length)} tecken); högst {_swedish_number(MAX_ANALYSED_CHARS)} "
        "tecken kan bedömas. Dela upp den eller klistra in den del som gäller förslaget."
    )


def _swedish_number(value: int) -> str:
    """200000 as Swedish writes it: 200 000 (only the number; a file name keeps its commas)."""
    return f"{value:,}".replace(",", " ")


def analysed_part(text: str) -> str:
    """The part of a text the engine reads: the whole, or its first MAX_ANALYSED_CHARS."""
    return text if len(text) <= MAX_ANALYSED_CHARS else text[:MAX_ANALYSED_CHARS]
