"""Documents that cover the same ground: pairs, clusters and the terms and sections they share.

Exact all-pairs comparison costs n² and does not hold at 100,000 documents. We find candidate
pairs with MinHash locality-sensitive hashing over each document's content terms (documents
with similar term sets land in the same bucket in at least one band), then score only those
candidates with exact tf-idf cosine and explain each pair by its shared terms and sections.
Pure: no database; the report layer feeds it snapshots.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from registry.related import DocumentSnapshot, content_terms, display_term
from registry.rules.engine import Lexicon

#: Pairs at or above this cosine are reported as overlapping (documents on the same topic);
#: from NEAR_COPY up they are near-copies.
OVERLAP_THRESHOLD = 0.12
NEAR_COPY = 0.8
#: Up to this many documents every pair is compared exactly (a kommun's whole register);
#: above it, candidates come from MinHash buckets.
EXACT_LIMIT = 3000
#: MinHash signature: BANDS × ROWS hash functions. With 32 bands of 2 rows a pair with term-set
#: Jaccard 0.3 is a candidate with probability 1-(1-0.09)^32 ≈ 0.95; copies (≈1.0) always are.
BANDS = 32
ROWS = 2
_PRIME = (1 << 61) - 1
#: Terms in more than this share of documents say nothing about a topic; they are left out of
#: the signatures (not of the final score).
MAX_DOCUMENT_FREQUENCY = 0.05
#: A bucket with more documents than this holds boilerplate, not a topic.
MAX_BUCKET = 200


@dataclass
class OverlapPair:
    first: str
    second: str
    score: float
    shared_terms: list[str]
    sections: list[tuple[str, str]] = field(default_factory=list)  # (first's section, second's section)


@dataclass
class OverlapCluster:
    documents: list[str]
    pairs: list[OverlapPair]
    shared_terms: list[str]


@dataclass
class _Prepared:
    ids: list[str]
    vectors: list[dict[int, float]]
    norms: list[float]
    term_ids: list[np.ndarray]
    vocabulary: list[str]
    surface: list[str]


def _prepare(snapshots: Sequence[DocumentSnapshot], lexicon: Lexicon | None) -> _Prepared:
    vocabulary: dict[str, int] = {}
    surfaces: list[Counter] = []
    counts: list[Counter] = []
    for snapshot in snapshots:
        text = " ".join([snapshot.title, *snapshot.topics, snapshot.summary, snapshot.text,
                         *(f"{s.heading} {s.text}" for s in snapshot.sections)])
        document_counts: Counter = Counter()
        for term, surface in content_terms(text, lexicon):
            index = vocabulary.setdefault(term, len(vocabulary))
            if index == len(surfaces):
                surfaces.append(Counter())
            surfaces[index][surface] += 1
            document_counts[index] += 1
        counts.append(document_counts)
    total = len(snapshots)
    frequency = Counter()
    for document_counts in counts:
        frequency.update(document_counts.keys())
    idf = {t: math.log((1 + total) / (1 + n)) + 1.0 for t, n in frequency.items()}
    limit = max(2, int(MAX_DOCUMENT_FREQUENCY * total))
    vectors, norms, term_ids = [], [], []
    for document_counts in counts:
        vector = {t: (1.0 + math.log(n)) * idf[t] for t, n in document_counts.items()}
        vectors.append(vector)
        norms.append(math.sqrt(sum(v * v for v in vector.values())) or 1.0)
        term_ids.append(np.fromiter((t for t in document_counts if frequency[t] <= limit), dtype=np.int64))
    words = [""] * len(vocabulary)
    for word, index in vocabulary.items():
        words[index] = word
    return _Prepared([s.id for s in snapshots], vectors, norms, term_ids, words,
                     [display_term(c.most_common(1)[0][0]) if c else "" for c in surfaces])


def _candidates(prepared: _Prepared, seed: int = 20261127) -> set[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    hashes = BANDS * ROWS
    a = rng.integers(1, _PRIME - 1, size=hashes, dtype=np.int64).astype(np.uint64)
    b = rng.integers(0, _PRIME - 1, size=hashes, dtype=np.int64).astype(np.uint64)
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for document, terms in enumerate(prepared.term_ids):
        if terms.size == 0:
            continue
        # (a·x + b) mod 2^64 then folded: a cheap universal hash per function, vectorised.
        values = (terms.astype(np.uint64)[:, None] * a[None, :] + b[None, :]) >> np.uint64(3)
        signature = values.min(axis=0)
        for band in range(BANDS):
            key = (band, *signature[band * ROWS:(band + 1) * ROWS].tolist())
            buckets[key].append(document)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if 1 < len(members) <= MAX_BUCKET:
            for i, first in enumerate(members):
                for second in members[i + 1:]:
                    pairs.add((first, second))
    return pairs


def cosine(prepared: _Prepared, first: int, second: int) -> tuple[float, list[int]]:
    a, b = prepared.vectors[first], prepared.vectors[second]
    if len(a) > len(b):
        a, b = b, a
    shared = [t for t in a if t in b]
    dot = sum(a[t] * b[t] for t in shared)
    score = dot / (prepared.norms[first] * prepared.norms[second])
    shared.sort(key=lambda t: -(prepared.vectors[first][t] * prepared.vectors[second][t]))
    return score, shared


def find_overlaps(
    snapshots: Sequence[DocumentSnapshot],
    lexicon: Lexicon | None,
    *,
    threshold: float = OVERLAP_THRESHOLD,
    explained: Iterable[tuple[str, str]] = (),
) -> list[OverlapPair]:
    """Pairs of documents whose content overlaps, best first; pairs a relation explains are left out."""
    prepared = _prepare(snapshots, lexicon)
    skip = {frozenset(pair) for pair in explained}
    by_id = {s.id: s for s in snapshots}
    results = []
    count = len(prepared.ids)
    candidates = (((i, j) for i in range(count) for j in range(i + 1, count))
                  if count <= EXACT_LIMIT else _candidates(prepared))
    for first, second in candidates:
        if frozenset((prepared.ids[first], prepared.ids[second])) in skip:
            continue
        score, shared = cosine(prepared, first, second)
        if score < threshold:
            continue
        terms = [prepared.surface[t] for t in shared[:10]]
        pair = OverlapPair(prepared.ids[first], prepared.ids[second], round(score, 3), terms)
        pair.sections = _matching_sections(by_id[pair.first], by_id[pair.second], set(terms))
        results.append(pair)
    results.sort(key=lambda p: (-p.score, p.first, p.second))
    return results


def _matching_sections(first: DocumentSnapshot, second: DocumentSnapshot, terms: set[str]) -> list[tuple[str, str]]:
    """Sections of each document that hold the shared terms, so an auditor sees where."""
    def best(snapshot: DocumentSnapshot) -> str:
        top, top_hits = "", 0
        for section in snapshot.sections:
            words = {w.lower() for w in f"{section.heading} {section.text}".split()}
            hits = sum(1 for t in terms if t.lower() in words)
            if hits > top_hits:
                top, top_hits = section.heading, hits
        return top

    a, b = best(first), best(second)
    return [(a, b)] if a or b else []


def clusters(pairs: Sequence[OverlapPair]) -> list[OverlapCluster]:
    """Connected groups of overlapping documents (union-find), largest first."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        parent[root(pair.first)] = root(pair.second)
    groups: dict[str, list[OverlapPair]] = defaultdict(list)
    for pair in pairs:
        groups[root(pair.first)].append(pair)
    result = []
    for members in groups.values():
        documents = sorted({d for p in members for d in (p.first, p.second)})
        counter = Counter(t for p in members for t in p.shared_terms)
        result.append(OverlapCluster(documents, members, [t for t, _ in counter.most_common(8)]))
    result.sort(key=lambda c: (-len(c.documents), -max(p.score for p in c.pairs)))
    return result
