"""Database triggers that keep the public record intact whatever the application does.

Documents, document versions and audit events are never deleted; versions and audit events are
never changed. The application never tries; these triggers make sure nothing else can either.
Kept in one module so later revisions can recreate them after batch table copies on SQLite.
"""

from __future__ import annotations

from alembic import op

#: (table, operations refused)
GUARDED = (
    ("documents", ("DELETE",)),
    ("document_versions", ("DELETE", "UPDATE")),
    ("audit_events", ("DELETE", "UPDATE")),
)

MESSAGE = "styrdok: raden är en del av registrets historik och får inte ändras eller raderas"


def _name(table: str, operation: str) -> str:
    return f"trg_{table}_no_{operation.lower()}"


#: With gallring (from revision ec0710a2c006): documents and their versions may be deleted only when the
#: document's tombstone is in culled_documents. (table, column naming the document)
CULLABLE = {"documents": "id", "document_versions": "document_id"}


def create_guards(*, culling: bool = False) -> None:
    """Create the triggers; with ``culling`` a tombstone makes a document deletable."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION styrdok_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE} (% på %)', TG_OP, TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        if culling:
            op.execute(
                f"""
                CREATE OR REPLACE FUNCTION styrdok_refuse_unless_culled() RETURNS trigger AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM culled_documents
                               WHERE document_id = to_jsonb(OLD) ->> TG_ARGV[0]) THEN
                        RETURN OLD;
                    END IF;
                    RAISE EXCEPTION '{MESSAGE} (% på %)', TG_OP, TG_TABLE_NAME;
                END;
                $$ LANGUAGE plpgsql
                """
            )
    for table, operations in GUARDED:
        for operation in operations:
            name = _name(table, operation)
            if culling and operation == "DELETE" and table in CULLABLE:
                column = CULLABLE[table]
                if dialect == "postgresql":
                    op.execute(
                        f"CREATE TRIGGER {name} BEFORE DELETE ON {table} FOR EACH ROW "
                        f"EXECUTE FUNCTION styrdok_refuse_unless_culled('{column}')"
                    )
                else:
                    op.execute(
                        f"CREATE TRIGGER {name} BEFORE DELETE ON {table} WHEN NOT EXISTS "
                        f"(SELECT 1 FROM culled_documents WHERE document_id = OLD.{column}) "
                        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                    )
                continue
            if dialect == "postgresql":
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION styrdok_refuse_change()"
                )
            else:
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {table} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )


def drop_guards() -> None:
    dialect = op.get_bind().dialect.name
    for table, operations in GUARDED:
        for operation in operations:
            name = _name(table, operation)
            if dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS styrdok_refuse_change()")
        op.execute("DROP FUNCTION IF EXISTS styrdok_refuse_unless_culled()")
