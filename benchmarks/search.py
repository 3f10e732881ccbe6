"""Search latency at N documents, as a ratio to the raw full-text query underneath.

    python -m benchmarks.search --documents 100000 [--json]

Styrdok: `list_documents(q=...)` as the register page runs it (analyse the query, FTS5 match,
identifiers, Swedish order, one page of documents and their findings). Baseline: the bare
FTS5 MATCH with the same expression, returning ids only. Both on the same SQLite file.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

from benchmarks.synthetic import generate
from registry import migrate
from registry.db import make_engine, make_session_factory
from registry.models import Document, SearchEntry, Section
from registry.queries import RegisterFilters, list_documents
from registry.queries.search import analyse, query_words
from registry.text.swedish import swedish_key

QUERIES = [
    "bygglov",
    "strategi",
    "skolskjuts elever",
    "informationssäkerhet",
    "klimat utsläpp",
    "policy",
    "hemtjänst",
    "kultur bibliotek",
    "upphandling avtal",
    "trygghet",
]


def build(count: int) -> str:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'search.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    documents, sections, entries = [], [], []
    for number, snapshot in enumerate(generate(count).snapshots, start=1):
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
        body = [snapshot.title, snapshot.summary, snapshot.text]
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
            body.append(f"{section.heading} {section.text}")
        terms = sorted(set(analyse(" ".join(body))))
        entries.append(
            {
                "id": number,
                "document_id": snapshot.id,
                "terms": " ".join(terms),
                "reversed_terms": " ".join(t[::-1] for t in terms),
                "sort_key": swedish_key(snapshot.title),
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(Document.__table__), documents)
        connection.execute(insert(Section.__table__), sections)
        connection.execute(insert(SearchEntry.__table__), entries)
    engine.dispose()
    return url


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    url = build(args.documents)
    build_seconds = time.perf_counter() - started
    engine = make_engine(url)
    ours, raw = [], []
    with make_session_factory(engine)() as session:
        for _ in range(args.rounds):
            for query in QUERIES:
                start = time.perf_counter()
                list_documents(session, RegisterFilters(q=query), statuses=("gällande",), page=1, per_page=25)
                ours.append(time.perf_counter() - start)
                expression = " AND ".join(
                    f'(terms : "{w}"* OR reversed_terms : "{w[::-1]}"*)' for w in query_words(query)
                )
                start = time.perf_counter()
                session.execute(
                    text(
                        "SELECT e.document_id FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid "
                        "WHERE search_fts MATCH :q"
                    ),
                    {"q": expression},
                ).all()
                raw.append(time.perf_counter() - start)
    engine.dispose()
    our_median, our_p95 = _percentiles(ours)
    raw_median, raw_p95 = _percentiles(raw)
    result = {
        "documents": args.documents,
        "build_seconds": round(build_seconds, 1),
        "styrdok_ms": {"median": round(our_median * 1000, 2), "p95": round(our_p95 * 1000, 2)},
        "raw_fts_ms": {"median": round(raw_median * 1000, 2), "p95": round(raw_p95 * 1000, 2)},
        "ratio": {"median": round(our_median / raw_median, 2), "p95": round(our_p95 / raw_p95, 2)},
    }
    if not args.json:
        print(
            f"{args.documents} dokument: sökning {result['styrdok_ms']} ms, rå FTS5 {result['raw_fts_ms']} ms, "
            f"kvot {result['ratio']}",
            file=sys.stderr,
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
