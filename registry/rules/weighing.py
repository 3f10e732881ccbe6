"""How much each piece of evidence counts: the label a text gives itself, and each definition clause.

A type's score is a sum a reader can follow:

    score(type) = label weight × (the text names itself this type)
                + self-reference weight × (it says "denna policy", "Policyn …")
                + Σ over the type's definition clauses: clause weight × log(1 + sentences showing it)
                + the type's base rate

and the scores become probabilities with a softmax, so "how sure" is a number between 0 and 1 that
the report puts in words (tydligt, troligt, svagt). Every term is tied to a definition clause or to
the label, so a verdict is still explained in the municipality's own words.

The weights are data (``rules/weights/<ruleset>.json``), fitted at development time by
``python -m benchmarks.fit_weights`` from the labelled cases, with the clause weights kept at or
above zero (a clause can only speak for its type) and pulled towards the weights the rule file
gives. A ruleset without a weights file of its own uses the file of the ruleset it extends, and
then the rule file's own clause weights.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from registry.rules.model import Ruleset

#: Without a fitted file: the label counts as much as about three sentences on each of two clauses.
DEFAULT_LABEL_WEIGHT = 2.5
DEFAULT_SELF_REFERENCE_WEIGHT = 0.5
#: Without a fitted file: how far (in score) the content must favour another type over the label.
DEFAULT_MARGIN_OTHER_FAMILY = 3.0
DEFAULT_MARGIN_SAME_FAMILY = 4.0


@dataclass(frozen=True)
class Thresholds:
    #: ``mismatch`` only when the content alone scores another type this much above the stated
    #: (or requested) one. A type of another family needs less than one of the same family: a
    #: riktlinje read as regler is a milder error than a plan read as a strategi. Both chosen by
    #: benchmarks.fit_weights to keep false alarms at or under the aim on real documents.
    margin_other_family: float = DEFAULT_MARGIN_OTHER_FAMILY
    margin_same_family: float = DEFAULT_MARGIN_SAME_FAMILY
    #: The confidence words: at least ``clear`` is "tydligt", at least ``likely`` is "troligt".
    clear: float = 0.75
    likely: float = 0.5
    #: With no label, a best fit needs this many (sentence, clause) matches: fewer is "unclear".
    min_evidence: int = 1


@dataclass(frozen=True)
class Weights:
    label: float = DEFAULT_LABEL_WEIGHT
    self_reference: float = DEFAULT_SELF_REFERENCE_WEIGHT
    #: "type/clause-key" -> weight; a clause not listed keeps the rule file's weight.
    clauses: Mapping[str, float] = field(default_factory=dict)
    bias: Mapping[str, float] = field(default_factory=dict)
    thresholds: Thresholds = Thresholds()
    source: str = "regelfilens vikter (inga anpassade vikter)"

    def clause_weight(self, type_key: str, clause_key: str, default: float) -> float:
        return float(self.clauses.get(f"{type_key}/{clause_key}", default))

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "self_reference": self.self_reference,
            "clauses": dict(sorted(self.clauses.items())),
            "bias": dict(sorted(self.bias.items())),
            "thresholds": self.thresholds.__dict__,
            "source": self.source,
        }


def clause_feature(matching_units: int) -> float:
    """Diminishing returns: the third sentence on a clause says less than the first."""
    return math.log1p(matching_units)


def weights_path(rules_dir: Path, key: str) -> Path:
    return rules_dir / "weights" / f"{key}.json"


def weights_from_dict(data: Mapping[str, Any]) -> Weights:
    thresholds = Thresholds(**data.get("thresholds", {}))
    return Weights(
        label=float(data.get("label", DEFAULT_LABEL_WEIGHT)),
        self_reference=float(data.get("self_reference", DEFAULT_SELF_REFERENCE_WEIGHT)),
        clauses={k: float(v) for k, v in data.get("clauses", {}).items()},
        bias={k: float(v) for k, v in data.get("bias", {}).items()},
        thresholds=thresholds,
        source=str(data.get("source", "")),
    )


@lru_cache(maxsize=64)
def _read(path: Path, mtime: float) -> Weights:
    return weights_from_dict(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=64)
def load_weights(ruleset: Ruleset) -> Weights:
    """The fitted weights for a ruleset: its own file, else the one it extends, else defaults.

    Cached per loaded ruleset (a changed rule file is loaded as a new Ruleset, so its weights
    are read again)."""
    if not ruleset.file:
        return Weights()
    rules_dir = Path(ruleset.file).parent
    key: str | None = ruleset.key
    seen: set[str] = set()
    while key and key not in seen:
        seen.add(key)
        path = weights_path(rules_dir, key)
        if path.exists():
            return _read(path, path.stat().st_mtime)
        key = ruleset.extends if key == ruleset.key else _extends_of(rules_dir, key)
    path = weights_path(rules_dir, "standard")
    if path.exists():
        return _read(path, path.stat().st_mtime)
    return Weights()


def _extends_of(rules_dir: Path, key: str) -> str | None:
    import tomllib

    path = rules_dir / f"{key}.toml"
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    extends = data.get("ruleset", {}).get("extends")
    return str(extends) if extends else None


def softmax(scores: Mapping[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    top = max(scores.values())
    exps = {k: math.exp(v - top) for k, v in scores.items()}
    total = sum(exps.values())
    return {k: v / total for k, v in exps.items()}


def confidence_word(probability: float, thresholds: Thresholds) -> str:
    if probability >= thresholds.clear:
        return "tydligt"
    if probability >= thresholds.likely:
        return "troligt"
    return "svagt"
