"""Signed checkpoints of the audit trail's head, kept outside the database.

The hash chain alone shows that a row was edited, but not that the trail was shortened, nor
that someone with the owner role rewrote a row and recomputed every hash after it: a chain
rebuilt from scratch is a valid chain. A checkpoint records how many rows the trail had and the
hash of the last one, signed (HMAC-SHA256) with a key that is not in the database, and is
appended to a file the database cannot rewrite. ``verify`` then asks of the trail: does it still
have at least that many rows, and is row N still the row that was signed?

A restore legitimately sets the trail back to the backup; it appends a signed restore marker,
and only checkpoints from the last marker on are held against the trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import AuditEvent
from registry.timeutil import utcnow

if TYPE_CHECKING:
    from registry.archive.audit import ChainReport
    from registry.config import Settings

CHECKPOINT = "kontrollpunkt"
RESTORE_MARKER = "återställning"


@dataclass(frozen=True)
class Checkpoint:
    kind: str
    rows: int
    last_id: int | None
    head: str
    at: str
    note: str = ""

    def signed_part(self) -> str:
        return json.dumps(
            [self.kind, self.rows, self.last_id, self.head, self.at, self.note],
            ensure_ascii=False,
            separators=(",", ":"),
        )


@dataclass
class CheckpointFile:
    """What the file holds: the checkpoints to hold the trail against, and any line that is not
    a checkpoint we signed (each a reason the trail cannot be trusted)."""

    checkpoints: list[Checkpoint]
    problems: list[str]
    total_lines: int = 0


def load_or_create_key(path: Path) -> bytes:
    """The signing key: created on first use (32 random bytes, readable by its owner only)."""
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _mac(key: bytes, checkpoint: Checkpoint) -> str:
    return hmac.new(key, checkpoint.signed_part().encode("utf-8"), hashlib.sha256).hexdigest()


def head_of(session: Session, kind: str = CHECKPOINT, note: str = "") -> Checkpoint:
    """The trail's head now: its row count and the last row's id and hash, read in one snapshot."""
    rows = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    at = utcnow().replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return Checkpoint(kind, rows, last.id if last else None, last.hash if last else "", at, note)


def append_checkpoint(checkpoint: Checkpoint, *, key_path: Path, file_path: Path) -> str:
    """Sign the checkpoint and append it as one JSON line (O_APPEND, fsync); returns the line."""
    key = load_or_create_key(key_path)
    record = {
        "slag": checkpoint.kind,
        "rader": checkpoint.rows,
        "sista_id": checkpoint.last_id,
        "hash": checkpoint.head,
        "tid": checkpoint.at,
        "not": checkpoint.note,
        "signatur": _mac(key, checkpoint),
    }
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    file_path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(file_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(descriptor, (line + "\n").encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return line


def write_checkpoint(
    session: Session, *, key_path: Path, file_path: Path, kind: str = CHECKPOINT, note: str = ""
) -> str:
    return append_checkpoint(head_of(session, kind, note), key_path=key_path, file_path=file_path)


def read_checkpoints(file_path: Path, key_path: Path) -> CheckpointFile:
    """Every line checked against the key; only checkpoints from the last restore marker on count."""
    if not file_path.exists():
        return CheckpointFile([], [])
    lines = file_path.read_text(encoding="utf-8").splitlines()
    if not key_path.exists():
        return CheckpointFile([], [f"nyckeln {key_path} saknas, så kontrollpunkterna i {file_path} kan inte prövas"])
    key = bytes.fromhex(key_path.read_text(encoding="ascii").strip())
    found: list[Checkpoint] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            checkpoint = Checkpoint(
                str(record["slag"]),
                int(record["rader"]),
                None if record["sista_id"] is None else int(record["sista_id"]),
                str(record["hash"]),
                str(record["tid"]),
                str(record.get("not", "")),
            )
            signature = str(record["signatur"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"rad {number} i {file_path.name} är ingen kontrollpunkt")
            continue
        if not hmac.compare_digest(signature, _mac(key, checkpoint)):
            problems.append(
                f"rad {number} i {file_path.name} har en signatur som inte stämmer (ändrad eller förfalskad)"
            )
            continue
        if checkpoint.kind == RESTORE_MARKER:
            found = []  # the trail was set back to a backup here; earlier heads no longer apply
        found.append(checkpoint)
    return CheckpointFile(found, problems, len(lines))


def checkpoint_due(file_path: Path, every: dt.timedelta, now: float | None = None) -> bool:
    """True when no checkpoint has been written for ``every`` (judged by the file's mtime, so
    that a busy register costs one stat per commit, not a query)."""
    import time

    try:
        modified = file_path.stat().st_mtime
    except FileNotFoundError:
        return True
    return (now if now is not None else time.time()) - modified >= every.total_seconds()


def checkpoint_if_due(read_session: Session, settings: Settings) -> str | None:
    """After a commit: append a checkpoint when the last one is older than the settings allow.
    ``read_session`` is a fresh reading session; it is closed here."""
    with read_session:
        if settings.audit_checkpoint_minutes <= 0 or not checkpoint_due(
            settings.audit_checkpoint_path, dt.timedelta(minutes=settings.audit_checkpoint_minutes)
        ):
            return None
        head = head_of(read_session)
        if head.rows == 0:
            return None  # nothing to anchor yet
        try:
            return append_checkpoint(head, key_path=settings.audit_key_path, file_path=settings.audit_checkpoint_path)
        except OSError as error:
            # The write itself is committed; a checkpoint that cannot be written is logged (and
            # tried again after the next write), never a failed request.
            logging.getLogger("styrdok").error("Kontrollpunkten kunde inte skrivas: %s", error)
            return None


def verify_with_checkpoints(session: Session, settings: Settings) -> tuple[ChainReport, CheckpointFile]:
    """The chain held against the signed checkpoints; returns (ChainReport, CheckpointFile)."""
    from registry.archive.audit import ChainReport, verify_chain  # noqa: F811 (at run time)

    stored = read_checkpoints(settings.audit_checkpoint_path, settings.audit_key_path)
    if stored.problems:
        return ChainReport(0, None, "; ".join(stored.problems)), stored
    return verify_chain(session, stored.checkpoints), stored
