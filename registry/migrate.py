"""Run Alembic migrations from code: the only way the schema is made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine


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


def alembic_config(connection: Connection | None = None) -> Config:
    """The migrations of the installed package, found through it (alembic.ini at the top is for
    the ``alembic`` command in a checkout; a wheel has none)."""
    import migrations

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).resolve().parent))
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "file_template", "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"
    )
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revisions() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())
