"""Text from uploaded files: plain text, PDF and DOCX, recognised by content, not by name.

PDF and DOCX are parsed in a separate process with memory and time limits, so a hostile or
broken file cannot take the caller down; every failure becomes one Swedish message.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys

from registry.errors import UnreadableInput

MAX_BYTES = 20 * 1024 * 1024
TIME_LIMIT_SECONDS = 30
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024


def detect_kind(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data[:2] == b"MZ" or data[:4] == b"\x7fELF":
        return "binary"
    return "text"


def extract_text(data: bytes, name: str = "filen") -> str:
    """Return the text of ``data``; raises UnreadableInput with a Swedish reason."""
    if len(data) > MAX_BYTES:
        raise UnreadableInput(f"{name} är för stor ({len(data) // (1024 * 1024)} MB); högst {MAX_BYTES // (1024 * 1024)} MB.")
    kind = detect_kind(data)
    if kind == "binary":
        raise UnreadableInput(f"{name} är ett program eller en annan binärfil, inte text, PDF eller DOCX.")
    if kind == "text":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise UnreadableInput(f"{name} är varken text i UTF-8, PDF eller DOCX.") from None
        if "\x00" in text:
            raise UnreadableInput(f"{name} innehåller binära data och kan inte läsas som text.")
        return text
    return _extract_in_child(data, kind, name)


def _limit_child() -> None:  # runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (TIME_LIMIT_SECONDS, TIME_LIMIT_SECONDS))


def _extract_in_child(data: bytes, kind: str, name: str) -> str:
    label = "PDF-filen" if kind == "pdf" else "Word-filen"
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "registry.extract_worker", kind],
            input=data, capture_output=True, timeout=TIME_LIMIT_SECONDS + 5,
            preexec_fn=_limit_child, check=False,
        )
    except subprocess.TimeoutExpired:
        raise UnreadableInput(f"{label} {name} tog för lång tid att läsa och avbröts.") from None
    if completed.returncode != 0:
        reason = ""
        with contextlib.suppress(ValueError):  # a child killed by a limit prints nothing useful
            reason = json.loads(completed.stdout or b"{}").get("error", "")
        raise UnreadableInput(f"{label} {name} kunde inte läsas" + (f": {reason}" if reason else " (skadad eller för stor).")) from None
    text = json.loads(completed.stdout)["text"]
    if not text.strip():
        raise UnreadableInput(f"{label} {name} innehåller ingen text (kanske en skannad bild utan textlager).")
    return text
