"""Run Alembic migrations from code: the only way the schema is made.

Alembic is imported only where it migrates: every CLI command asks whether the schema is
current, and importing Alembic for that question cost a third of a second of each command."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave out what the ORM does not model: the FTS5 table and its shadow tables, and the
    tsvector columns and indexes of PostgreSQL search (made by hand in the search migrations)."""
    if type_ == "table" and name and name.startswith("search_fts"):
        return False
    if type_ == "index" and name and name.endswith("_tsv"):
        return False
    if type_ == "column" and name in POSTGRESQL_ONLY_COLUMNS:
        return False
    return True


#: Generated tsvector columns of search_entries on PostgreSQL (migration e5a7c9d1f3b4); SQLite
#: searches through FTS5 instead, so the ORM does not model them.
POSTGRESQL_ONLY_COLUMNS = ("terms_tsv", "reversed_tsv")


def _scripts() -> Path:
    """The migrations of the installed package, found through it (alembic.ini at the top is for
    the ``alembic`` command in a checkout; a wheel has none)."""
    import migrations

    return Path(migrations.__file__).resolve().parent


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_scripts()))
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "file_template", "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"
    )
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision alembic_version holds (None for an empty database), read as Alembic keeps it."""
    with engine.connect() as connection:
        if not engine.dialect.has_table(connection, "alembic_version"):
            return None
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(versions) > 1:  # pragma: no cover - the history is linear (test_migrations)
        raise RuntimeError(f"Databasen har flera schemaversioner: {', '.join(versions)}")
    return versions[0] if versions else None


def head_revisions() -> tuple[str, ...]:
    """The revisions no other revision follows, read from the scripts' ``revision`` and
    ``down_revision`` assignments without loading Alembic (the same answer as its
    ScriptDirectory.get_heads, tested)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for script in sorted((_scripts() / "versions").glob("*.py")):
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name, value = node.targets[0].id, node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                name, value = node.target.id, node.value
            else:
                continue
            if name == "revision":
                revisions.add(ast.literal_eval(value))
            elif name == "down_revision":
                down = ast.literal_eval(value)
                followed.update([down] if isinstance(down, str) else down or ())
    return tuple(sorted(revisions - followed))
