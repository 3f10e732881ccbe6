"""Domain errors. Each carries a message that is safe and useful to show a Swedish user."""

from __future__ import annotations


class RegistryError(Exception):
    """Base for every error a user can cause; ``message`` is Swedish and names what is wrong."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})

    def __str__(self) -> str:
        return self.message


class InvalidInput(RegistryError):
    status = 422


class NotFound(RegistryError):
    status = 404


class Conflict(RegistryError):
    status = 409


class StaleVersion(Conflict):
    """The document changed since the caller read it (optimistic locking)."""

    status = 412
    #: The version the register holds now, and the fields changed since the caller's version.
    current_version: int | None = None
    changed_fields: list[str] = []  # noqa: RUF012 (replaced per instance, never mutated)


class RuleFileError(RegistryError):
    """A rule file is broken; the message names the file and the dotted path."""

    def __init__(self, file: str, path: str, problem: str):
        super().__init__(f"{file}: {path}: {problem}" if path else f"{file}: {problem}")
        self.file = file
        self.path = path
        self.problem = problem


class UnreadableInput(RegistryError):
    """A text, PDF or DOCX the engine cannot read."""
