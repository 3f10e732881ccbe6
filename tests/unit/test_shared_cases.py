"""The labelled real cases in shared/data, read at run time (the project holds no copy of them).

Accuracy on these cases is the benchmark's job (``python -m benchmarks.accuracy``), not a test's:
a test that asserted per-case figures would invite fitting the engine to this sample. What is
tested here is that the measurement is honest: the cross-validation never lets a municipality be
in both halves, and the seed case gives exactly what the design says.
"""

from __future__ import annotations

import pytest

from benchmarks.accuracy import evaluate, load_cases, municipality_folds
from registry.rules.engine import check

CASES = load_cases()
pytestmark = pytest.mark.skipif(not CASES, reason="shared/data/cases.jsonl finns inte bredvid projektet")


def test_no_municipality_is_in_two_folds():
    folds = municipality_folds(CASES, 5)
    seen: dict[str, int] = {}
    for number, fold in enumerate(folds):
        for case in fold:
            assert seen.setdefault(case["municipality"], number) == number, case["municipality"]
    assert sum(len(f) for f in folds) == len(CASES)
    assert min(len(f) for f in folds) >= len(CASES) // 5 - 3


def test_the_benchmark_reports_every_figure_in_sample_cross_validated_and_for_the_baseline(rulesets):
    few = [c for c in CASES if c["municipality"] in sorted({c["municipality"] for c in CASES})[:30]]
    report = evaluate(few, rulesets["vallentuna"], rulesets["standard"], folds=3)
    for part in ("in_sample", "cross_validated", "type_word_baseline"):
        assert set(report[part]) >= {
            "requested",
            "verdict",
            "best_fit",
            "best_fit_blanked",
            "mismatch_recall",
            "false_alarms",
        }, part
    assert report["cross_validated"]["best_fit"]["of"] == report["in_sample"]["best_fit"]["of"]


def test_the_seed_case_among_the_shared_cases_is_judged_as_the_office_did(rulesets):
    seed = next(c for c in CASES if c["id"] == "V01")
    result = check(seed["input_text"], rulesets["vallentuna"])
    assert result.requested_types[:1] == ["strategi"]
    assert result.verdict == "mismatch"
    assert result.best_fit == "riktlinje"
