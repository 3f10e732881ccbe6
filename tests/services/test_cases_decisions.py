"""Ärenden and beslut: one ärende however its dnr is written, decisions in order."""

from __future__ import annotations

import pytest

from registry.errors import Conflict
from registry.services import record_decision, register_case
from registry.services.cases import find_case


def test_case_with_decisions_in_meeting_order(db_session, bodies):
    case = register_case(
        db_session,
        {
            "dnr": "KS 2025.032",
            "kind": "motion",
            "title": "Motion om AI",
            "decisions": [
                {"body": "KS", "meeting_date": "2025-04-07", "paragraph": "61", "outcome": "förslag till beslut"},
                {"body": "KS AU", "meeting_date": "2025-03-27", "paragraph": "§52", "outcome": "förslag till beslut"},
            ],
        },
        actor="a",
    )
    assert [d.reference for d in case.decisions] == ["KS AU 2025-03-27 § 52", "KS 2025-04-07 § 61"]
    assert find_case(db_session, "ks 2025/32") is case


def test_same_dnr_written_differently_is_the_same_case(db_session, bodies):
    register_case(db_session, {"dnr": "KS 2025.032", "kind": "motion", "title": "A"}, actor="a")
    with pytest.raises(Conflict, match="finns redan"):
        register_case(db_session, {"dnr": "KS 2025/32", "kind": "motion", "title": "B"}, actor="a")


def test_recording_the_same_paragraph_twice_adds_nothing(db_session, bodies):
    data = {"body": "KS", "meeting_date": "2025-04-07", "paragraph": "61"}
    first, created = record_decision(db_session, data, actor="a")
    again, created_again = record_decision(db_session, {**data, "paragraph": "§ 61"}, actor="a")
    assert created and not created_again and first is again
