"""Fit the evidence weights of a ruleset from the labelled cases, and write them beside the rule files.

    python -m benchmarks.fit_weights [--ruleset standard] [--cases PATH] [--check]

What is fitted (see registry.rules.weighing): one weight per definition clause (kept at or above
zero, pulled towards the rule file's weight), one weight for the label a document gives itself in
its title, one for its self-references, and a base rate per type. The objective is the likelihood
that the best fit is one of the case's accepted types, on each document as written and with its
type words blanked (so content alone must carry the blanked copy). The mismatch threshold is then
chosen as the largest one that keeps false alarms among correctly labelled documents at or under
the aim, with a safety margin, on the same cases.

``benchmarks.accuracy`` calls :func:`fit` once per fold of a cross-validation grouped by
municipality, so the figures it reports as cross-validated never saw the municipality they are
measured on. ``--check`` exits 1 when the committed weights file differs from a fresh fit.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from registry.config import PROJECT_ROOT
from registry.rules.engine import TextEvidence, stated_type_gap, text_evidence
from registry.rules.loader import load_ruleset
from registry.rules.model import Ruleset
from registry.rules.weighing import (
    DEFAULT_LABEL_WEIGHT,
    DEFAULT_SELF_REFERENCE_WEIGHT,
    Thresholds,
    Weights,
    clause_feature,
    weights_path,
)
from registry.types import same_type

DEFAULT_CASES = PROJECT_ROOT.parent / "shared" / "data" / "cases.jsonl"
#: Pull of each clause weight towards the rule file's weight, and of base rates towards zero:
#: with a hundred documents, more freedom than this fits the sample, not Swedish (under grouped
#: cross-validation a pull of 10 measured better than 1, 3 or 5).
CLAUSE_PRIOR_STRENGTH = 10.0
BIAS_PRIOR_STRENGTH = 2.0
LABEL_PRIOR_STRENGTH = 0.1
#: The aim for false alarms is 8 %; the threshold is chosen for 5 % on the fitting data, since a
#: threshold chosen exactly at the aim lands above it on new texts.
FALSE_ALARM_TARGET = 0.05
#: Where no margin keeps false alarms under the target: flag nothing rather than guess.
DEFAULT_MARGIN = 99.0


@dataclass
class Row:
    evidence: TextEvidence
    accepted: list[str]


def _accepted_keys(ruleset: Ruleset, accepted: Sequence[str]) -> list[str]:
    return [k for k in ruleset.types if any(same_type(k, a) for a in accepted)]


def document_rows(cases: Sequence[dict[str, Any]], ruleset: Ruleset) -> list[Row]:
    from benchmarks.accuracy import blank

    rows = []
    for case in cases:
        if case["kind"] != "document":
            continue
        accepted = _accepted_keys(ruleset, case["expected_best_fit_any"])
        if not accepted:
            continue
        for text in (case["input_text"], blank(case["input_text"])):
            rows.append(Row(text_evidence(text, ruleset), accepted))
    return rows


class _Design:
    """Rows as arrays: X[row, type, parameter], and a mask of accepted types per row."""

    def __init__(self, rows: Sequence[Row], ruleset: Ruleset):
        self.types = list(ruleset.types)
        self.clauses = [(t, c.key, c.weight) for t in self.types for c in ruleset.types[t].clauses]
        # parameters: label, self-reference, one per clause, one base rate per type
        self.n_params = 2 + len(self.clauses) + len(self.types)
        self.X = np.zeros((len(rows), len(self.types), self.n_params))
        self.accepted = np.zeros((len(rows), len(self.types)), dtype=bool)
        type_index = {t: i for i, t in enumerate(self.types)}
        for r, row in enumerate(rows):
            for t, key in enumerate(self.types):
                self.X[r, t, 0] = row.evidence.labels.get(key, 0.0)
                self.X[r, t, 1] = clause_feature(min(row.evidence.references.get(key, 0), 3))
                self.X[r, t, 2 + len(self.clauses) + t] = 1.0
            for p, (key, clause_key, _) in enumerate(self.clauses):
                count = row.evidence.clause_counts.get(key, {}).get(clause_key, 0)
                self.X[r, type_index[key], 2 + p] = clause_feature(count)
            for key in row.accepted:
                self.accepted[r, type_index[key]] = True
        self.prior = np.zeros(self.n_params)
        self.prior[0], self.prior[1] = DEFAULT_LABEL_WEIGHT, DEFAULT_SELF_REFERENCE_WEIGHT
        self.prior[2 : 2 + len(self.clauses)] = [w for _, _, w in self.clauses]
        self.strength = np.full(self.n_params, BIAS_PRIOR_STRENGTH)
        self.strength[:2] = LABEL_PRIOR_STRENGTH
        self.strength[2 : 2 + len(self.clauses)] = CLAUSE_PRIOR_STRENGTH

    def loss(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        logits = self.X @ theta  # rows × types
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        p = exp / exp.sum(axis=1, keepdims=True)
        p_accepted = np.where(self.accepted, p, 0.0)
        mass = p_accepted.sum(axis=1)
        q = p_accepted / mass[:, None]
        nll = -np.log(np.maximum(mass, 1e-12)).sum()
        grad = np.einsum("rt,rtp->p", p - q, self.X)
        diff = theta - self.prior
        nll += float((self.strength * diff**2).sum())
        grad += 2 * self.strength * diff
        return float(nll), grad

    def weights(self, theta: np.ndarray, source: str) -> Weights:
        n = len(self.clauses)
        return Weights(
            label=round(float(theta[0]), 4),
            self_reference=round(float(theta[1]), 4),
            clauses={f"{t}/{c}": round(float(w), 4) for (t, c, _), w in zip(self.clauses, theta[2 : 2 + n])},
            bias={t: round(float(b), 4) for t, b in zip(self.types, theta[2 + n :])},
            source=source,
        )


def fit_weights(rows: Sequence[Row], ruleset: Ruleset, source: str = "") -> Weights:
    design = _Design(rows, ruleset)
    bounds = [(0.0, None)] * (2 + len(design.clauses)) + [(None, None)] * len(design.types)
    result = minimize(
        design.loss, design.prior.copy(), jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 500}
    )
    return design.weights(result.x, source)


def choose_margins(cases: Sequence[dict[str, Any]], ruleset: Ruleset, weights: Weights) -> tuple[float, float]:
    """The margins (other family, same family) that flag most contradicting labels while keeping
    false alarms among correctly labelled documents at or under the target, on these cases."""
    from benchmarks.accuracy import label_of

    fitting: list[tuple[float, bool]] = []
    contradicting: list[tuple[float, bool]] = []
    doubted_flags: list[tuple[bool, bool]] = []  # (expected mismatch, flagged)
    for case in cases:
        expected = case.get("expected_mismatch_with_label") if case["kind"] == "document" else None
        if expected is None or label_of(case) not in ruleset.types:
            continue
        found = stated_type_gap(case["input_text"], ruleset, label_of(case), weights)
        if found is not None and found.doubted:
            # flagged whenever the content leads, whatever the margins: not theirs to choose
            doubted_flags.append((expected, found.gap > 0))
            continue
        gap = (found.gap, found.same_family) if found else (float("-inf"), True)
        (contradicting if expected else fitting).append(gap)
    doubted_alarms = sum(1 for expected, flagged in doubted_flags if flagged and not expected)
    allowed = int(FALSE_ALARM_TARGET * (len(fitting) + sum(1 for e, _ in doubted_flags if not e))) - doubted_alarms
    candidates = sorted({g for g, _ in fitting + contradicting if g != float("-inf")} | {DEFAULT_MARGIN})
    best: tuple[int, float, float] | None = None
    for other in candidates:
        for same in candidates:
            if same < other:
                continue

            def flagged(gaps: list[tuple[float, bool]]) -> int:
                return sum(1 for g, fam in gaps if g > (same if fam else other))

            if flagged(fitting) > allowed:
                continue
            key = (flagged(contradicting), other + same)
            if best is None or key > (best[0], best[1] + best[2]):
                best = (key[0], other, same)
    if best is None:
        return DEFAULT_MARGIN, DEFAULT_MARGIN
    return round(best[1], 4), round(best[2], 4)


def fit(cases: Sequence[dict[str, Any]], ruleset: Ruleset, source: str = "") -> Weights:
    weights = fit_weights(document_rows(cases, ruleset), ruleset, source)
    other, same = choose_margins(cases, ruleset, replace(weights, thresholds=Thresholds()))
    return replace(weights, thresholds=Thresholds(margin_other_family=other, margin_same_family=same))


def _close(a: Any, b: Any, tolerance: float = 1e-3) -> bool:
    """Equal, numbers within a tolerance (another BLAS may round the last digit otherwise)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tolerance) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))
    return bool(a == b)


def main(argv: list[str] | None = None) -> int:
    from benchmarks.accuracy import load_cases

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ruleset", default="standard")
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--check", action="store_true", help="jämför med den incheckade filen")
    args = parser.parse_args(argv)
    cases = load_cases(args.cases)
    if not cases:
        print(f"Hittar inga fall i {args.cases}", file=sys.stderr)
        return 2
    rules_dir = PROJECT_ROOT / "rules"
    ruleset = load_ruleset(rules_dir, args.ruleset)
    documents = sum(1 for c in cases if c["kind"] == "document")
    municipalities = len({c["municipality"] for c in cases if c["kind"] == "document"})
    source = (
        f"Anpassade av benchmarks/fit_weights.py på {documents} dokument från {municipalities} "
        f"kommuner och regioner i shared/data/cases.jsonl (som skrivna och med typorden bortskrivna)."
    )
    weights = fit(cases, ruleset, source)
    text = json.dumps({"ruleset": args.ruleset, **weights.to_dict()}, ensure_ascii=False, indent=2) + "\n"
    path = weights_path(rules_dir, args.ruleset)
    if args.check:
        same = path.exists() and _close(json.loads(path.read_text(encoding="utf-8")), json.loads(text))
        print("Vikterna stämmer med en ny anpassning." if same else f"{path} skiljer sig från en ny anpassning.")
        return 0 if same else 1
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    t = weights.thresholds
    print(
        f"Skrev {path} (marginal för fel typ: {t.margin_other_family} mellan familjer, "
        f"{t.margin_same_family} inom en familj)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
