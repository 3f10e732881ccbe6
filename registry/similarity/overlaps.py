"""Documents that cover the same ground: pairs, clusters and the terms and sections they share.

Documents become l2-normalised tf-idf rows of a sparse matrix. Up to EXACT_LIMIT documents (a
kommun's whole register) every pair is compared exactly, with sparse matrix products in row
blocks. Above that, all-pairs costs n² and does not hold at 100,000 documents: candidate pairs
come from MinHash locality-sensitive hashing over each document's distinctive terms (documents
with similar term sets share a bucket in at least one band), and only candidates are scored
with the same exact cosine. Every pair is explained by its shared terms and sections.
Pure: no database; the report layer feeds it snapshots.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from registry.rules.engine import Lexicon
from registry.similarity.related import DocumentSnapshot, content_terms, display_term

#: Pairs at or above this cosine are reported as overlapping (documents on the same topic);
#: from NEAR_COPY up they are near-copies. Registers above EXACT_LIMIT default to the strong
#: threshold: at 100,000 documents every same-topic pair is more than anyone can read.
OVERLAP_THRESHOLD = 0.12
LARGE_REGISTER_THRESHOLD = 0.5
NEAR_COPY = 0.8
#: Up to this many documents every pair is compared exactly.
EXACT_LIMIT = 5000
#: MinHash signature: bands × rows hash functions, chosen by how similar pairs must be.
#: Topic overlaps (low threshold): 32 bands of 2 rows make a pair with term-set Jaccard 0.3 a
#: candidate with probability 1-(1-0.3²)^32 ≈ 0.95. Strong overlaps and near-copies: 16 bands of
#: 4 rows keep Jaccard 0.8 at 1-(1-0.8⁴)^16 ≈ 1.0 while Jaccard 0.1 pairs almost never collide,
#: which is what keeps 100,000 documents to minutes, not hours.
BANDS_ROWS_TOPIC = (32, 2)
BANDS_ROWS_STRONG = (16, 4)
STRONG_THRESHOLD = 0.4
#: Terms in more than this share of documents say nothing about a topic; they are left out of
#: the signatures (not of the score).
MAX_DOCUMENT_FREQUENCY = 0.05
#: A bucket with more documents than this holds boilerplate, not a topic.
MAX_BUCKET = 200
_BLOCK = 1000


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
class Prepared:
    ids: list[str]
    matrix: sparse.csr_matrix  # documents × terms, rows l2-normalised tf-idf
    signature_terms: sparse.csr_matrix  # documents × terms, 1 where a term is distinctive enough
    surface: list[str]


def prepare(snapshots: Sequence[DocumentSnapshot], lexicon: Lexicon | None) -> Prepared:
    vocabulary: dict[str, int] = {}
    surfaces: list[str] = []
    rows: list[int] = []
    columns: list[int] = []
    values: list[int] = []
    for row, snapshot in enumerate(snapshots):
        text = " ".join(
            [
                snapshot.title,
                *snapshot.topics,
                snapshot.summary,
                snapshot.text,
                *(f"{s.heading} {s.text}" for s in snapshot.sections),
            ]
        )
        counts: Counter[int] = Counter()
        for term, surface in content_terms(text, lexicon):
            index = vocabulary.get(term)
            if index is None:
                index = vocabulary[term] = len(surfaces)
                surfaces.append(surface)  # the first way the word was written shows it
            counts[index] += 1
        rows.extend([row] * len(counts))
        columns.extend(counts.keys())
        values.extend(counts.values())
    shape = (len(snapshots), max(len(vocabulary), 1))
    counts_matrix = sparse.csr_matrix((np.asarray(values, dtype=np.float64), (rows, columns)), shape=shape)
    weights = counts_matrix.copy()
    weights.data = 1.0 + np.log(weights.data)
    return _prepared([s.id for s in snapshots], weights, surfaces)


def prepare_weighted(vectors: Iterable[tuple[str, str, float, str]]) -> Prepared:
    """From stored vectors (registry.similarity.related_store): (document id, term, weight, surface) rows,
    grouped by document, weights already 1 + ln(count). Nothing is tokenised again."""
    from array import array

    ids: list[str] = []
    index_of: dict[str, int] = {}
    vocabulary: dict[str, int] = {}
    surfaces: list[str] = []
    rows, columns, values = array("i"), array("i"), array("d")
    for document_id, term, weight, surface in vectors:
        row = index_of.get(document_id)
        if row is None:
            row = index_of[document_id] = len(ids)
            ids.append(document_id)
        column = vocabulary.get(term)
        if column is None:
            column = vocabulary[term] = len(surfaces)
            surfaces.append(surface)
        rows.append(row)
        columns.append(column)
        values.append(weight)
    shape = (len(ids), max(len(vocabulary), 1))
    weights = sparse.csr_matrix(
        (
            np.frombuffer(values, dtype=np.float64),
            (np.frombuffer(rows, dtype=np.int32), np.frombuffer(columns, dtype=np.int32)),
        ),
        shape=shape,
    )
    return _prepared(ids, weights, surfaces)


def _prepared(ids: list[str], weights: sparse.csr_matrix, surfaces: list[str]) -> Prepared:
    """l2-normalised tf-idf rows and the signature terms, from log-scaled term weights."""
    shape = weights.shape
    frequency = np.diff(weights.tocsc().indptr)
    idf = np.log((1 + shape[0]) / (1 + frequency)) + 1.0
    matrix = weights.multiply(idf[None, :]).tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sparse.diags(1.0 / norms) @ matrix
    distinctive = frequency <= max(2, int(MAX_DOCUMENT_FREQUENCY * shape[0]))
    signature_terms = (weights.multiply(distinctive[None, :]) > 0).tocsr()
    shown = [display_term(word) for word in surfaces]
    return Prepared(ids, matrix.tocsr(), signature_terms, shown)


def exact_pairs(prepared: Prepared, threshold: float) -> Iterator[tuple[int, int, float]]:
    """Every pair at or above the threshold, by sparse products in row blocks."""
    matrix = prepared.matrix
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], _BLOCK):
        block = (matrix[start : start + _BLOCK] @ transposed).tocoo()
        keep = (block.data >= threshold) & (block.col > block.row + start)
        for row, column, value in zip(block.row[keep], block.col[keep], block.data[keep]):
            yield start + int(row), int(column), float(value)


def minhash_candidates(
    prepared: Prepared, bands: int = 32, rows: int = 2, seed: int = 20261127
) -> set[tuple[int, int]]:
    """Pairs that share a MinHash bucket in at least one band."""
    terms = prepared.signature_terms
    rng = np.random.default_rng(seed)
    count = bands * rows
    a = rng.integers(1, 2**61, size=count, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**61, size=count, dtype=np.uint64)
    has_terms = np.diff(terms.indptr) > 0
    starts = terms.indptr[:-1][has_terms]
    term_ids = terms.indices.astype(np.uint64)
    documents = np.flatnonzero(has_terms)
    signature = np.empty((documents.size, count), dtype=np.uint64)
    for h in range(count):
        # A multiply-shift hash per function (a odd, mod 2^64); minimum per document.
        signature[:, h] = np.minimum.reduceat(term_ids * a[h] + b[h], starts)
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        keys = signature[:, band * rows : (band + 1) * rows]
        _, inverse, sizes = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.ravel()
        shared = np.flatnonzero((sizes > 1) & (sizes <= MAX_BUCKET))
        if shared.size == 0:
            continue
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], shared)
        for group, begin in zip(shared, bounds):
            members = documents[order[begin : begin + sizes[group]]]
            for i, first in enumerate(members):
                for second in members[i + 1 :]:
                    pairs.add((int(first), int(second)))
    return pairs


def scored_candidates(
    prepared: Prepared, pairs: Iterable[tuple[int, int]], threshold: float
) -> Iterator[tuple[int, int, float]]:
    """The exact cosine of each candidate pair, vectorised in chunks."""
    pairs = sorted(pairs)
    matrix = prepared.matrix
    for start in range(0, len(pairs), 50_000):
        chunk = np.asarray(pairs[start : start + 50_000], dtype=np.int64)
        scores = np.asarray(matrix[chunk[:, 0]].multiply(matrix[chunk[:, 1]]).sum(axis=1)).ravel()
        for (first, second), score in zip(chunk[scores >= threshold], scores[scores >= threshold]):
            yield int(first), int(second), float(score)


def shared_terms(prepared: Prepared, first: int, second: int, limit: int = 10) -> list[str]:
    row_a, row_b = prepared.matrix.getrow(first), prepared.matrix.getrow(second)
    product = row_a.multiply(row_b).tocoo()
    order = np.argsort(-product.data)[:limit]
    return [prepared.surface[product.col[i]] for i in order]


def find_overlaps(
    snapshots: Sequence[DocumentSnapshot],
    lexicon: Lexicon | None,
    *,
    threshold: float = OVERLAP_THRESHOLD,
    explained: Iterable[tuple[str, str]] = (),
) -> list[OverlapPair]:
    """Pairs of documents whose content overlaps, best first; pairs a relation explains are left out."""
    if len(snapshots) < 2:
        return []
    by_id = {s.id: s for s in snapshots}
    return overlapping_pairs(
        prepare(snapshots, lexicon), threshold=threshold, explained=explained, snapshots_of=lambda ids: by_id
    )


def overlapping_pairs(
    prepared: Prepared,
    *,
    threshold: float,
    explained: Iterable[tuple[str, str]] = (),
    snapshots_of: Callable[[set[str]], dict[str, DocumentSnapshot]],
) -> list[OverlapPair]:
    """The pairs of a prepared register; ``snapshots_of`` gives the sections of the documents that
    are in a pair (only those are read, to say where the shared terms are)."""
    if len(prepared.ids) < 2:
        return []
    skip = {frozenset(pair) for pair in explained}
    if len(prepared.ids) <= EXACT_LIMIT:
        scored = exact_pairs(prepared, threshold)
    else:
        bands, rows = BANDS_ROWS_STRONG if threshold >= STRONG_THRESHOLD else BANDS_ROWS_TOPIC
        scored = scored_candidates(prepared, minhash_candidates(prepared, bands, rows), threshold)
    found = []
    for first, second, score in scored:
        ids = (prepared.ids[first], prepared.ids[second])
        if frozenset(ids) in skip:
            continue
        found.append((ids, shared_terms(prepared, first, second), score))
    snapshots = snapshots_of({i for ids, _, _ in found for i in ids})
    results = []
    for ids, terms, score in found:
        pair = OverlapPair(ids[0], ids[1], round(score, 3), terms)
        pair.sections = _matching_sections(snapshots[ids[0]], snapshots[ids[1]], set(terms))
        results.append(pair)
    results.sort(key=lambda p: (-p.score, p.first, p.second))
    return results


def _matching_sections(first: DocumentSnapshot, second: DocumentSnapshot, terms: set[str]) -> list[tuple[str, str]]:
    """Sections of each document that hold most of the shared terms, so an auditor sees where."""
    wanted = {t.lower() for t in terms}

    def best(snapshot: DocumentSnapshot) -> str:
        top, top_hits = "", 0
        for section in snapshot.sections:
            words = {w.strip('.,;:()”"').lower() for w in f"{section.heading} {section.text}".split()}
            hits = len(wanted & words)
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
