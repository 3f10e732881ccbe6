"""Checking texts against the rules: check, classify, the rule files, the reports."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from registry.limits import MAX_ANALYSED_CHARS, too_long_message
from web.cli.base import (
    Runtime,
    UserError,
    cli,
    runtime,
    user_errors,
)
from web.cli.register import open_output, read_bytes


def _ruleset_key(rt: Runtime, requested: str | None) -> str:
    """--ruleset, else the register's own setting (when it has a schema), else the default."""
    if requested:
        return requested
    from registry.services.settings import RULESET_KEY, get_setting

    try:
        rt.require_schema()
    except UserError:
        return rt.settings.default_ruleset
    with rt.transaction(dry_run=True) as session:
        return get_setting(session, RULESET_KEY) or rt.settings.default_ruleset


def _read_document(path: str) -> str:
    """Plain text, PDF or DOCX from a file or standard input; refuses empty input."""
    from registry.ingest.extract import extract_text

    data, name = read_bytes(path)
    with user_errors():
        text = extract_text(data, name, max_chars=MAX_ANALYSED_CHARS)
    if not text.strip():
        raise UserError(f"{name} är tom; ge en text att bedöma.")
    if len(text) > MAX_ANALYSED_CHARS:
        raise UserError(too_long_message(len(text), f"Texten i {name}"))
    return text


def _assess(kind: str, file: str, ruleset_key: str | None, fmt: str, stated_type: str | None) -> None:
    from registry.rules import engine
    from registry.rules.loader import cached_ruleset
    from registry.rules.render import render_markdown, render_text

    rt = runtime()
    text = _read_document(file)
    key = _ruleset_key(rt, ruleset_key)
    with user_errors():
        ruleset = cached_ruleset(rt.settings.rules_dir, key)
    if stated_type is not None:
        stated_type = stated_type.strip().lower()
        if stated_type not in ruleset.types:
            raise UserError(
                f"Okänd dokumenttyp ”{stated_type}” i {ruleset.key}. Kända typer: {', '.join(ruleset.types)}."
            )
    related = _related(rt, ruleset, text)
    if kind == "check":
        assessment = engine.check(text, ruleset, related=related)
    else:
        assessment = engine.classify(text, ruleset, stated_type=stated_type, related=related)
    if fmt == "json":
        click.echo(json.dumps(assessment.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(render_markdown(assessment, ruleset), nl=False)
    else:
        click.echo(render_text(assessment, ruleset), nl=False)


def _related(rt: Runtime, ruleset, text: str):
    """Related documents from the register, when there is one; a check works without it."""
    from registry.rules.engine import type_lexicon
    from registry.similarity.related_store import StoredRelatedIndex

    try:
        rt.require_schema()
    except UserError:
        return []
    with rt.transaction(dry_run=True) as session:
        return StoredRelatedIndex(session, type_lexicon(ruleset)).related(text)


_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text: kort rapport; json: maskinläsbart; markdown: utkast till tjänsteskrivelse.",
)
_RULESET = click.option(
    "--ruleset", "ruleset_key", metavar="KEY", help="Kommunens regeluppsättning (t.ex. vallentuna)."
)


@cli.command("check")
@_RULESET
@_FORMAT
@click.argument("file", default="-", required=False)
def check_command(ruleset_key: str | None, fmt: str, file: str) -> None:
    """Bedöm en motion, ett medborgarförslag eller ett uppdrag (text, PDF eller DOCX; - är standard in)."""
    _assess("check", file, ruleset_key, fmt, None)


@cli.command("classify")
@_RULESET
@click.option("--type", "stated_type", metavar="KEY", help="Typen dokumentet är registrerat som (t.ex. policy).")
@_FORMAT
@click.argument("file", default="-", required=False)
def classify_command(ruleset_key: str | None, stated_type: str | None, fmt: str, file: str) -> None:
    """Bedöm ett styrdokuments text, och med --type om den stämmer med typen."""
    _assess("classify", file, ruleset_key, fmt, stated_type)


@cli.group("rules")
def rules_group() -> None:
    """Regelfiler: kontrollera och visa kommunernas definitioner."""


@rules_group.command("lint")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def rules_lint(files: tuple[str, ...]) -> None:
    """Kontrollera regelfilerna (alla i rules/, eller de angivna)."""
    from registry.rules.loader import lint_rules

    rt = runtime()
    results = lint_rules(rt.settings.rules_dir, [Path(f) for f in files] or None)
    broken = [(name, error) for name, error in results if error]
    for name, error in results:
        click.echo(f"{'FEL' if error else 'OK '}  {error or name}")
    if broken:
        raise UserError(f"{len(broken)} av {len(results)} regelfiler har fel; första: {broken[0][1]}")


@rules_group.command("show")
@click.argument("key")
def rules_show(key: str) -> None:
    """Visa en regeluppsättning som en läsbar tabell."""
    from registry.rules.loader import cached_ruleset

    rt = runtime()
    with user_errors():
        ruleset = cached_ruleset(rt.settings.rules_dir, key)
    click.echo(f"{ruleset.name} – {ruleset.key} ({ruleset.version})")
    click.echo(f"Källa: {ruleset.source}")
    if ruleset.extends:
        click.echo(f"Ärver typer som saknas från: {ruleset.extends}")
    for family in ruleset.families.values():
        members = [t for t in ruleset.types.values() if t.family == family.key]
        if not members:
            continue
        click.echo("")
        click.echo(f"{family.label}")
        click.echo("=" * len(family.label))
        for document_type in members:
            origin = " (gemensam kärna)" if document_type.from_common_core else ""
            click.echo(f"{document_type.label}{origin}  [{document_type.key}]")
            click.echo(_wrap(f"Definition: {document_type.definition}"))
            click.echo(_wrap(f"Källa: {document_type.source}"))
            click.echo(
                _wrap(
                    f"Antas av: {', '.join(document_type.adopted_by) or '–'}"
                    f"; tidshorisont: {document_type.horizon or '–'}"
                    f"; aktualitetsprövning: {'vart ' + str(document_type.review_years) + ':e år' if document_type.review_years else '–'}"
                )
            )
            if document_type.must_not_contain:
                click.echo(_wrap(f"Får inte innehålla: {', '.join(document_type.must_not_contain)}"))
            click.echo(_wrap("Delar: " + "; ".join(c.text for c in document_type.clauses)))
            click.echo("")


def _wrap(text: str) -> str:
    import textwrap

    return textwrap.fill(text, width=100, initial_indent="    ", subsequent_indent="    ")


@cli.command("report")
@click.argument("name", type=click.Choice(["overlaps", "violations", "reviews", "hygiene"]))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "csv-excel", "xlsx"]),
    default="text",
    show_default=True,
    help="csv: komma och decimalpunkt; csv-excel: semikolon, decimalkomma och BOM för svenska Excel.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Fil att skriva till (krävs för xlsx).")
@click.option("--min-score", type=click.FloatRange(0.01, 1.0), help="overlaps: lägsta likhet (0–1).")
def report_command(name: str, fmt: str, output: str | None, min_score: float | None) -> None:
    """Rapporter för revisorer: overlaps, violations, reviews, hygiene."""

    from registry.reports import build_report, text_lines, write_csv_report, write_xlsx
    from registry.services.findings import register_ruleset

    if fmt == "xlsx" and not output:
        raise UserError("Ange --output FIL.xlsx för xlsx.")
    rt = runtime()
    options = {"min_score": min_score} if (min_score and name == "overlaps") else {}
    if name == "overlaps" and sys.stderr.isatty():
        options["progress"] = lambda message: click.echo(message, err=True)
    with user_errors(), rt.transaction(dry_run=True) as session:
        report = build_report(session, name, register_ruleset(session, rt.settings), **options)
    if fmt == "xlsx":
        write_xlsx(report, output)
        click.echo(f"Skrev {len(report.rows)} rader till {output}.", err=True)
        return
    with open_output(output) as out:
        if fmt == "json":
            json.dump(report.as_dict(), out, ensure_ascii=False, indent=2)
            out.write("\n")
        elif fmt in ("csv", "csv-excel"):
            if fmt == "csv-excel":
                out.write("\ufeff")  # Excel reads UTF-8 only with its byte-order mark
            write_csv_report(report, out, swedish=fmt == "csv-excel")
        else:
            for line in text_lines(report):
                out.write(line + "\n")
