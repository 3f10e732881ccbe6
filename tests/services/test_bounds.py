"""Every string a user can give has the same bound in its schema as in its column (issue 13, break 4).

A field the schema let through longer than its column was a 500 on PostgreSQL (SQLite stores any
length); now each is refused with a Swedish message before anything is written, on both databases.
"""

from __future__ import annotations

import pytest
from marshmallow import validate
from sqlalchemy import select

from registry.errors import InvalidInput
from registry.models import AuditEvent, Body, Case, CasePaper, Decision, Document, DocumentTopic, Relation, Section
from registry.models.users import User
from registry.schemas import (
    BodySchema,
    CasePaperSchema,
    CaseSchema,
    DecisionSchema,
    DocumentSchema,
    RelationSchema,
    SectionSchema,
)
from registry.services.audit import record_event
from registry.services.users import UserSchema, authenticate

PAIRS = [
    (DocumentSchema, "title", Document.title),
    (DocumentSchema, "scope", Document.scope),
    (DocumentSchema, "owner", Document.owner),
    (SectionSchema, "heading", Section.heading),
    (SectionSchema, "anchor", Section.anchor),
    (CaseSchema, "title", Case.title),
    (CaseSchema, "submitted_by", Case.submitted_by),
    (CaseSchema, "dnr", Case.dnr),
    (DecisionSchema, "paragraph", Decision.paragraph),
    (DecisionSchema, "dnr", Decision.dnr),
    (CasePaperSchema, "title", CasePaper.title),
    (RelationSchema, "source_section", Relation.source_anchor),
    (RelationSchema, "target_section", Relation.target_anchor),
    (BodySchema, "key", Body.key),
    (BodySchema, "name", Body.name),
    (UserSchema, "display_name", User.display_name),
]


def _schema_max(schema, name: str) -> int | None:
    field = schema().fields[name]
    lengths = [v.max for v in field.validators if isinstance(v, validate.Length) and v.max is not None]
    return min(lengths) if lengths else None


@pytest.mark.parametrize("schema, name, column", PAIRS, ids=[f"{s.__name__}.{n}" for s, n, _ in PAIRS])
def test_the_schema_bounds_each_string_as_its_column_does(schema, name, column):
    bound = _schema_max(schema, name)
    assert bound is not None, f"{schema.__name__}.{name} har ingen längdgräns"
    assert bound <= column.type.length


def test_topics_are_bounded_as_their_column():
    inner = DocumentSchema().fields["topics"].inner
    assert max(v.max for v in inner.validators if isinstance(v, validate.Length)) <= DocumentTopic.topic.type.length


@pytest.mark.parametrize(
    "dnr, problem",
    [
        ("A" * 70 + " 2025.032", "högst 60 tecken"),
        ("KS\n2025.032", "radbrytningar"),
        ("KS\v2025.032", "radbrytningar"),
        ("KS\f2025.032", "radbrytningar"),
    ],
)
def test_a_dnr_too_long_or_with_control_characters_is_refused_in_swedish(dnr, problem):
    with pytest.raises(Exception) as caught:
        CaseSchema().load({"dnr": dnr, "kind": "motion", "title": "Motion om parker"})
    assert problem in str(caught.value)


def test_a_long_submitted_by_is_refused(db_session):
    from registry.services import register_case

    with pytest.raises(InvalidInput) as caught:
        register_case(
            db_session, {"dnr": "KS 2026.1", "kind": "motion", "title": "Motion", "submitted_by": "x" * 301}, actor="t"
        )
    assert "300" in str(caught.value.messages if hasattr(caught.value, "messages") else caught.value)
    assert db_session.scalar(select(Case).where(Case.dnr == "KS 2026.1")) is None


def test_an_audit_row_takes_any_username_cut_to_its_column(db_session):
    """A 400 000-character username was stored whole on SQLite and refused (500) on PostgreSQL."""
    huge = "a" * 400_000
    assert authenticate(db_session, huge, "fel") is None
    row = db_session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert row.action == "login.failed"
    assert len(row.actor) == AuditEvent.actor.type.length and row.actor.endswith("…")
    assert len(row.entity_id) == AuditEvent.entity_id.type.length
    event = record_event(db_session, actor="x", action="y" * 100, entity_type="z" * 100, entity_id="w" * 100)
    assert (len(event.action), len(event.entity_type), len(event.entity_id)) == (60, 40, 60)
