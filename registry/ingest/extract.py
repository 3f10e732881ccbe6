"""Content from uploaded files: plain text, PDF, DOCX and XLSX, recognised by content, not by name.

PDF, DOCX and XLSX are parsed in a separate process with memory and CPU limits and a wall-clock
timeout per file, so a hostile or broken file cannot take the caller down; every failure becomes
one Swedish message. A batch import keeps one child for many files (starting Python per file
would cost more than reading the file) and starts a fresh one after a failure.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from registry.errors import UnreadableInput

MAX_BYTES = 20 * 1024 * 1024
TIME_LIMIT_SECONDS = 30
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
#: A long-lived child is replaced after this many files, so its CPU limit stays a per-file bound.
FILES_PER_CHILD = 100


def _label(kind: str, name: str) -> str:
    """How a message names the file: by what it is, and for Office files by the name people know."""
    if kind == "pdf":
        return "PDF-filen"
    lowered = name.lower()
    return "Word-filen" if lowered.endswith(".docx") else "Excel-filen" if lowered.endswith(".xlsx") else "Office-filen"


def detect_kind(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"  # DOCX or XLSX: the child looks inside
    if data[:2] == b"MZ" or data[:4] == b"\x7fELF" or data[:4] == b"\xcf\xfa\xed\xfe":
        return "binary"
    return "text"


@dataclass
class Extracted:
    """What a file holds: its kind and its raw layout (see registry.ingest.extract_worker)."""

    kind: str  # "text", "pdf", "docx" or "xlsx"
    name: str
    text: str = ""
    pages: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[dict[str, Any]] = field(default_factory=list)
    sheets: list[dict[str, Any]] = field(default_factory=list)


def _decode_text(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableInput(f"{name} är varken text i UTF-8, PDF, DOCX eller XLSX.") from None
    if "\x00" in text:
        raise UnreadableInput(f"{name} innehåller binära data och kan inte läsas som text.")
    return text


def _refuse_early(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise UnreadableInput(
            f"{name} är för stor ({len(data) // (1024 * 1024)} MB); högst {MAX_BYTES // (1024 * 1024)} MB."
        )
    kind = detect_kind(data)
    if kind == "binary":
        raise UnreadableInput(f"{name} är ett program eller en annan binärfil, inte text, PDF, DOCX eller XLSX.")
    return kind


def _limit_child() -> None:  # runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    cpu = TIME_LIMIT_SECONDS * FILES_PER_CHILD // 10
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


class Extractor:
    """A limited child process that reads PDF, DOCX and XLSX files one after another.

    Use as a context manager; ``extract`` raises UnreadableInput with a Swedish reason.
    """

    def __init__(self) -> None:
        self._child: subprocess.Popen[bytes] | None = None
        self._served = 0

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        with contextlib.suppress(OSError):
            child.stdin.close()  # type: ignore[union-attr]
        try:
            child.wait(timeout=2)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        with contextlib.suppress(OSError):
            child.stdout.close()  # type: ignore[union-attr]

    def _start(self) -> subprocess.Popen[bytes]:
        if self._child is None or self._served >= FILES_PER_CHILD:
            self.close()
            self._child = subprocess.Popen(
                [sys.executable, "-m", "registry.ingest.extract_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                preexec_fn=_limit_child,
            )
            self._served = 0
        return self._child

    def _kill(self) -> None:
        if self._child is not None:
            with contextlib.suppress(OSError):
                self._child.kill()
            self.close()

    def _ask(self, data: bytes, render: dict[str, int] | None = None) -> dict[str, Any] | None:
        """Send one file; the child's answer, or None when it died or ran out of time."""
        child = self._start()
        self._served += 1
        header: dict[str, Any] = {"size": len(data)}
        if render:
            header["render"] = render
        try:
            child.stdin.write(json.dumps(header).encode() + b"\n" + data)  # type: ignore[union-attr]
            child.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError):
            self._kill()
            return None
        deadline = time.monotonic() + TIME_LIMIT_SECONDS
        out = child.stdout.fileno()  # type: ignore[union-attr]
        received = bytearray()
        while not received.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([out], [], [], left)[0]:
                self._kill()
                return {"timeout": True}
            chunk = os.read(out, 1 << 16)
            if not chunk:
                self._kill()
                return None
            received += chunk
        answer: dict[str, Any] = json.loads(received)
        return answer

    def extract(self, data: bytes, name: str = "filen") -> Extracted:
        kind = _refuse_early(data, name)
        if kind == "text":
            return Extracted("text", name, text=_decode_text(data, name))
        label = _label(kind, name)
        answer = self._ask(data)
        if answer is None:
            raise UnreadableInput(f"{label} {name} kunde inte läsas (skadad eller för stor).")
        if answer.get("timeout"):
            raise UnreadableInput(f"{label} {name} tog för lång tid att läsa och avbröts.")
        if "error" in answer:
            raise UnreadableInput(f"{label} {name} kunde inte läsas: {answer['error']}.")
        return Extracted(
            answer["kind"],
            name,
            pages=answer.get("pages", []),
            blocks=answer.get("blocks", []),
            sheets=answer.get("sheets", []),
        )

    def render_pages(self, data: bytes, *, pages: int = 6, width: int = 900) -> list[PagePicture]:
        """A PDF's first ``pages`` pages as PNG pictures, drawn in the limited child; an empty
        list when the file cannot be drawn (the review then shows its text alone)."""
        if detect_kind(data) != "pdf":
            return []
        answer = self._ask(data, {"pages": pages, "width": width})
        if not answer or "images" not in answer:
            return []
        return [PagePicture(base64.b64decode(i["png"]), int(i["width"]), int(i["height"])) for i in answer["images"]]


@dataclass(frozen=True)
class PagePicture:
    """One page of a PDF drawn as a PNG."""

    png: bytes
    width: int
    height: int


def extract_file(data: bytes, name: str = "filen") -> Extracted:
    """Read one file in a fresh child (for a single upload)."""
    with Extractor() as extractor:
        return extractor.extract(data, name)


def extract_text(data: bytes, name: str = "filen", *, max_chars: int | None = None) -> str:
    """The running text of ``data`` without page headers and footers; raises UnreadableInput.

    With ``max_chars``, a file whose text is longer is refused as soon as its length is known,
    before the layout is worked out (for a 19 MB text file that is most of a second saved on
    every request, which an anonymous flood of uploads would otherwise take from the workers)."""
    from registry.ingest.layout import layout_of
    from registry.limits import too_long_message

    if _refuse_early(data, name) == "text":
        extracted = Extracted("text", name, text=_decode_text(data, name))  # no child for plain text
    else:
        extracted = extract_file(data, name)
    if max_chars is not None:
        length = (
            len(extracted.text)
            + sum(len(block.get("text", "")) for block in extracted.blocks)
            + sum(len(line.get("text", "")) for page in extracted.pages for line in page.get("lines", []))
        )
        if length > max_chars:
            raise UnreadableInput(too_long_message(length, f"Texten i {name}"))
    layout = layout_of(extracted)
    if layout.text.strip():
        return layout.text
    if extracted.kind == "text":
        raise UnreadableInput(f"{name} är tom; ge en text att bedöma.")
    if extracted.kind == "xlsx":
        raise UnreadableInput(f"{name} är ett kalkylblad, inte en text att bedöma.")
    raise UnreadableInput(f"{name} innehåller ingen text (kanske en skannad bild utan textlager).")
