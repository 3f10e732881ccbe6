"""The overlaps report at scale, against an exact all-pairs baseline measured in the same run.

    python -m benchmarks.overlaps --documents 10000 [--json] [--sqlite] [--no-baseline]

Styrdok: MinHash candidates + exact cosine on the candidates (registry.similarity.overlaps).
Baseline: scikit-learn TF-IDF over the same terms and exact all-pairs cosine with sparse matrix
products in row blocks: the strongest simple way, which finds every pair above the threshold.
With --sqlite the synthetic register is written to a fresh SQLite file and the whole report
(load, analyse, cluster) is timed as an auditor would run it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import generate
from registry.config import PROJECT_ROOT
from registry.rules.engine import type_lexicon
from registry.rules.loader import load_ruleset
from registry.similarity.overlaps import find_overlaps
from registry.similarity.related import content_terms

THRESHOLD = 0.5
BASELINE_LIMIT = 30_000


def _text(snapshot) -> str:
    return " ".join(
        [
            snapshot.title,
            *snapshot.topics,
            snapshot.summary,
            snapshot.text,
            *(f"{s.heading} {s.text}" for s in snapshot.sections),
        ]
    )


def baseline_pairs(snapshots, lexicon, threshold: float) -> set[frozenset]:
    """Exact all pairs: scikit-learn TF-IDF (same terms, sublinear tf, l2) and blocked X·Xᵀ."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer=lambda text: [t for t, _ in content_terms(text, lexicon)], sublinear_tf=True, norm="l2"
    )
    matrix = vectorizer.fit_transform([_text(s) for s in snapshots]).tocsr()
    transposed = matrix.T.tocsc()
    pairs: set[frozenset] = set()
    block = 2000
    for start in range(0, matrix.shape[0], block):
        similarities = (matrix[start : start + block] @ transposed).tocoo()
        keep = (similarities.data >= threshold) & (similarities.col > similarities.row + start)
        for row, column in zip(similarities.row[keep], similarities.col[keep]):
            pairs.add(frozenset((snapshots[start + row].id, snapshots[column].id)))
    return pairs


def _measure(fn):
    """Run ``fn`` in a forked child: its seconds, and its peak memory above what it inherited."""
    import multiprocessing
    import resource

    def child(connection):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        connection.send((result, seconds, max(peak - before, 0) * 1024, peak * 1024))
        connection.close()

    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(target=child, args=(child_end,))
    process.start()
    result, seconds, growth, peak = parent_end.recv()
    process.join()
    return result, seconds, growth, peak


def _write_register(generated, ruleset_key: str, folder: Path) -> tuple[str, float]:
    """The synthetic register in a fresh SQLite file, its term vectors analysed once as every
    write does (registry.similarity.related_store); returns the URL and the seconds that analysis took."""
    from sqlalchemy import insert

    from registry import migrate
    from registry.db import make_engine, make_session_factory
    from registry.models import Document, Section
    from registry.services.settings import RULESET_KEY, set_setting
    from registry.similarity.related_store import rebuild

    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    documents, sections = [], []
    for snapshot in generated.snapshots:
        documents.append(
            {
                "id": snapshot.id,
                "title": snapshot.title,
                "type_key": snapshot.type,
                "status": "gällande",
                "scope": "kommunövergripande",
                "summary": snapshot.summary,
                "full_text": snapshot.text,
                "version": 1,
            }
        )
        for position, section in enumerate(snapshot.sections):
            sections.append(
                {
                    "document_id": snapshot.id,
                    "anchor": section.anchor,
                    "position": position,
                    "heading": section.heading,
                    "text": section.text,
                }
            )
    with engine.begin() as connection:
        connection.execute(insert(Document.__table__), documents)
        connection.execute(insert(Section.__table__), sections)
    ruleset = load_ruleset(PROJECT_ROOT / "rules", ruleset_key)
    with make_session_factory(engine)() as session:
        set_setting(session, RULESET_KEY, ruleset_key, actor="bench")
        started = time.perf_counter()
        rebuild(session, type_lexicon(ruleset), lexicon_key=ruleset_key)
        analysed = time.perf_counter() - started
        session.commit()
    engine.dispose()
    return url, analysed


def _process(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a command run as its own process (through the scale
    benchmark's launcher, so the peak is the command's and not inherited from this process)."""
    from benchmarks.scale import timed_process

    measured = timed_process(command, env, rounds=1)
    return measured["seconds"], measured["peak_mb"]


def baseline_from_database(url: str, threshold: float, output: str) -> None:
    """The baseline process: the same stored vectors read the same way (the packed rows of
    related_vectors), tf-idf as Styrdok weighs them, and exact all pairs by blocked sparse
    products (every pair above the threshold, nothing skipped)."""
    import numpy as np
    from scipy import sparse
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT document_id, hashes, weights FROM related_vectors")).all()
    engine.dispose()
    ids = {document_id: index for index, (document_id, _, _) in enumerate(rows)}
    hashes = np.frombuffer(b"".join(row[1] for row in rows), dtype="<u8")
    values = np.frombuffer(b"".join(row[2] for row in rows), dtype="<f8")
    _, columns = np.unique(hashes, return_inverse=True)
    indptr = np.concatenate([[0], np.cumsum([len(row[1]) // 8 for row in rows])])
    weights = sparse.csr_matrix((values.copy(), columns.ravel(), indptr), shape=(len(ids), int(columns.max()) + 1))
    frequency = np.diff(weights.tocsc().indptr)
    matrix = weights.multiply((np.log((1 + len(ids)) / (1 + frequency)) + 1.0)[None, :]).tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = (sparse.diags(1.0 / norms) @ matrix).tocsr()
    names = list(ids)
    transposed = matrix.T.tocsc()
    pairs = []
    for start in range(0, matrix.shape[0], 1000):
        block = (matrix[start : start + 1000] @ transposed).tocoo()
        keep = (block.data >= threshold) & (block.col > block.row + start)
        pairs += [[names[start + int(a)], names[int(b)]] for a, b in zip(block.row[keep], block.col[keep])]
    Path(output).write_text(json.dumps(pairs), encoding="utf-8")


def _sqlite_report(generated, ruleset_key: str, with_baseline: bool) -> dict:
    """`styrdok report overlaps` as an auditor runs it, and the exact baseline on the same data."""
    import os
    import shutil

    folder = Path(tempfile.mkdtemp())
    url, analysed = _write_register(generated, ruleset_key, folder)
    env = {**os.environ, "STYRDOK_DATABASE_URL": url, "STYRDOK_INSTANCE_DIR": str(folder)}
    ours_file = folder / "rapport.json"
    styrdok = shutil.which("styrdok") or "styrdok"
    command = [styrdok, "report", "overlaps", "--format", "json", "--output", str(ours_file)]
    seconds, peak = _process([*command, "--min-score", str(THRESHOLD)], env)
    rows = json.loads(ours_file.read_text(encoding="utf-8"))["rows"]
    ours = {frozenset((row["first_id"], row["second_id"])) for row in rows}
    result = {"analysed_once_seconds": round(analysed, 1), "seconds": round(seconds, 2), "peak_mb": round(peak, 1)}
    result["pairs"] = len(ours)
    if with_baseline:
        base_file = folder / "baslinje.json"
        base_command = [sys.executable, "-m", "benchmarks.overlaps", "--baseline-from", url, "--out", str(base_file)]
        base_seconds, base_peak = _process(base_command, env)
        exact = {frozenset(pair) for pair in json.loads(base_file.read_text(encoding="utf-8"))}
        result["baseline"] = {"seconds": round(base_seconds, 2), "peak_mb": round(base_peak, 1), "pairs": len(exact)}
        result["recall_vs_baseline"] = round(len(ours & exact) / len(exact), 4) if exact else None
        result["speedup"] = round(base_seconds / seconds, 1)
    shutil.rmtree(folder, ignore_errors=True)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sqlite", action="store_true", help="time the whole report on a SQLite register")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--baseline-from", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline_from:
        baseline_from_database(args.baseline_from, THRESHOLD, args.out)
        return 0
    ruleset = load_ruleset(PROJECT_ROOT / "rules", "vallentuna")
    lexicon = type_lexicon(ruleset)
    generated = generate(args.documents)
    planted = {frozenset(p) for p in generated.planted_pairs}

    found, seconds, growth, _ = _measure(
        lambda: {
            frozenset((p.first, p.second)) for p in find_overlaps(generated.snapshots, lexicon, threshold=THRESHOLD)
        }
    )
    result = {
        "documents": args.documents,
        "threshold": THRESHOLD,
        "planted_pairs": len(planted),
        "styrdok": {
            "seconds": round(seconds, 2),
            "peak_mb": round(growth / 1e6, 1),
            "pairs": len(found),
            "recall_planted": round(len(found & planted) / len(planted), 4) if planted else None,
        },
    }
    if not args.no_baseline and args.documents <= BASELINE_LIMIT:
        exact, base_seconds, base_growth, _ = _measure(lambda: baseline_pairs(generated.snapshots, lexicon, THRESHOLD))
        result["baseline"] = {
            "seconds": round(base_seconds, 2),
            "peak_mb": round(base_growth / 1e6, 1),
            "pairs": len(exact),
            "recall_planted": round(len(exact & planted) / len(planted), 4) if planted else None,
        }
        result["styrdok"]["recall_vs_baseline"] = round(len(found & exact) / len(exact), 4) if exact else None
        result["speedup"] = round(base_seconds / seconds, 1)
    if args.sqlite:
        result["sqlite_report"] = _sqlite_report(generated, "vallentuna", with_baseline=not args.no_baseline)
    if not args.json:
        s = result["styrdok"]
        print(
            f"{args.documents} dokument, {len(planted)} planterade kopior: Styrdok {s['seconds']} s, "
            f"{s['peak_mb']} MB, {s['pairs']} par, träff på planterade {s['recall_planted']}",
            file=sys.stderr,
        )
        if "baseline" in result:
            b = result["baseline"]
            print(
                f"  exakt baslinje: {b['seconds']} s, {b['peak_mb']} MB, {b['pairs']} par; Styrdok hittar "
                f"{s['recall_vs_baseline']} av baslinjens par och är {result['speedup']} gånger snabbare",
                file=sys.stderr,
            )
        if "sqlite_report" in result:
            r = result["sqlite_report"]
            line = (
                f"  styrdok report overlaps som process på SQLite: {r['seconds']} s, högst {r['peak_mb']} MB, "
                f"{r['pairs']} par (termvektorerna analyserades en gång vid skrivning: {r['analysed_once_seconds']} s)"
            )
            if "baseline" in r:
                b = r["baseline"]
                line += (
                    f"; exakt baslinje på samma lagrade vektorer {b['seconds']} s, {b['peak_mb']} MB, {b['pairs']} par: "
                    f"{r['speedup']} gånger snabbare, träff {r['recall_vs_baseline']} av baslinjens par"
                )
            print(line, file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
