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


#: From revision b2d4f6a8c0e1: tombstones are history too, and may only be made for an ended document.
#: trigger -> the table it is on
TOMBSTONE_GUARDS = {
    "trg_culled_documents_no_update": "culled_documents",
    "trg_culled_documents_no_delete": "culled_documents",
    "trg_culled_documents_only_ended": "culled_documents",
    "trg_documents_no_culled_id": "documents",
}
ENDED_STATUSES = ("upphävd", "ersatt", "avpublicerad")
TOMBSTONE_MESSAGE = "styrdok: en gravsten får bara läggas för ett upphävt, ersatt eller avpublicerat dokument"
REUSE_MESSAGE = "styrdok: id:t tillhörde ett gallrat dokument och används inte igen"


def create_tombstone_guards() -> None:
    """Tombstones can be neither changed nor removed; one can be laid only for a document that
    has ended (so a stray INSERT cannot make an in-force document deletable); a culled id is
    never given to a new document."""
    dialect = op.get_bind().dialect.name
    ended = ", ".join(f"'{s}'" for s in ENDED_STATUSES)
    if dialect == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION styrdok_tombstone_only_ended() RETURNS trigger AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM documents WHERE id = NEW.document_id AND status IN ({ended})) THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION '{TOMBSTONE_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION styrdok_refuse_culled_id() RETURNS trigger AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM culled_documents WHERE document_id = NEW.id) THEN
                    RAISE EXCEPTION '{REUSE_MESSAGE}';
                END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER trg_culled_documents_no_update BEFORE UPDATE ON culled_documents "
            "FOR EACH ROW EXECUTE FUNCTION styrdok_refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER trg_culled_documents_no_delete BEFORE DELETE ON culled_documents "
            "FOR EACH ROW EXECUTE FUNCTION styrdok_refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER trg_culled_documents_only_ended BEFORE INSERT ON culled_documents "
            "FOR EACH ROW EXECUTE FUNCTION styrdok_tombstone_only_ended()"
        )
        op.execute(
            "CREATE TRIGGER trg_documents_no_culled_id BEFORE INSERT ON documents "
            "FOR EACH ROW EXECUTE FUNCTION styrdok_refuse_culled_id()"
        )
        return
    for name, operation in (("trg_culled_documents_no_update", "UPDATE"), ("trg_culled_documents_no_delete", "DELETE")):
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {operation} ON culled_documents BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    op.execute(
        "CREATE TRIGGER trg_culled_documents_only_ended BEFORE INSERT ON culled_documents WHEN NOT EXISTS "
        f"(SELECT 1 FROM documents WHERE id = NEW.document_id AND status IN ({ended})) "
        f"BEGIN SELECT RAISE(ABORT, '{TOMBSTONE_MESSAGE}'); END"
    )
    op.execute(
        "CREATE TRIGGER trg_documents_no_culled_id BEFORE INSERT ON documents WHEN EXISTS "
        "(SELECT 1 FROM culled_documents WHERE document_id = NEW.id) "
        f"BEGIN SELECT RAISE(ABORT, '{REUSE_MESSAGE}'); END"
    )


def drop_tombstone_guards() -> None:
    dialect = op.get_bind().dialect.name
    for name, table in TOMBSTONE_GUARDS.items():
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS styrdok_tombstone_only_ended()")
        op.execute("DROP FUNCTION IF EXISTS styrdok_refuse_culled_id()")


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
