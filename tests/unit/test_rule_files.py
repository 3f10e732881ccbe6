"""Rule files: the shipped ones load; broken ones are refused naming file, field and problem."""

from __future__ import annotations

import shutil

import pytest

from registry.errors import RuleFileError
from registry.rules.loader import lint_rules, load_ruleset
from tests.support.paths import RULES_DIR


def test_every_shipped_rule_file_is_valid():
    assert [error for _name, error in lint_rules(RULES_DIR)] == [None] * len(list(RULES_DIR.glob("*.toml")))


def test_vallentuna_quotes_ks_definitions_verbatim(rulesets):
    vallentuna = rulesets["vallentuna"]
    assert vallentuna.types["strategi"].definition.startswith(
        "Strategier anger långsiktiga avsikter i en fråga av större vikt."
    )
    assert vallentuna.types["riktlinje"].definition == (
        "Riktlinjer ger övergripande vägledning i ärenden och frågor av verkställande art. "
        "De anger ramarna för vårt handlingsutrymme i en viss fråga"
    )
    assert "KS 2025-04-07 § 61" in vallentuna.types["strategi"].source
    assert not vallentuna.types["strategi"].from_common_core
    assert vallentuna.types["vägledning"].from_common_core


GOOD = """
[ruleset]
key = "test"
name = "Testkommun"
version = "1"
source = "test"
extends = "standard"

[types.policy]
label = "Policy"
family = "normerande"
names = ["policy"]
definition = "En policy anger förhållningssätt."
source = "KF 2020-01-01 § 1"

[[types.policy.clauses]]
key = "a"
text = "anger förhållningssätt"
cues = ["förhållningssätt"]
"""


@pytest.mark.parametrize(
    "change, path, problem",
    [
        (lambda t: t.replace('label = "Policy"\n', ""), "types.policy.label", "saknas"),
        (
            lambda t: t.replace('family = "normerande"', 'family = "normerande"\ncolor = "blå"'),
            "types.policy.color",
            "Okänt fält",
        ),
        (
            lambda t: t.replace("[types.policy]", "[types.polisy]").replace(
                "[[types.policy.clauses]]", "[[types.polisy.clauses]]"
            ),
            "types.polisy",
            "ingen känd dokumenttyp",
        ),
        (
            lambda t: t.replace('family = "normerande"', 'family = "okänd"'),
            "types.policy.family",
            "finns inte under [families]",
        ),
        (
            lambda t: t.replace('cues = ["förhållningssätt"]', "cues = []"),
            "types.policy.clauses.0.cues",
            "Minst en signal",
        ),
        (
            lambda t: t.replace('cues = ["förhållningssätt"]', 'cues = "förhållningssätt"'),
            "types.policy.clauses.0.cues",
            "lista",
        ),
        (
            lambda t: t.replace('cues = ["förhållningssätt"]', 'cues = ["förhållningssätt", "#ska-kraf"]'),
            "types.policy.clauses.0.cues",
            "inget språkligt drag som motorn känner igen",
        ),
        (
            lambda t: t + '\n[families.lagstyrda]\nlabel = "L"\ndescription = "d"\nnot_contradicted_by = ["reglor"]\n',
            "families.lagstyrda.not_contradicted_by",
            "ingen känd dokumenttyp",
        ),
        (lambda t: t.replace('key = "test"', 'key = "annan"'), "ruleset.key", "som filnamnet"),
        (lambda t: t.replace("[ruleset]", "[ruleset"), "", "ogiltig TOML"),
        (
            lambda t: t.replace(
                'source = "KF 2020-01-01 § 1"', 'source = "KF 2020-01-01 § 1"\nadopted_by = ["kommunfullmäktige"]'
            ),
            "types.policy.adopted_by",
            "ingen organnivå",
        ),
    ],
)
def test_broken_rule_file_names_file_field_and_problem(tmp_path, change, path, problem):
    shutil.copy(RULES_DIR / "standard.toml", tmp_path / "standard.toml")
    (tmp_path / "test.toml").write_text(change(GOOD), encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_ruleset(tmp_path, "test")
    assert caught.value.file == "test.toml"
    assert caught.value.path == path
    assert problem in caught.value.problem


def test_missing_ruleset_lists_the_available_ones():
    with pytest.raises(RuleFileError, match="Tillgängliga: goteborg, ostersund, standard, vallentuna"):
        load_ruleset(RULES_DIR, "malmo")


def test_a_misspelt_feature_fails_the_linter_instead_of_the_check(tmp_path):
    shutil.copy(RULES_DIR / "standard.toml", tmp_path / "standard.toml")
    (tmp_path / "test.toml").write_text(GOOD.replace('cues = ["förhållningssätt"]', 'cues = ["#du-tilal"]'), "utf-8")
    results = dict(lint_rules(tmp_path))
    assert results["standard.toml"] is None
    assert "#du-tilal" in results["test.toml"] and "#du-tilltal" in results["test.toml"]
