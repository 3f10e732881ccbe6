"""Child process for registry.extract: read a PDF or DOCX from stdin, print JSON to stdout.

Never imported by the service itself; run as ``python -m registry.extract_worker pdf|docx``.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile

MAX_UNZIPPED = 100 * 1024 * 1024
MAX_ENTRIES = 2000


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValueError("filen är krypterad")
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except FileNotDecryptedError:
        raise ValueError("filen är krypterad") from None
    except PdfReadError as error:
        raise ValueError(f"filen är skadad ({error})") from None


def _docx(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError("filen är inte en giltig DOCX (zip)") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise ValueError("filen packas upp till mer än vad som tillåts (zip-bomb?)")
    if "word/document.xml" not in archive.namelist():
        raise ValueError("filen är ett zip-arkiv men inte ett Word-dokument")
    from docx import Document

    document = Document(io.BytesIO(data))
    lines = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
        if text and "list" in style:
            text = "• " + text
        lines.append(text)
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


def main() -> None:
    kind = sys.argv[1]
    data = sys.stdin.buffer.read()
    try:
        text = _pdf(data) if kind == "pdf" else _docx(data)
    except Exception as error:  # every failure becomes a reason for the parent
        sys.stdout.write(json.dumps({"error": str(error)}, ensure_ascii=False))
        sys.exit(3)
    sys.stdout.write(json.dumps({"text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
