"""PostgreSQL roles: the owner migrates, the application only reads and writes rows.

The history triggers (migrations/guards.py) refuse to change or delete the record, but a role
that owns the tables can drop or disable them. So the register is run with a role that owns
nothing: it may SELECT, INSERT, UPDATE and DELETE rows (the triggers still decide which), never
TRUNCATE, create objects, alter tables or triggers, or change the schema revision. The owner
role (the one ``styrdok init`` and ``styrdok restore`` run with) keeps those rights.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Engine

from registry.errors import InvalidInput

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

#: Tables the application only ever appends to or reads: no UPDATE or DELETE even where a
#: trigger would refuse it (defence in depth), and the schema revision only read.
APPEND_ONLY = ("audit_events", "culled_documents")
READ_ONLY = ("alembic_version",)


def grant_app_role(engine: Engine, role: str, password: str | None = None) -> list[str]:
    """Create (if need be) a login role for the application and give it row rights only.
    Run with the owner role; safe to run again after every migration. Returns the statements."""
    if engine.dialect.name != "postgresql":
        raise InvalidInput("En egen roll för appen finns bara i PostgreSQL; SQLite har inga roller.")
    if not ROLE_NAME.match(role):
        raise InvalidInput(f"Rollnamnet ”{role[:80]}” går inte: små bokstäver a–z, siffror och _, högst 63 tecken.")
    quoted = f'"{role}"'
    statements = []
    with engine.begin() as connection:
        database = connection.execute(text("SELECT current_database()")).scalar_one()
        owner = connection.execute(text("SELECT current_user")).scalar_one()
        if owner == role:
            raise InvalidInput("Kör kommandot som ägarrollen, inte som appens roll.")
        exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        if not exists:
            statements.append(f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT")
        statements += [
            f'GRANT CONNECT ON DATABASE "{database}" TO {quoted}',
            f"GRANT USAGE ON SCHEMA public TO {quoted}",
            f"REVOKE CREATE ON SCHEMA public FROM {quoted}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
            # Tables a later migration adds get the same rights.
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {quoted}",
            *(f"REVOKE UPDATE, DELETE ON {table} FROM {quoted}" for table in APPEND_ONLY),
            *(f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {quoted}" for table in READ_ONLY),
        ]
        for statement in statements:
            connection.execute(text(statement))
        if password:
            # Utility statements take no bound parameters; a literal with quotes doubled
            # (standard_conforming_strings is on since PostgreSQL 9.1).
            literal = "'" + password.replace("'", "''") + "'"
            connection.exec_driver_sql(f"ALTER ROLE {quoted} PASSWORD {literal}")
            statements.append(f"ALTER ROLE {quoted} PASSWORD '…'")
    return statements
