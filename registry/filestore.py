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
