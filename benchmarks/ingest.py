"""Importing a folder of N generated documents (DOCX and PDF) with a register spreadsheet.

    python -m benchmarks.ingest --documents 1000 [--baseline-sample 100] [--json]

Styrdok: `styrdok import` as a kommun runs it — every file read in one limited child process,
structure and metadata recognised, the register rows matched, each document checked against the
rules and written in one transaction. Printed: documents per second for the whole import and for
each step, and peak memory of the importing process and of the reading child.

Baseline, measured in the same run on a sample of the same files: reading each file in a fresh
child process (what a simple "one subprocess per upload" design does), the read step only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.docmaker import make_docx, make_xlsx
from benchmarks.pdfmaker import Text, make_pdf
from benchmarks.synthetic import generate
from registry import migrate
from registry.config import load_settings
from registry.db import make_engine, make_session_factory
from registry.ingest.extract import extract_file
from registry.ingest.layout import layout_of
from registry.ingest.spreadsheet import read_sheet
from registry.services.findings import assessment_hook, register_ruleset
from registry.services.ingest import apply_import, plan_import, read_sources


def write_folder(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """N documents from the synthetic register: 3 in 4 as DOCX, 1 in 4 as PDF; half in the sheet."""
    rng = random.Random(seed)
    register = generate(count)
    rows = [["Dokumentnamn", "Typ", "Beslutad av", "Beslutsdatum", "§", "Dokumentansvarig"]]
    paths = []
    for number, snapshot in enumerate(register.snapshots):
        # The synthetic register reuses titles; a kommun's documents have titles of their own.
        title = f"{snapshot.title} {number + 1}"
        adopted = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        meta = [
            f"Antagen av kommunfullmäktige {adopted.isoformat()}, § {number % 200 + 1}",
            "Dokumentansvarig: Kommunledningskontoret",
        ]
        sections = [(s.heading, [s.text]) for s in snapshot.sections] or [("Syfte", [snapshot.summary])]
        name = f"dokument-{number:05d}"
        if number % 4 == 3:
            items = [Text(title, y=770, size=18, bold=True)] + [
                Text(line, y=740 - 16 * i) for i, line in enumerate(meta)
            ]
            y = 690
            for heading, texts in sections[:6]:
                items.append(Text(heading, y=y, size=14, bold=True))
                y -= 18
                for piece in _wrap(" ".join(texts), 90)[:4]:
                    items.append(Text(piece, y=y))
                    y -= 14
            path = folder / f"{name}.pdf"
            path.write_bytes(make_pdf([items]))
        else:
            path = folder / f"{name}.docx"
            path.write_bytes(make_docx(title, meta=meta, sections=sections, header="KOMMUNEN", footer="Sida 1"))
        paths.append(path)
        if number % 2 == 0:
            rows.append(
                [
                    title,
                    snapshot.type,
                    "Kommunfullmäktige",
                    adopted.strftime("%d/%m %Y"),
                    str(number % 200 + 1),
                    "Kommunledningskontoret",
                ]
            )
    (folder / "förteckning.xlsx").write_bytes(make_xlsx(rows))
    return paths


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return lines + ([current] if current else [])


def child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run(count: int, sample: int) -> dict:
    folder = Path(tempfile.mkdtemp())
    files = folder / "filer"
    files.mkdir()
    started = time.perf_counter()
    paths = write_folder(files, count)
    generated = time.perf_counter() - started

    # Baseline: a fresh child per file, on a sample.
    sample_paths = paths[:sample]
    started = time.perf_counter()
    for path in sample_paths:
        layout_of(extract_file(path.read_bytes(), path.name))
    baseline_seconds = time.perf_counter() - started

    url = f"sqlite:///{folder / 'import.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    settings = load_settings({"STYRDOK_DATABASE_URL": url, "STYRDOK_INSTANCE_DIR": str(folder)})
    started = time.perf_counter()
    reads = read_sources((p.name, p.read_bytes) for p in paths)
    read_seconds = time.perf_counter() - started
    sheet_path = files / "förteckning.xlsx"
    sheet = read_sheet(extract_file(sheet_path.read_bytes(), sheet_path.name))
    with make_session_factory(engine)() as session:
        ruleset = register_ruleset(session, settings)
        planned_at = time.perf_counter()
        proposals = plan_import(session, reads, sheet, ruleset)
        plan_seconds = time.perf_counter() - planned_at
        written_at = time.perf_counter()
        summary = apply_import(session, proposals, ruleset, actor="benchmark", after_change=assessment_hook(settings))
        session.commit()
        write_seconds = time.perf_counter() - written_at
    total_seconds = time.perf_counter() - started
    engine.dispose()
    per_file_ours = read_seconds / count
    per_file_baseline = baseline_seconds / len(sample_paths)
    return {
        "documents": count,
        "generated_seconds": round(generated, 1),
        "imported": len(summary.added),
        "skipped": len(summary.skipped),
        "total_seconds": round(total_seconds, 1),
        "documents_per_second": round(count / total_seconds, 1),
        "read_seconds": round(read_seconds, 1),
        "plan_seconds": round(plan_seconds, 1),
        "write_seconds": round(write_seconds, 1),
        "read_ms_per_file": round(per_file_ours * 1000, 1),
        "baseline_read_ms_per_file": round(per_file_baseline * 1000, 1),
        "baseline_sample": len(sample_paths),
        "read_speedup_vs_child_per_file": round(per_file_baseline / per_file_ours, 1),
        "child_peak_rss_mb": round(child_peak_mb(), 1),
        "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--baseline-sample", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.documents, min(args.baseline_sample, args.documents))
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"Import av {result['documents']} genererade dokument (3/4 DOCX, 1/4 PDF, hälften i förteckningen)")
    print(f"  nya: {result['imported']}, överhoppade: {result['skipped']}")
    print(f"  hela importen: {result['total_seconds']} s = {result['documents_per_second']} dokument/s")
    print(
        f"  läsa: {result['read_seconds']} s, planera: {result['plan_seconds']} s, skriva och kontrollera: {result['write_seconds']} s"
    )
    print(
        f"  läsa per fil: {result['read_ms_per_file']} ms; baslinje (ny process per fil, {result['baseline_sample']} filer): "
        f"{result['baseline_read_ms_per_file']} ms → {result['read_speedup_vs_child_per_file']}× snabbare"
    )
    print(
        f"  minne (topp): importprocessen {result['process_peak_rss_mb']} MB RSS, "
        f"läsprocessen {result['child_peak_rss_mb']} MB RSS"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
