"""A minimal PDF writer for tests: text in Helvetica (WinAnsi) at given places and sizes.

Tests make their own PDFs so no fixture files or PDF libraries with a licence question are needed.
A page is a list of lines (plain strings, set one under the other) or of ``Text`` items placed
where a layout puts them: headings in a bigger size, two columns, running headers and footers.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_WIDTH, PAGE_HEIGHT = 595, 842


@dataclass(frozen=True)
class Text:
    text: str
    x: float = 50
    y: float = 800  # from the bottom of the page, as PDF counts
    size: float = 11
    bold: bool = False


def _escape(line: str) -> bytes:
    return line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _as_items(page: list) -> list[Text]:
    items, y = [], 800.0
    for entry in page:
        if isinstance(entry, Text):
            items.append(entry)
        else:
            items.append(Text(entry, y=y))
            y -= 14
    return items


def make_pdf(pages: list[list]) -> bytes:
    """A PDF with one page per entry; an empty page has no text layer (like a scanned image)."""
    objects: list[bytes] = []
    page_ids = [5 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(pages))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    for index, page in enumerate(pages):
        parts = [
            b"BT /F%d %g Tf 1 0 0 1 %g %g Tm (%s) Tj ET" % (2 if t.bold else 1, t.size, t.x, t.y, _escape(t.text))
            for t in _as_items(page)
        ]
        content = b"\n".join(parts)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
            % (PAGE_WIDTH, PAGE_HEIGHT, page_ids[index] + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
