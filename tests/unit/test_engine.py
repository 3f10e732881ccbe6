"""The engine, table by table: Swedish words, requests, definitions and the explicit rules."""

from __future__ import annotations

import pytest

from registry.rules.engine import check, classify, classify_mentions, find_mentions, type_lexicon
from registry.text.swedish import analyse

SEED_MOTION_TAIL = """Motion om att införa en kommunal strategi för artificiell intelligens

En strategi behöver bland annat innehålla riktlinjer för
• Inom vilka områden kan AI vara till gagn för kommunens verksamhet?
• Hur ska öppenhet och transparens garanteras?
• Inom vilka områden är AI olämpligt att användas?
• Hur ska personalens utbildning se ut?

Vänsterpartiet föreslår att

Kommunstyrelsen ges i uppdrag att ta fram ett inom kommunens verksamheter förankrat strategidokument gällande artificiell intelligens.
"""


@pytest.mark.parametrize(
    "word, expected",
    [
        ("strategi", "strategi"),
        ("digitaliseringsstrategi", "strategi"),
        ("ai-strategi", "strategi"),
        ("strategidokument", "strategi"),
        ("strategidokumentet", "strategi"),
        ("handlingsplanen", "handlingsplan"),
        ("solbruksplan", "plan"),
        ("landsbygdsprogrammet", "program"),
        ("klimatpolicyn", "policy"),
        ("riktlinjerna", "riktlinje"),
        ("reglementet", "reglemente"),
        # not requests for a type
        ("programmering", None),
        ("planering", None),
        ("planerad", None),
        ("rutinmässigt", None),
        ("strategiskt", None),
        ("revision", None),
        ("television", None),
        ("flygplan", None),
        ("styrdokument", None),
    ],
)
def test_type_words_are_read_head_final(rulesets, word, expected):
    assert type_lexicon(rulesets["vallentuna"]).type_of(word) == expected


def _roles(text, ruleset):
    units = analyse(text)
    return {(r.mention.word, r.role) for r in classify_mentions(units, find_mentions(units, type_lexicon(ruleset)))}


@pytest.mark.parametrize(
    "text, word, role",
    [
        ("Motion om en ny alkohol- och drogpolicy\n\nVi vill ha en policy.", "drogpolicy", "request"),
        ("Text\n\nKommunen bör ta fram en handlingsplan för jämställdhet.", "handlingsplan", "request"),
        ("Text\n\nEn strategi för evenemang ska tas fram.", "strategi", "request"),
        ("Text\n\nArbetet sker i enlighet med miljöpolicyn.", "miljöpolicyn", "passing"),
        ("Text\n\nDetta ska integreras i kommunens översiktsplan.", "översiktsplan", "passing"),
        ("Text\n\nVadstena är exempel på kommuner som tagit fram en strategi.", "strategi", "passing"),
        ("Text\n\nEn strategi behöver bland annat innehålla riktlinjer för användningen.", "riktlinjer", "nested"),
        ("Text\n\nVi föreslår inte en policy utan en riktlinje.", "policy", "negated"),
        ("Text\n\nVi yrkar att kommunen tar fram riktlinjer för sociala medier.", "riktlinjer", "request"),
    ],
)
def test_mentions_are_told_apart_by_their_context(rulesets, text, word, role):
    assert (word, role) in _roles(text, rulesets["vallentuna"])


def test_att_sats_on_its_own_line_is_found():
    units = analyse("Titel\n\nVänsterpartiet föreslår att\n\nKommunstyrelsen ges i uppdrag att ta fram en plan.")
    assert [u.in_att_sats for u in units] == [False, False, True]


def test_list_items_and_questions():
    units = analyse("Titel\n\nInledning:\n1. Första steget\n• Hur ska det gå till?")
    items = [u for u in units if u.kind == "item"]
    assert [(u.text, u.numbered, u.is_question) for u in items] == [
        ("Första steget", True, False),
        ("Hur ska det gå till?", False, True),
    ]


def test_seed_motion_is_a_strategy_asked_to_hold_guidelines(rulesets):
    result = check(SEED_MOTION_TAIL, rulesets["vallentuna"])
    assert result.requested_types == ["strategi"]
    assert result.best_fit == "riktlinje"
    assert result.verdict == "mismatch"
    nested = next(f for f in result.findings if f.code == "type_contains_other_type")
    assert nested.clause["text"].startswith("Strategier anger långsiktiga avsikter")
    assert "KS 2025-04-07 § 61" in nested.clause["source"]
    assert "Hur ska öppenhet och transparens garanteras?" in nested.evidence
    assert result.confidence == "tydligt"
    assert result.suggested_request.to_dict() == {
        "type": "riktlinje",
        "adopted_by": "kommunstyrelsen",
        "text": "att ge kommunstyrelsen i uppdrag att ta fram riktlinjer för artificiell intelligens",
    }


@pytest.mark.parametrize(
    "text, requested",
    [
        # several objects of one request verb
        (
            "Motion om trygghet\n\natt kommunen tar fram en analys, en strategi och en handlingsplan för trygghet.",
            ["strategi", "handlingsplan"],
        ),
        (
            "Förslag\n\nVi föreslår att kommunstyrelsen får i uppdrag att ta fram en policy och riktlinjer för sponsring.",
            ["policy", "riktlinje"],
        ),
        # a review of what exists asks for no new document
        ("Motion om översyn av policys\n\natt en översyn av kommunens samtliga policys genomförs.", []),
        # an att-sats that cites an existing plan asks for its follow-up, not for a plan
        ("Cykelplan – uppföljning\n\natt kommunstyrelsen redovisar hur åtgärderna i Cykelplanen har följts upp.", []),
        # a demand list whose items open with the verb
        (
            "Skolans IT\n\n• Utveckla riktlinjer för elevernas säkerhet på nätet.\n• Utveckla rutiner för uppföljning.",
            ["riktlinje", "rutin"],
        ),
        # compounds with a type head, and a lexicalised compound that is no document
        (
            "Motion\n\natt kommunen tar fram en uppförandekod och ett riktlinjedokument för inköp.",
            ["policy", "riktlinje"],
        ),
        ("Motion om bostäder\n\natt kommunen tar fram en plan för markanvisning av två tomter.", ["plan"]),
        # negation: "inte en policy utan riktlinjer"
        ("Motion om AI\n\natt kommunen tar fram inte en policy utan riktlinjer för AI.", ["riktlinje"]),
    ],
)
def test_requests_are_read_as_swedish_is_written(rulesets, text, requested):
    assert check(text, rulesets["vallentuna"]).requested_types == requested


@pytest.mark.parametrize(
    "text, requested, verdict",
    [
        (
            "Motion om riktlinjer för sociala medier\n\nVi föreslår att kommunen tar fram riktlinjer för hur medarbetare ska använda sociala medier i tjänsten.",
            ["riktlinje"],
            "fits",
        ),
        (
            "Motion om en ny handlingsplan\n\nKommunen behöver en handlingsplan med konkreta åtgärder, tidplan och vem som ansvarar för genomförandet.",
            ["handlingsplan"],
            "fits",
        ),
        ("Ett förslag\n\nDet är viktigt att vi blir bättre.", [], "unclear"),
    ],
)
def test_check_verdicts(rulesets, text, requested, verdict):
    result = check(text, rulesets["vallentuna"])
    assert (result.requested_types, result.verdict) == (requested, verdict)


def test_thin_text_gives_no_best_fit_rather_than_a_guess(rulesets):
    result = classify("Dokument\n\nDetta är ett dokument.", rulesets["standard"])
    assert result.best_fit is None and result.verdict == "unclear"


POLICY_WITH_GOALS = """Policy för hållbarhet

Policyn anger stadens förhållningssätt och de värderingar som ska prägla arbetet.
Målet är att utsläppen ska ha minskat med hälften till år 2030.
Principerna ska genomsyra alla beslut."""


def test_forbidden_content_depends_on_the_municipality(rulesets):
    goteborg = classify(POLICY_WITH_GOALS, rulesets["goteborg"], stated_type="policy")
    vallentuna = classify(POLICY_WITH_GOALS, rulesets["vallentuna"], stated_type="policy")
    assert "forbidden_content" in [f.code for f in goteborg.findings]
    assert goteborg.verdict == "mismatch"
    assert "forbidden_content" not in [f.code for f in vallentuna.findings]
    assert vallentuna.verdict == "fits"


SHORT_TERM_STRATEGY = """Strategi för bostadsförsörjning 2021–2025

Strategin visar prioriterad utveckling de närmaste åren.
Under perioden 2021–2025 ska alla nämnder prioritera fler bostäder."""


def test_what_a_strategy_is_depends_on_the_municipality(rulesets):
    ostersund = classify(SHORT_TERM_STRATEGY, rulesets["ostersund"])
    vallentuna = classify(SHORT_TERM_STRATEGY, rulesets["vallentuna"])
    assert ostersund.scores["strategi"] > vallentuna.scores["strategi"]
    assert ostersund.best_fit == "strategi"


@pytest.mark.parametrize(
    "title, mixed",
    [
        ("Mål och riktlinjer för minoritetspolitiskt arbete", True),
        ("Policy och riktlinjer för representation", True),
        ("Riktlinjer för representation", False),
    ],
)
def test_titles_that_mix_types(rulesets, title, mixed):
    result = classify(f"{title}\n\nDokumentet anger hur vi ska arbeta.", rulesets["standard"])
    assert ("title_mixes_types" in [f.code for f in result.findings]) is mixed


def test_adopting_organ_is_checked_against_the_rule_file(rulesets):
    text = "Policy för något\n\nPolicyn anger förhållningssätt och värderingar och principer."
    result = classify(
        text,
        rulesets["vallentuna"],
        stated_type="policy",
        metadata={"adopted_by": "KLK", "adopted_by_level": "förvaltning"},
    )
    finding = next(f for f in result.findings if f.code == "organ_not_allowed")
    assert "fullmäktige, styrelse" in finding.message and result.verdict == "mismatch"


def test_nämnd_strategy_needs_a_parent_in_vallentuna(rulesets):
    text = "Strategi för skolan\n\nStrategin anger långsiktiga avsikter och övergripande mål och inriktning."
    lonely = classify(
        text,
        rulesets["vallentuna"],
        stated_type="strategi",
        metadata={"adopted_by": "BUN", "adopted_by_level": "nämnd", "parent_types": []},
    )
    rooted = classify(
        text,
        rulesets["vallentuna"],
        stated_type="strategi",
        metadata={"adopted_by": "BUN", "adopted_by_level": "nämnd", "parent_types": ["vision"]},
    )
    assert "missing_parent" in [f.code for f in lonely.findings]
    assert "missing_parent" not in [f.code for f in rooted.findings]


def test_document_declaring_another_types_content(rulesets):
    text = (
        "Kommunikationspolicy\n\nHär anges riktlinjer och ansvarsfördelning för kommunens kommunikation. "
        "Policyn anger den grundsyn och de värderingar som ska prägla kommunikationen."
    )
    result = classify(text, rulesets["standard"], stated_type="policy")
    assert "declares_other_type" in [f.code for f in result.findings]


def test_types_without_a_local_definition_say_they_come_from_the_common_core(rulesets):
    result = classify(
        "Handlingsplan\n\nÅtgärder och aktiviteter med tidplan och ansvarig för genomförandet.\n"
        "Uppföljning sker varje år.",
        rulesets["vallentuna"],
        stated_type="handlingsplan",
    )
    note = next(f for f in result.findings if f.code == "definition_from_common_core")
    assert "Vallentuna kommun har ingen egen definition" in note.message


def test_json_contract_shape(rulesets):
    data = check(SEED_MOTION_TAIL, rulesets["vallentuna"]).to_dict()
    assert list(data) == [
        "ruleset",
        "requested_types",
        "best_fit",
        "scores",
        "verdict",
        "findings",
        "related_documents",
        "confidence",
        "suggested_request",
    ]
    assert data["ruleset"] == {"key": "vallentuna", "version": "KS 2025-04-07 § 61"}
    assert set(data["scores"]) == set(rulesets["vallentuna"].types)
    assert all(set(f) == {"code", "severity", "message", "clause", "evidence"} for f in data["findings"])
