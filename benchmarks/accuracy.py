"""Accuracy of check and classify on the labelled real cases, beside a title-word baseline.

    python -m benchmarks.accuracy [--json] [--cases PATH]

The baseline is what a spreadsheet user does: read the type word in the title. Styrdok has to
add what only reading the content can: the verdict, and the type when the type words are gone.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from registry.config import PROJECT_ROOT
from registry.rules.engine import type_lexicon, check, classify
from registry.rules.loader import load_ruleset
from registry.rules.model import Ruleset
from registry.types import same_type

DEFAULT_CASES = PROJECT_ROOT.parent / "shared" / "data" / "cases.jsonl"
# As the cases' README says: every word containing one of these becomes "dokumentet".
BLANK = re.compile(
    r"\w*(?:policy|strategi|riktlinj|plan|program|rutin|anvisning|vägledning|regel|checklist|förhållningssätt|guide)\w*",
    re.IGNORECASE,
)
LABEL_KEYS = {"riktlinjer": "riktlinje", "regel": "regler", "förhållningssätt": "policy"}


def load_cases(path: Path = DEFAULT_CASES) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def blank(text: str) -> str:
    return BLANK.sub("dokumentet", text)


def label_of(case: dict[str, Any]) -> str:
    word = case["requested_or_labelled_type"].split()[0].strip(",;()").lower()
    return LABEL_KEYS.get(word, word)


def _any_same(answer: str | None, accepted: list[str]) -> bool:
    return any(same_type(answer, a) for a in accepted)


def _requested_ok(found: list[str], case: dict[str, Any]) -> bool:
    required = case["expected_requested_required"]
    optional = case.get("expected_requested_optional") or []
    return all(any(same_type(f, r) for f in found) for r in required) and all(
        any(same_type(f, a) for a in required + optional) for f in found)


class TitleBaseline:
    """Read the first type word of the title; nothing else."""

    def __init__(self, ruleset: Ruleset):
        self.lexicon = type_lexicon(ruleset)

    def type_in_title(self, text: str) -> str | None:
        title = text.strip().split("\n", 1)[0].lower()
        for token in re.findall(r"[\wåäö-]+", title):
            found = self.lexicon.type_of(token)
            if found:
                return found
        return None


def evaluate(cases: list[dict[str, Any]], motion_rules: Ruleset, document_rules: Ruleset) -> dict[str, Any]:
    baseline = TitleBaseline(document_rules)
    counts = {name: dict(requested_right=0, verdict_right=0, best_fit_right=0, best_fit_blanked_right=0,
                         mismatch_flagged=0, false_alarms=0) for name in ("styrdok", "title_baseline")}
    totals = dict(motions=0, motions_with_verdict=0, documents=0, labelled_mismatch=0, labelled_fit=0)
    failures: list[str] = []
    for case in cases:
        text = case["input_text"]
        if case["kind"] == "motion":
            totals["motions"] += 1
            result = check(text, motion_rules)
            titled = baseline.type_in_title(text)
            base_requested = [titled] if titled else []
            if _requested_ok(result.requested_types, case):
                counts["styrdok"]["requested_right"] += 1
            else:
                failures.append(f"{case['id']}: begärda typer {result.requested_types}")
            counts["title_baseline"]["requested_right"] += _requested_ok(base_requested, case)
            if case.get("expected_verdict"):
                totals["motions_with_verdict"] += 1
                if result.verdict == case["expected_verdict"]:
                    counts["styrdok"]["verdict_right"] += 1
                else:
                    failures.append(f"{case['id']}: bedömning {result.verdict}")
                counts["title_baseline"]["verdict_right"] += case["expected_verdict"] == ("fits" if titled else "unclear")
        else:
            totals["documents"] += 1
            accepted = case["expected_best_fit_any"]
            result = classify(text, document_rules)
            blanked = classify(blank(text), document_rules)
            if _any_same(result.best_fit, accepted):
                counts["styrdok"]["best_fit_right"] += 1
            else:
                failures.append(f"{case['id']}: bästa typ {result.best_fit}")
            if _any_same(blanked.best_fit, accepted):
                counts["styrdok"]["best_fit_blanked_right"] += 1
            else:
                failures.append(f"{case['id']} (utan typord): bästa typ {blanked.best_fit}")
            counts["title_baseline"]["best_fit_right"] += _any_same(baseline.type_in_title(text), accepted)
            counts["title_baseline"]["best_fit_blanked_right"] += _any_same(baseline.type_in_title(blank(text)), accepted)
            expected = case.get("expected_mismatch_with_label")
            if expected is not None:
                stated = classify(text, document_rules, stated_type=label_of(case))
                flagged = stated.verdict == "mismatch"
                if expected:
                    totals["labelled_mismatch"] += 1
                    counts["styrdok"]["mismatch_flagged"] += flagged
                else:
                    totals["labelled_fit"] += 1
                    counts["styrdok"]["false_alarms"] += flagged
                if flagged != expected:
                    failures.append(f"{case['id']}: mismatch={flagged}")
    return {**totals, **counts, "failures": failures}


def _line(name: str, part: int, whole: int) -> str:
    share = part / whole if whole else 0.0
    return f"  {name:<44} {part:>3} av {whole:<3} ({share:.0%})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="skriv bara JSON")
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    args = parser.parse_args(argv)
    cases = load_cases(args.cases)
    if not cases:
        print(f"Hittar inga fall i {args.cases}", file=sys.stderr)
        return 2
    rules_dir = PROJECT_ROOT / "rules"
    report = evaluate(cases, load_ruleset(rules_dir, "vallentuna"), load_ruleset(rules_dir, "standard"))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    for name in ("styrdok", "title_baseline"):
        c = report[name]
        print("Styrdok" if name == "styrdok" else "Baslinje: typordet i titeln")
        print(_line("motioner: begärda typer rätt", c["requested_right"], report["motions"]))
        print(_line("motioner: bedömning rätt", c["verdict_right"], report["motions_with_verdict"]))
        print(_line("dokument: bästa typ godtagbar", c["best_fit_right"], report["documents"]))
        print(_line("dokument utan typord: bästa typ godtagbar", c["best_fit_blanked_right"], report["documents"]))
        if name == "styrdok":
            print(_line("fel etikett flaggad", c["mismatch_flagged"], report["labelled_mismatch"]))
            print(_line("falsklarm bland rätt etiketter", c["false_alarms"], report["labelled_fit"]))
        print()
    if report["failures"]:
        print("Missar: " + "; ".join(report["failures"]))
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
