"""Uploaded originals, stored by the sha256 of their content (never by the name a user gave).

A file is written to a temporary name, flushed to disk and renamed into place, so a crash leaves
either the whole file or none of it; storing the same content twice is a no-op. User-given file
names are metadata only: they never reach a path.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_HEX = re.compile(r"^[0-9a-f]{64}$")


class FileStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path_of(self, digest: str) -> Path:
        if not _HEX.match(digest):
            raise ValueError("ogiltig kontrollsumma")
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return digest

    def remove(self, digest: str) -> None:
        self.path_of(digest).unlink(missing_ok=True)

    def get(self, digest: str) -> bytes:
        data = self.path_of(digest).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise OSError(f"filen {digest[:12]}… har ändrats i lagret")
        return data


def display_name(name: str | None) -> str:
    """A user-given file name as it may be shown: last path part, no control characters."""
    last = re.split(r"[\\/]", name or "")[-1]
    cleaned = re.sub(r"[\x00-\x1f\x7f]", "", last).strip()
    return cleaned[:200] or "namnlös fil"


def media_type_of(data: bytes, name: str) -> str:
    """The media type by content (the name only tells DOCX from XLSX inside a zip)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        if name.lower().endswith(".xlsx"):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return "text/plain; charset=utf-8"


def stored_digests(root: Path) -> list[str]:
    """Every content hash in the store."""
    return sorted(p.name for p in Path(root).glob("??/*") if _HEX.match(p.name))


def write_manifest(root: Path, target: Path) -> int:
    """Copy the store to ``target`` with a MANIFEST.sha256 (one "hash  path" line per file)."""
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    digests = stored_digests(root)
    for digest in digests:
        destination = target / digest[:2] / digest
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(root) / digest[:2] / digest, destination)
    (target / "MANIFEST.sha256").write_text("".join(f"{d}  {d[:2]}/{d}\n" for d in digests), encoding="ascii")
    return len(digests)


def restore_manifest(source: Path, root: Path) -> int:
    """Put the files of a backup back into the store, each checked against its manifest hash."""
    store = FileStore(root)
    count = 0
    for line in (source / "MANIFEST.sha256").read_text(encoding="ascii").splitlines():
        digest, relative = line.split("  ", 1)
        data = (source / relative).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise OSError(f"filen {relative} i säkerhetskopian stämmer inte med sin kontrollsumma")
        store.put(data)
        count += 1
    return count
