"""Reads load what they show in a fixed number of statements, whatever the page size (issue 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from registry.models.vocabulary import IN_FORCE
from registry.queries import RegisterFilters, list_documents
from registry.serialize import document_to_dict


@pytest.mark.parametrize("per_page", [5, 40])
def test_a_register_page_and_its_json_take_the_same_few_statements_for_any_page_size(
    db_session, make_document, per_page
):
    for number in range(45):
        make_document(title=f"Riktlinje nummer {number}", type="riktlinje", status=IN_FORCE)
    db_session.flush()
    db_session.expire_all()
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        rows, total = list_documents(db_session, RegisterFilters(), statuses=(IN_FORCE,), per_page=per_page)
        payload = [document_to_dict(row.document) for row in rows]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert total >= 45 and len(payload) == per_page
    assert len(statements) <= 6, statements
