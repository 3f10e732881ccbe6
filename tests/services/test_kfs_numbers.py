"""KFS numbers: given once, when a document is first public, in one sequence per year, and never
twice, even when two registrators publish at the same moment (the unique index settles it)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from registry import migrate
from registry.db import AT_FIRST_WRITE, make_engine, make_session_factory
from registry.models import Document
from registry.services import register_document, revise_document


def test_a_draft_gets_its_number_when_published_and_keeps_it_through_later_changes(db_session):
    draft = register_document(
        db_session, {"title": "Policy för lokaler", "type": "policy", "status": "utkast"}, actor="t"
    )
    assert draft.kfs_number is None
    revise_document(db_session, draft.id, {"status": "gällande", "expected_version": 1, "reason": "Antagen"}, actor="t")
    number = (draft.kfs_year, draft.kfs_number)
    assert number[1] is not None
    revise_document(db_session, draft.id, {"type": "riktlinje", "expected_version": 2, "reason": "Ny typ"}, actor="t")
    revise_document(db_session, draft.id, {"status": "upphävd", "expected_version": 3, "reason": "Upphävd"}, actor="t")
    assert (draft.kfs_year, draft.kfs_number) == number


def test_the_year_is_the_decisions_and_numbers_run_per_year(db_session, bodies):
    first = register_document(
        db_session,
        {
            "title": "Taxa för bygglov",
            "type": "taxa",
            "status": "gällande",
            "decision": {"body": "KF", "meeting_date": "2023-10-02", "paragraph": "88"},
        },
        actor="t",
    )
    second = register_document(
        db_session,
        {"title": "Reglemente för valnämnden", "type": "reglemente", "status": "gällande", "valid_from": "2023-01-01"},
        actor="t",
    )
    assert (first.kfs_year, second.kfs_year) == (2023, 2023)
    assert second.kfs_number == first.kfs_number + 1  # one sequence for the year, whatever the type


@pytest.mark.parametrize("writers, each", [(4, 1), (16, 4)], ids=["four-at-once", "sixteen-writers"])
def test_registrators_publishing_at_once_get_one_number_each(fresh_db_url, writers, each):
    """Sixteen writers on PostgreSQL once ran out of retries (a 500 for one write in five)."""
    engine = make_engine(fresh_db_url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine, writes=AT_FIRST_WRITE)
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def publish(n: int) -> None:
        try:
            start.wait()
            for k in range(each):
                with sessions() as session:
                    register_document(
                        session,
                        {"title": f"Riktlinje {n}-{k}", "type": "riktlinje", "status": "gällande"},
                        actor=f"r{n}",
                    )
                    session.commit()
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with sessions() as session:
        numbers = sorted(n for (n,) in session.execute(select(Document.kfs_number)))
    assert numbers == list(range(1, writers * each + 1))
    engine.dispose()
