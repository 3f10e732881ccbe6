"""R23: random sequences of register, revise, status changes and stale saves, checked against a
model after every step: versions count up one by one, the latest version rebuilds the document,
one audit event per change, refused actions change nothing, and "in force today" matches."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from registry import migrate
from registry.db import make_engine, make_session_factory
from registry.errors import Conflict, InvalidInput, StaleVersion
from registry.models import AuditEvent, Document, DocumentVersion
from registry.models.vocabulary import STATUS_TRANSITIONS
from registry.queries.history import in_force_on
from registry.serialize import document_to_dict
from registry.services import register_document, revise_document
from registry.services.documents import publish_document, repeal_document, unpublish_document

OWNERS = st.sampled_from(["Kanslienheten", "Staben", "Ekonomienheten", "Kommunledningskontoret"])


def test_history_survives_any_sequence_of_changes(fresh_db_url):
    engine = make_engine(fresh_db_url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)

    class History(RuleBasedStateMachine):
        @initialize()
        def start(self):
            self.session = sessions()
            self.model: dict[str, dict] = {}  # id -> {"status", "version", "owner"}
            self.events = self.session.scalar(select(func.count()).select_from(AuditEvent))
            self.number = 0

        def teardown(self):
            self.session.rollback()  # each example starts from the same empty register
            self.session.close()

        @rule(status=st.sampled_from(["utkast", "gällande", "under beredning"]), owner=OWNERS)
        def register(self, status, owner):
            self.number += 1
            document = register_document(
                self.session,
                {"title": f"Riktlinje {self.number}", "type": "riktlinje", "status": status, "owner": owner},
                actor="maskinen",
            )
            self.model[document.id] = {"status": status, "version": 1, "owner": owner}
            self.events += 1

        @precondition(lambda self: self.model)
        @rule(data=st.data(), owner=OWNERS)
        def revise(self, data, owner):
            document_id = data.draw(st.sampled_from(sorted(self.model)))
            known = self.model[document_id]
            revise_document(
                self.session,
                document_id,
                {"owner": owner, "expected_version": known["version"], "reason": "ny ägare"},
                actor="maskinen",
            )
            if owner != known["owner"]:  # saving what is already there is not a change
                known.update(owner=owner, version=known["version"] + 1)
                self.events += 1

        @precondition(lambda self: self.model)
        @rule(data=st.data(), new_status=st.sampled_from(["upphävd", "avpublicerad", "gällande"]))
        def change_status(self, data, new_status):
            document_id = data.draw(st.sampled_from(sorted(self.model)))
            known = self.model[document_id]
            action = {"upphävd": repeal_document, "avpublicerad": unpublish_document, "gällande": publish_document}[
                new_status
            ]
            allowed = new_status in STATUS_TRANSITIONS[known["status"]]
            try:
                with self.session.begin_nested():
                    action(self.session, document_id, actor="maskinen", reason="maskinen")
            except (Conflict, InvalidInput):
                assert not allowed, f"{known['status']} -> {new_status} vägrades fast det är tillåtet"
                return
            assert allowed or known["status"] == new_status, f"{known['status']} -> {new_status} gick igenom"
            if known["status"] != new_status:
                known.update(status=new_status, version=known["version"] + 1)
                self.events += 1

        @precondition(lambda self: any(k["version"] > 1 for k in self.model.values()))
        @rule(data=st.data(), owner=OWNERS)
        def stale_save(self, data, owner):
            document_id = data.draw(st.sampled_from(sorted(i for i, k in self.model.items() if k["version"] > 1)))
            known = self.model[document_id]
            try:
                with self.session.begin_nested():
                    revise_document(
                        self.session,
                        document_id,
                        {"owner": owner, "expected_version": known["version"] - 1, "reason": "gammal"},
                        actor="sen",
                    )
            except StaleVersion:
                return
            raise AssertionError("en ändring av en gammal version sparades")

        @invariant()
        def versions_rebuild_the_documents(self):
            for document_id, known in self.model.items():
                document = self.session.get(Document, document_id)
                versions = self.session.scalars(
                    select(DocumentVersion)
                    .where(DocumentVersion.document_id == document_id)
                    .order_by(DocumentVersion.version)
                ).all()
                assert [v.version for v in versions] == list(range(1, known["version"] + 1))
                assert versions[-1].snapshot == document_to_dict(document)
                assert (document.status, document.owner) == (known["status"], known["owner"])

        @invariant()
        def one_audit_event_per_change(self):
            assert self.session.scalar(select(func.count()).select_from(AuditEvent)) == self.events

        @invariant()
        def in_force_today_matches_the_model(self):
            today = dt.datetime.now(dt.UTC).date()
            found = {d["id"] for d in in_force_on(self.session, today)}
            assert found == {i for i, k in self.model.items() if k["status"] == "gällande"}

    run_state_machine_as_test(
        History,
        settings=settings(
            max_examples=12,
            stateful_step_count=10,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    engine.dispose()
