"""What an assessment returns: findings quoting definition clauses and evidence, related documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from registry.rules.model import Clause
from registry.text.swedish import Unit


@dataclass
class Finding:
    code: str
    severity: str  # error | warning | info
    message: str
    clause: dict[str, str] | None = None
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "clause": self.clause,
            "evidence": list(self.evidence),
        }


@dataclass
class RelatedDocument:
    id: str
    title: str
    type: str
    score: float
    shared_terms: list[str]
    section: str | None
    section_anchor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "type": self.type,
            "score": round(self.score, 3),
            "shared_terms": self.shared_terms,
            "section": self.section,
        }


@dataclass
class ClauseFit:
    type_key: str
    clause: Clause
    units: list[int]
    cues: list[str]


@dataclass
class Assessment:
    ruleset_key: str
    ruleset_version: str
    requested_types: list[str]
    best_fit: str | None
    scores: dict[str, float]
    verdict: str  # fits | mismatch | unclear
    findings: list[Finding]
    related_documents: list[RelatedDocument]
    #: Extra detail for the text and Markdown reports (not part of the JSON contract).
    units: list[Unit] = field(default_factory=list, repr=False)
    clause_fits: dict[str, list[ClauseFit]] = field(default_factory=dict, repr=False)
    stated_type: str | None = None
    kind: str = "check"
    #: How strongly the text speaks for the best fit, in words: "tydligt", "troligt" or "svagt".
    confidence: str | None = None
    #: The att-sats that would ask for the fitting type (a SuggestedRequest), when the request misses.
    suggested_request: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": {"key": self.ruleset_key, "version": self.ruleset_version},
            "requested_types": list(self.requested_types),
            "best_fit": self.best_fit,
            "scores": {k: round(v, 2) for k, v in self.scores.items()},
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "related_documents": [r.to_dict() for r in self.related_documents],
            # beyond the contract of DESIGN.md, added after its keys so readers of it are unaffected
            "confidence": self.confidence,
            "suggested_request": self.suggested_request.to_dict() if self.suggested_request else None,
        }

    def evidence_for(self, type_key: str, limit: int = 4) -> list[str]:
        seen: list[int] = []
        for fit in self.clause_fits.get(type_key, []):
            for index in fit.units:
                if index not in seen:
                    seen.append(index)
        return [self.units[i].text for i in sorted(seen)[:limit]]
