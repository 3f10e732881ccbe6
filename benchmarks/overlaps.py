"""The overlaps report at scale, against an exact all-pairs baseline measured in the same run.

    python -m benchmarks.overlaps --documents 10000 [--json] [--sqlite] [--no-baseline]

Styrdok: MinHash candidates + exact cosine on the candidates (registry.overlaps).
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
from registry.overlaps import find_overlaps
from registry.related import content_terms
from registry.rules.engine import type_lexicon
from registry.rules.loader import load_ruleset

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


def _sqlite_report(generated, ruleset_key: str) -> tuple[int, float, int]:
    """Write the register to SQLite, then time the overlaps report as `styrdok report` runs it."""
    from sqlalchemy import insert

    from registry import migrate
    from registry.db import make_engine, make_session_factory
    from registry.models import Document, Section
    from registry.reports import overlaps_report
    from registry.services.settings import RULESET_KEY, set_setting

    folder = Path(tempfile.mkdtemp())
    engine = make_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
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
        session.commit()
    engine.dispose()

    def run_report() -> int:
        fresh = make_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
        with make_session_factory(fresh)() as session:
            return len(overlaps_report(session, ruleset, min_score=THRESHOLD).rows)

    rows, seconds, _growth, peak = _measure(run_report)
    return rows, seconds, peak


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sqlite", action="store_true", help="time the whole report on a SQLite register")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)
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
        rows, report_seconds, report_peak = _sqlite_report(generated, "vallentuna")
        result["sqlite_report"] = {
            "seconds": round(report_seconds, 2),
            "peak_mb": round(report_peak / 1e6, 1),
            "rows": rows,
        }
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
            print(
                f"  hela rapporten på SQLite: {r['seconds']} s, högst {r['peak_mb']} MB i processen, {r['rows']} rader",
                file=sys.stderr,
            )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
