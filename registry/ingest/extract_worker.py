"""Child process for registry.ingest.extract: read files from stdin, answer one JSON line per file.

Never imported by the service itself; run as ``python -m registry.ingest.extract_worker``. Each request
is a JSON header line ``{"size": N}`` followed by N bytes; each answer is one JSON line, either
``{"error": "…"}`` or the file's content with its layout:

- PDF: ``{"kind": "pdf", "pages": [{"width", "height", "lines": [{"text", "x0", "x1", "top",
  "bottom", "size", "bold"}]}]}`` — lines as pdfminer's layout analysis groups them;
- DOCX: ``{"kind": "docx", "blocks": [{"kind": "heading"|"paragraph"|"list_item"|"table_row",
  "text", "level", "number"}]}`` — running headers and footers live in other parts of the file
  and never reach the body;
- XLSX: ``{"kind": "xlsx", "sheets": [{"name", "rows": [[cell, …]]}]}`` — dates as ISO text.

A header ``{"size": N, "render": {"pages": P, "width": W}}`` asks instead for a PDF's first P
pages drawn as PNG pictures W pixels wide: ``{"kind": "pdf-pages", "images": [{"png", "width",
"height"}]}`` (base64).

The parent sets memory and CPU limits on this process and kills it when a file takes too long.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import statistics
import sys
import zipfile
from typing import Any

MAX_UNZIPPED = 100 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_SHEET_ROWS = 100_000


class Refused(Exception):
    """A file we will not read, with the Swedish reason."""


# --- PDF ------------------------------------------------------------------------------------------


def _pdf(data: bytes) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        # pypdf first: it says plainly when a file is encrypted or broken.
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Refused("filen är krypterad (lösenordsskyddad)")
        page_count = len(reader.pages)
    except FileNotDecryptedError:
        raise Refused("filen är krypterad (lösenordsskyddad)") from None
    except PdfReadError as error:
        raise Refused(f"filen är skadad ({error})") from None
    if page_count == 0:
        raise Refused("filen har inga sidor")

    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

    pages = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams(line_margin=0.3)):
            lines = []
            for element in page:
                if not isinstance(element, LTTextContainer):
                    continue
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    text = " ".join(line.get_text().split())
                    if not text:
                        continue
                    chars = [c for c in line if isinstance(c, LTChar)]
                    sizes = [round(c.size, 1) for c in chars] or [0.0]
                    bold = sum(1 for c in chars if "bold" in c.fontname.lower()) > len(chars) / 2
                    lines.append(
                        {
                            "text": text,
                            "x0": round(line.x0, 1),
                            "x1": round(line.x1, 1),
                            "top": round(page.height - line.y1, 1),
                            "bottom": round(page.height - line.y0, 1),
                            "size": statistics.median(sizes),
                            "bold": bold,
                        }
                    )
            pages.append({"width": page.width, "height": page.height, "lines": lines})
    except Refused:
        raise
    except Exception as error:  # pdfminer raises many kinds of error on broken files
        raise Refused(f"filen är skadad ({type(error).__name__})") from None
    return {"kind": "pdf", "pages": pages}


# --- ZIP containers: DOCX and XLSX ------------------------------------------------------------------


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Refused("filen är inte ett giltigt Office-dokument (trasigt zip-arkiv)") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise Refused("filen packas upp till mer än vad som tillåts (zip-bomb?)")
    for info in infos:
        if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
            head = archive.open(info).read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                # Office never writes a DTD; one here is an entity-expansion attack (billion laughs).
                raise Refused("filen innehåller XML-entiteter (DTD), vilket Office-filer aldrig gör")
    return archive


def _numbering_formats(document: Any) -> dict[tuple[str, str], str]:
    """(numId, ilvl) -> numFmt ("decimal", "bullet", …) from the file's numbering part."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn

    try:
        numbering = document.part.part_related_by(RELATIONSHIP_TYPE.NUMBERING).element
    except KeyError:  # the file has no list definitions
        return {}
    abstract: dict[str, dict[str, str]] = {}
    for node in numbering.findall(qn("w:abstractNum")):
        levels = {}
        for level in node.findall(qn("w:lvl")):
            fmt = level.find(qn("w:numFmt"))
            levels[level.get(qn("w:ilvl"))] = fmt.get(qn("w:val")) if fmt is not None else "bullet"
        abstract[node.get(qn("w:abstractNumId"))] = levels
    formats = {}
    for num in numbering.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is None:
            continue
        for ilvl, fmt in abstract.get(ref.get(qn("w:val")), {}).items():
            formats[(num.get(qn("w:numId")), ilvl)] = fmt
    return formats


def _docx(data: bytes, archive: zipfile.ZipFile) -> dict[str, Any]:
    if "word/document.xml" not in archive.namelist():
        raise Refused("filen är ett zip-arkiv men inte ett Word-dokument")
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(io.BytesIO(data))
    formats = _numbering_formats(document)
    counters: dict[tuple[str, str], int] = {}
    blocks: list[dict[str, Any]] = []
    body = document.element.body
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            for row in Table(child, document).rows:
                cells = [" ".join(cell.text.split()) for cell in row.cells]
                blocks.append({"kind": "table_row", "text": " | ".join(cells), "level": 0, "number": None})
            continue
        if child.tag != qn("w:p"):
            continue
        paragraph = Paragraph(child, document)
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = (paragraph.style.name or "") if paragraph.style is not None else ""
        lowered = style.lower()
        if lowered == "title" or lowered.startswith("heading") or lowered.startswith("rubrik"):
            digits = "".join(ch for ch in style if ch.isdigit())
            level = 0 if lowered == "title" else int(digits or 1)
            blocks.append({"kind": "heading", "text": text, "level": level, "number": None})
            continue
        num_pr = child.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        number = None
        if num_pr is not None or "list" in lowered:
            fmt = "decimal" if "number" in lowered else "bullet"
            if num_pr is not None:
                num_id = num_pr.find(qn("w:numId"))
                ilvl = num_pr.find(qn("w:ilvl"))
                key = (
                    num_id.get(qn("w:val")) if num_id is not None else "0",
                    ilvl.get(qn("w:val")) if ilvl is not None else "0",
                )
                fmt = formats.get(key, fmt)
            else:
                key = (style, "0")
            if fmt != "bullet":
                counters[key] = counters.get(key, 0) + 1
                number = f"{counters[key]}."
            blocks.append({"kind": "list_item", "text": text, "level": 0, "number": number})
            continue
        blocks.append({"kind": "paragraph", "text": text, "level": 0, "number": None})
    return {"kind": "docx", "blocks": blocks}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _xlsx(data: bytes, archive: zipfile.ZipFile) -> dict[str, Any]:
    if "xl/workbook.xml" not in archive.namelist():
        raise Refused("filen är ett zip-arkiv men inte ett Excel-dokument")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = []
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(v) for v in row])
            if len(rows) > MAX_SHEET_ROWS:
                raise Refused(f"bladet {sheet.title} har fler än {MAX_SHEET_ROWS} rader")
        while rows and not any(rows[-1]):
            rows.pop()
        sheets.append({"name": sheet.title, "rows": rows})
    return {"kind": "xlsx", "sheets": sheets}


def read_one(data: bytes) -> dict[str, Any]:
    if data.startswith(b"%PDF-"):
        return _pdf(data)
    archive = _open_zip(data)
    if "xl/workbook.xml" in archive.namelist():
        return _xlsx(data, archive)
    return _docx(data, archive)


# --- PDF pages as pictures -------------------------------------------------------------------------


def _render(data: bytes, pages: int, width: int) -> dict[str, Any]:
    """The first ``pages`` pages of a PDF as PNG pictures ``width`` pixels wide (base64), for the
    import review to show beside the form. PDFium draws them as a PDF reader would."""
    import base64

    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise Refused(f"filen kunde inte ritas ({error})") from None
    images = []
    try:
        for index in range(min(pages, len(document))):
            page = document[index]
            scale = width / max(page.get_width(), 1)
            picture = page.render(scale=scale).to_pil()
            buffer = io.BytesIO()
            picture.save(buffer, format="PNG", optimize=True)
            images.append(
                {
                    "png": base64.b64encode(buffer.getvalue()).decode("ascii"),
                    "width": picture.width,
                    "height": picture.height,
                }
            )
            page.close()
    finally:
        document.close()
    return {"kind": "pdf-pages", "images": images, "page_count": len(images)}


def main() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout
    while True:
        header = stdin.readline()
        if not header:
            return
        request = json.loads(header)
        data = stdin.read(request["size"])
        try:
            render = request.get("render")
            answer = _render(data, int(render["pages"]), int(render["width"])) if render else read_one(data)
        except Refused as error:
            answer = {"error": str(error)}
        except MemoryError:
            answer = {"error": "filen kräver för mycket minne att läsa"}
        except Exception as error:  # every failure becomes a reason for the parent
            answer = {"error": f"filen kunde inte tolkas ({type(error).__name__})"}
        stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        stdout.flush()


if __name__ == "__main__":
    main()
