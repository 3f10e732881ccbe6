"""Speed of `check` on the seed motion against a register of N documents.

    python -m benchmarks.check_speed [--documents 10000] [--repeat 20] [--json]

Compared, in the same run and on the same data, with the naive way: the same engine call and the
same tf-idf cosine scoring, but scanning every document instead of using the inverted index.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
import tracemalloc
from collections import Counter

from benchmarks.synthetic import generate
from registry.config import PROJECT_ROOT
from registry.rules.engine import check, type_lexicon
from registry.rules.loader import load_ruleset
from registry.services.demo import demo_motion_text
from registry.similarity.related import RelatedIndex, content_terms


def naive_related(text, snapshots, lexicon, limit=8, min_score=0.08):
    """Score every document against the text: the strongest simple way without an index."""
    docs = []
    df: Counter = Counter()
    for s in snapshots:
        terms = Counter(
            t
            for t, _ in content_terms(
                " ".join([s.title, *s.topics, s.summary, s.text, *(f"{x.heading} {x.text}" for x in s.sections)]),
                lexicon,
            )
        )
        docs.append((s, terms))
        df.update(terms.keys())
    n = len(docs)
    idf = {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}
    query = Counter(t for t, _ in content_terms(text, lexicon))
    qv = {t: (1 + math.log(c)) * idf[t] for t, c in query.items() if t in idf}
    qn = math.sqrt(sum(v * v for v in qv.values())) or 1
    scored = []
    for s, terms in docs:
        dot = sum(w * (1 + math.log(terms[t])) * idf[t] for t, w in qv.items() if t in terms)
        if not dot:
            continue
        dn = math.sqrt(sum(((1 + math.log(c)) * idf[t]) ** 2 for t, c in terms.items()))
        score = dot / (qn * dn)
        if score >= min_score:
            scored.append((score, s.id))
    return sorted(scored, reverse=True)[:limit]


def _time(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    ruleset = load_ruleset(PROJECT_ROOT / "rules", "vallentuna")
    lexicon = type_lexicon(ruleset)
    motion = demo_motion_text()
    snapshots = generate(args.documents).snapshots

    tracemalloc.start()
    build_start = time.perf_counter()
    index = RelatedIndex(lexicon, snapshots)
    build_seconds = time.perf_counter() - build_start
    index_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    styrdok_median, _ = _time(lambda: check(motion, ruleset, related=index.related(motion)), args.repeat)
    naive_median, _ = _time(
        lambda: (check(motion, ruleset), naive_related(motion, snapshots, lexicon)), max(3, args.repeat // 5)
    )
    result = {
        "documents": args.documents,
        "index_build_seconds": round(build_seconds, 3),
        "index_peak_mb": round(index_peak / 1e6, 1),
        "check_median_ms": round(styrdok_median * 1000, 2),
        "naive_median_ms": round(naive_median * 1000, 2),
        "speedup": round(naive_median / styrdok_median, 1),
    }
    if not args.json:
        print(
            f"{args.documents} dokument: check med index {result['check_median_ms']} ms (median), "
            f"utan index {result['naive_median_ms']} ms; {result['speedup']} gånger snabbare. "
            f"Indexet byggs på {result['index_build_seconds']} s och tar {result['index_peak_mb']} MB."
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
