"""Create the register schema

Bodies, documents with sections, topics and immutable versions, cases with their decisions
and papers, relations, findings, the audit trail and register settings. Triggers make
documents, document versions and audit events impossible to delete, and versions and audit
events impossible to change, on both SQLite and PostgreSQL.

Revision ID: 5fff6f9924d0
Revises:
Create Date: 2026-11-27 03:25:18.835668
"""

import sqlalchemy as sa
from alembic import op

from migrations.guards import create_guards, drop_guards

revision = "5fff6f9924d0"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=60), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "level IN ('fullmäktige', 'styrelse', 'utskott', 'nämnd', 'förvaltning', 'tjänsteperson')",
            name=op.f("ck_bodies_level_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bodies")),
        sa.UniqueConstraint("key", name=op.f("uq_bodies_key")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("dnr", sa.String(length=60), nullable=False),
        sa.Column("dnr_normalised", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("submitted_by", sa.String(length=300), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('motion', 'medborgarförslag', 'uppdrag', 'interpellation', 'ärende')",
            name=op.f("ck_cases_kind_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("dnr_normalised", name=op.f("uq_cases_dnr_normalised")),
    )
    op.create_table(
        "register_settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_register_settings")),
    )
    op.create_table(
        "case_papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("dates", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('motion', 'medborgarförslag', 'tjänsteskrivelse', 'protokollsutdrag', 'yttrande', 'övrigt')",
            name=op.f("ck_case_papers_kind_known"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_papers_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_papers")),
        sa.UniqueConstraint("case_id", "kind", "title", name=op.f("uq_case_papers_case_id_kind_title")),
    )
    with op.batch_alter_table("case_papers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_papers_case_id"), ["case_id"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("paragraph", sa.String(length=20), nullable=False),
        sa.Column("dnr", sa.String(length=60), nullable=True),
        sa.Column("dnr_normalised", sa.String(length=60), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("wording", sa.Text(), nullable=True),
        sa.Column("reservations", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('bifall', 'avslag', 'besvarad', 'återremiss', 'bordlagd', 'förslag till beslut', 'antagen', 'upphävd', 'övrigt')",
            name=op.f("ck_decisions_outcome_known"),
        ),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"], name=op.f("fk_decisions_body_id_bodies")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_decisions_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint(
            "body_id", "meeting_date", "paragraph", name=op.f("uq_decisions_body_id_meeting_date_paragraph")
        ),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_dnr_normalised"), ["dnr_normalised"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("type_key", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("full_text", sa.Text(), nullable=True),
        sa.Column("adopted_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("content_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('utkast', 'under beredning', 'gällande', 'upphävd', 'ersatt', 'avpublicerad')",
            name=op.f("ck_documents_status_known"),
        ),
        sa.CheckConstraint("length(trim(title)) > 0", name=op.f("ck_documents_title_not_blank")),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from",
            name=op.f("ck_documents_validity_ordered"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_documents_version_positive")),
        sa.ForeignKeyConstraint(["adopted_by_id"], ["bodies.id"], name=op.f("fk_documents_adopted_by_id_bodies")),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name=op.f("fk_documents_decision_id_decisions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_adopted_by_id"), ["adopted_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_next_review_on"), ["next_review_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_type_key"), ["type_key"], unique=False)

    op.create_table(
        "case_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.CheckConstraint(
            "role IN ('berör', 'beslutsunderlag', 'tjänsteskrivelse', 'motion', 'resultat')",
            name=op.f("ck_case_documents_role_known"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_documents_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_case_documents_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_documents")),
        sa.UniqueConstraint("case_id", "document_id", name=op.f("uq_case_documents_case_id_document_id")),
    )
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_documents_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_documents_document_id"), ["document_id"], unique=False)

    op.create_table(
        "document_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("topic", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_topics_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_topics")),
        sa.UniqueConstraint("document_id", "topic", name=op.f("uq_document_topics_document_id_topic")),
    )
    with op.batch_alter_table("document_topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_topics_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_topics_topic"), ["topic"], unique=False)

    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_versions_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_versions")),
        sa.UniqueConstraint("document_id", "version", name=op.f("uq_document_versions_document_id_version")),
    )
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_versions_document_id"), ["document_id"], unique=False)

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("document_version", sa.Integer(), nullable=False),
        sa.Column("ruleset_key", sa.String(length=60), nullable=False),
        sa.Column("ruleset_version", sa.String(length=60), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("clause_type", sa.String(length=40), nullable=True),
        sa.Column("clause_text", sa.Text(), nullable=True),
        sa.Column("clause_source", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("severity IN ('error', 'warning', 'info')", name=op.f("ck_findings_severity_known")),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_findings_document_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findings_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_document_id"), ["document_id"], unique=False)

    op.create_table(
        "relations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("source_anchor", sa.String(length=120), nullable=False),
        sa.Column("target_anchor", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "kind IN ('genomför', 'konkretiserar', 'ersätter', 'upphäver', 'berör', 'hänvisar till')",
            name=op.f("ck_relations_kind_known"),
        ),
        sa.CheckConstraint("source_id <> target_id", name=op.f("ck_relations_no_self_link")),
        sa.ForeignKeyConstraint(["source_id"], ["documents.id"], name=op.f("fk_relations_source_id_documents")),
        sa.ForeignKeyConstraint(["target_id"], ["documents.id"], name=op.f("fk_relations_target_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relations")),
        sa.UniqueConstraint(
            "source_id",
            "target_id",
            "kind",
            "source_anchor",
            "target_anchor",
            name=op.f("uq_relations_source_id_target_id_kind_source_anchor_target_anchor"),
        ),
    )
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relations_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relations_target_id"), ["target_id"], unique=False)

    op.create_table(
        "sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("anchor", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("heading", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint("length(anchor) > 0", name=op.f("ck_sections_anchor_not_blank")),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_sections_document_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sections")),
        sa.UniqueConstraint("document_id", "anchor", name=op.f("uq_sections_document_id_anchor")),
    )
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sections_document_id"), ["document_id"], unique=False)

    create_guards()


def downgrade() -> None:
    # Destructive: the whole register goes with its tables (a way back to an empty database).
    drop_guards()
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sections_document_id"))

    op.drop_table("sections")
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relations_target_id"))
        batch_op.drop_index(batch_op.f("ix_relations_source_id"))

    op.drop_table("relations")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_findings_document_id"))
        batch_op.drop_index(batch_op.f("ix_findings_code"))

    op.drop_table("findings")
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_versions_document_id"))

    op.drop_table("document_versions")
    with op.batch_alter_table("document_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_topics_topic"))
        batch_op.drop_index(batch_op.f("ix_document_topics_document_id"))

    op.drop_table("document_topics")
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_documents_document_id"))
        batch_op.drop_index(batch_op.f("ix_case_documents_case_id"))

    op.drop_table("case_documents")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_type_key"))
        batch_op.drop_index(batch_op.f("ix_documents_status"))
        batch_op.drop_index(batch_op.f("ix_documents_next_review_on"))
        batch_op.drop_index(batch_op.f("ix_documents_decision_id"))
        batch_op.drop_index(batch_op.f("ix_documents_adopted_by_id"))

    op.drop_table("documents")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_dnr_normalised"))
        batch_op.drop_index(batch_op.f("ix_decisions_case_id"))
        batch_op.drop_index(batch_op.f("ix_decisions_body_id"))

    op.drop_table("decisions")
    with op.batch_alter_table("case_papers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_papers_case_id"))

    op.drop_table("case_papers")
    op.drop_table("register_settings")
    op.drop_table("cases")
    op.drop_table("bodies")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_entity_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    op.drop_table("audit_events")
