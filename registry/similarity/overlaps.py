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


#: How the terms (matrix columns) of pairs are shown: given the columns and the documents of the
#: pairs they come from, the word for each column.
ShownTerms = Callable[[set[int], set[str]], dict[int, str]]


@dataclass
class Prepared:
    ids: list[str]
    matrix: sparse.csr_matrix  # documents × terms, rows l2-normalised tf-idf
    signature_terms: sparse.csr_matrix  # documents × terms, 1 where a term is distinctive enough
    shown: ShownTerms


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


#: For packed vectors: given {term hash: column} and the documents of the pairs, the word per column.
ShownHashes = Callable[[dict[int, int], set[str]], dict[int, str]]


def prepare_packed(rows: Iterable[tuple[str, bytes, bytes]], shown: ShownHashes) -> Prepared:
    """From one-row vectors (registry.similarity.related_store.packed_vector): (document id,
    term hashes, weights). The arrays are joined and the hashes numbered in NumPy, so a register
    of 100,000 documents is read in about a second; ``shown`` names the terms of the pairs found."""
    ids: list[str] = []
    lengths: list[int] = []
    hash_parts: list[bytes] = []
    weight_parts: list[bytes] = []
    for document_id, hashes, weights in rows:
        ids.append(document_id)
        lengths.append(len(hashes) // 8)
        hash_parts.append(hashes)
        weight_parts.append(weights)
    all_hashes = np.frombuffer(b"".join(hash_parts), dtype="<u8")
    all_weights = np.frombuffer(b"".join(weight_parts), dtype="<f8")
    column_hashes, columns = np.unique(all_hashes, return_inverse=True)
    indptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.asarray(lengths, dtype=np.int64), out=indptr[1:])
    shape = (len(ids), max(len(column_hashes), 1))
    weights = sparse.csr_matrix((all_weights.astype(np.float64), columns.astype(np.int32).ravel(), indptr), shape=shape)
    prepared = _prepared(ids, weights, [])
    prepared.shown = lambda wanted, documents: shown({int(column_hashes[c]): c for c in wanted}, documents)
    return prepared


def _prepared(ids: list[str], weights: sparse.csr_matrix, surfaces: list[str]) -> Prepared:
    """l2-normalised tf-idf rows and the signature terms, from log-scaled term weights.

    Worked on the arrays of the one matrix (one new array of values, the indices shared): at
    100,000 documents each whole-matrix copy is another 100 MB."""
    weights.sum_duplicates()
    shape = weights.shape
    lengths = np.diff(weights.indptr)
    frequency = np.bincount(weights.indices, minlength=shape[1])
    idf = np.log((1 + shape[0]) / (1 + frequency)) + 1.0
    values = weights.data * idf[weights.indices]
    squares = np.zeros(shape[0])
    filled = lengths > 0
    squares[filled] = np.add.reduceat(values * values, weights.indptr[:-1][filled])
    norms = np.sqrt(squares)
    norms[norms == 0] = 1.0
    values *= np.repeat(1.0 / norms, lengths)
    matrix = sparse.csr_matrix((values, weights.indices, weights.indptr), shape=shape)
    distinctive = frequency <= max(2, int(MAX_DOCUMENT_FREQUENCY * shape[0]))
    keep = distinctive[weights.indices] & (weights.data > 0)
    kept_per_row = np.zeros(shape[0], dtype=np.int64)
    kept_per_row[filled] = np.add.reduceat(keep.astype(np.int64), weights.indptr[:-1][filled])
    signature_indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(kept_per_row, out=signature_indptr[1:])
    signature_terms = sparse.csr_matrix(
        (np.ones(int(signature_indptr[-1]), dtype=bool), weights.indices[keep], signature_indptr), shape=shape
    )
    words = [display_term(word) for word in surfaces]
    return Prepared(ids, matrix, signature_terms, lambda wanted, _documents: {c: words[c] for c in wanted})


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
        # The band's rows folded into one 64-bit key (multiply and add, wrapping): a 1-D unique is
        # many times faster than a unique over rows, and a rare false bucket only adds candidates
        # that the exact cosine then rejects.
        keys = signature[:, band * rows].copy()
        for column in range(band * rows + 1, (band + 1) * rows):
            keys = keys * np.uint64(0x9E3779B97F4A7C15) + signature[:, column]
        _, inverse, sizes = np.unique(keys, return_inverse=True, return_counts=True)
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


def shared_columns(prepared: Prepared, first: int, second: int, limit: int = 10) -> list[int]:
    """The columns (terms) two documents share, the most telling first."""
    row_a, row_b = prepared.matrix.getrow(first), prepared.matrix.getrow(second)
    product = row_a.multiply(row_b).tocoo()
    order = np.argsort(-product.data, kind="stable")[:limit]
    return [int(product.col[i]) for i in order]


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
        found.append((ids, shared_columns(prepared, first, second), score))
    documents = {i for ids, _, _ in found for i in ids}
    words = prepared.shown({c for _, columns, _ in found for c in columns}, documents)
    snapshots = snapshots_of(documents)
    results = []
    for ids, columns, score in found:
        terms = [words[c] for c in columns if c in words]
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
