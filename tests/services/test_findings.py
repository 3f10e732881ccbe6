"""Findings are stored per document version with the ruleset that produced them."""

from __future__ import annotations

from registry.config import load_settings
from registry.services import register_document, revise_document
from registry.services.findings import assessment_hook, current_findings
from registry.services.settings import RULESET_KEY, set_setting


def _hook(tmp_path):
    return assessment_hook(load_settings({"STYRDOK_INSTANCE_DIR": str(tmp_path)}))


def test_wrong_organ_is_stored_as_a_finding_with_ruleset_and_version(db_session, bodies, tmp_path):
    set_setting(db_session, RULESET_KEY, "vallentuna", actor="t")
    document = register_document(
        db_session,
        {
            "title": "Policy för representation",
            "type": "policy",
            "adopted_by": "KLK",
            "full_text": "Policyn anger förhållningssätt och värderingar. Principerna ska genomsyra arbetet.",
        },
        actor="t",
        after_change=_hook(tmp_path),
    )
    findings = current_findings(db_session, document)
    wrong_organ = [f for f in findings if f.code == "organ_not_allowed"]
    assert wrong_organ and wrong_organ[0].ruleset_key == "vallentuna"
    assert wrong_organ[0].document_version == 1
    assert "KS 2025-04-07 § 61" in wrong_organ[0].ruleset_version


def test_revision_gets_fresh_findings_and_keeps_the_old(db_session, bodies, tmp_path):
    set_setting(db_session, RULESET_KEY, "vallentuna", actor="t")
    hook = _hook(tmp_path)
    document = register_document(
        db_session, {"title": "Policy för X", "type": "policy", "adopted_by": "KLK"}, actor="t", after_change=hook
    )
    revise_document(
        db_session,
        document.id,
        {"adopted_by": "KF", "expected_version": 1, "reason": "Rätt organ"},
        actor="t",
        after_change=hook,
    )
    assert "organ_not_allowed" not in [f.code for f in current_findings(db_session, document)]
    from sqlalchemy import select

    from registry.models import Finding

    old = db_session.scalars(
        select(Finding).where(Finding.document_id == document.id, Finding.document_version == 1)
    ).all()
    assert "organ_not_allowed" in [f.code for f in old]


def test_overlapping_documents_are_flagged(db_session, bodies, tmp_path):
    set_setting(db_session, RULESET_KEY, "vallentuna", actor="t")
    hook = _hook(tmp_path)
    text = "Riktlinjerna anger hur skolskjuts ska beviljas till elever i grundskolan, hållplatser och färdtid."
    register_document(
        db_session,
        {"title": "Riktlinjer för skolskjuts", "type": "riktlinje", "status": "gällande", "full_text": text},
        actor="t",
        after_change=hook,
    )
    second = register_document(
        db_session,
        {"title": "Regler för skolskjuts", "type": "regler", "status": "gällande", "full_text": text},
        actor="t",
        after_change=hook,
    )
    overlap = [f for f in current_findings(db_session, second) if f.code == "possible_overlap"]
    assert overlap and "skolskjuts" in overlap[0].message
