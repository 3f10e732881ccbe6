"""Office files for tests and benchmarks, made with python-docx and openpyxl (no fixture files)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document


def make_docx(
    title: str,
    *,
    meta: Sequence[str] = (),
    sections: Sequence[tuple[str, Sequence[str]]] = (),
    numbered: Sequence[str] = (),
    bullets: Sequence[str] = (),
    header: str | None = None,
    footer: str | None = None,
) -> bytes:
    """A styrdokument as Word writes one: a Title, metadata lines, Heading 1 sections, lists.

    A paragraph starting with "1. " in ``sections`` is written as it stands; ``numbered`` and
    ``bullets`` are real Word lists (List Number / List Bullet) after the first section.
    """
    document = Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    document.add_heading(title, level=0)
    for line in meta:
        document.add_paragraph(line)
    for index, (heading, paragraphs) in enumerate(sections):
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        if index == 0:
            for item in numbered:
                document.add_paragraph(item, style="List Number")
            for item in bullets:
                document.add_paragraph(item, style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(rows: Sequence[Sequence[object]], *, title_rows: Sequence[str] = ()) -> bytes:
    """A register spreadsheet; ``title_rows`` stand above the header row as kommuner put them."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Styrdokument"
    for line in title_rows:
        sheet.append([line])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_zip(entries: dict[str, bytes]) -> bytes:
    """A zip archive (deflated, so a bomb stays small on disk) with the given members."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


#: A Word body whose entities expand a billion times ("billion laughs") if a parser lets them.
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)
