"""Bringing a register in and out: init (and the demo), export, open data, import."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from registry import migrate
from web.cli.base import (
    UserError,
    actor,
    cli,
    runtime,
    user_errors,
)

DEMO_PASSWORD_HINT = "styrdok-demo-2025"


@cli.command("init")
@click.option("--demo", is_flag=True, help="Läs in demoregistret (Vallentuna, KS 2025.032).")
def init_command(demo: bool) -> None:
    """Skapa eller uppdatera databasens schema (alembic upgrade head)."""
    rt = runtime()
    with user_errors():
        migrate.upgrade(rt.engine)
    click.echo(f"Databasen har senaste schemat ({migrate.current_revision(rt.engine)}).")
    from registry.queries.search import index_missing
    from registry.similarity.related_store import ensure_current

    with rt.transaction() as session:
        added = index_missing(session)
        analysed = ensure_current(session)
    if added:
        click.echo(f"Sökindexet kompletterades med {added} dokument.")
    if analysed:
        click.echo(f"Indexet för relaterade dokument byggdes för {analysed} dokument.")
    if demo:
        from registry.services.demo import ensure_demo_users, load_demo
        from registry.services.findings import assessment_hook

        with user_errors(), rt.transaction() as session:
            summary = load_demo(session, actor=actor(), after_change=assessment_hook(rt.settings))
            created = ensure_demo_users(session, actor=actor())
        click.echo(f"Demoregistret: {summary.line()}")
        if created:
            click.echo("Demokonton (bara för demo): " + ", ".join(created) + f"; lösenord: {DEMO_PASSWORD_HINT}")


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Fil att skriva till (annars standard ut)."
)
def export_command(fmt: str, output: str | None) -> None:
    """Exportera hela registret som JSON, eller dokumentlistan som CSV."""
    from registry.services.settings import RULESET_KEY, get_setting
    from registry.services.transfer import export_register, write_csv

    rt = runtime()
    with user_errors(), rt.transaction(dry_run=True) as session, open_output(output) as out:
        if fmt == "json":
            data = export_register(session, ruleset=get_setting(session, RULESET_KEY))
            json.dump(data, out, ensure_ascii=False, indent=2)
            out.write("\n")
            count = len(data["documents"])
        else:
            count = write_csv(session, out)
    if output:
        click.echo(f"Exporterade {count} dokument till {output}.", err=True)


@cli.command("oppna-data")
@click.argument("folder", type=click.Path(file_okay=False, writable=True))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "båda"]), default="båda", show_default=True)
@click.option(
    "--bas-url", "base", help="Registrets publika adress för de stabila adresserna (annars STYRDOK_PUBLIC_URL)."
)
def open_data_command(folder: str, fmt: str, base: str | None) -> None:
    """Skriv hela det publika registret som öppna data (CSV och/eller JSON Lines, CC0) i MAPP.

    Dokument, versioner, beslut och relationer, med datapackage.json och LICENS.txt. Utkast,
    avpublicerade dokument och personuppgifter utöver beslutande organ tas aldrig med. Gjord för att
    köras varje natt; varje fil skrivs hel eller inte alls.
    """
    from registry.opendata.bulk import TABLES, bundle, record_count, write_bundle
    from registry.opendata.identifiers import kommun_slug
    from registry.services.findings import register_ruleset

    rt = runtime()
    base = (base or rt.settings.public_url or "").rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise UserError(
            "Ange registrets publika adress med --bas-url (t.ex. https://styrdok.kommun.se) eller STYRDOK_PUBLIC_URL; "
            "de stabila adresserna i filerna byggs på den."
        )
    formats = ("csv", "jsonl") if fmt == "båda" else (fmt,)
    with user_errors(), rt.transaction(dry_run=True) as session:
        rules = register_ruleset(session, rt.settings)
        for each in formats:
            files = bundle(
                session,
                each,
                base=base,
                kommun=kommun_slug(rules.key),
                kommun_name=rules.name,
                type_labels={k: t.label for k, t in rules.types.items()},
            )
            target = Path(folder) / each
            write_bundle(files, target)
            counts = ", ".join(f"{record_count(files[f'{name}.{each}'], each)} {name}" for name in TABLES)
            click.echo(f"{each.upper()}: {counts} i {target}.")


@contextlib.contextmanager
def open_output(path: str | None):
    if path is None:
        # sys.stdout, not click.get_text_stream (deprecated in click 8.5); CliRunner swaps it too.
        yield sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8", newline="")
    except OSError as error:
        raise UserError(f"Kan inte skriva till {path}: {error.strerror}.") from None
    with handle:
        yield handle


def read_bytes(path: str) -> tuple[bytes, str]:
    """A file's bytes (or standard input's, for "-") and a name for messages."""
    if path == "-":
        return sys.stdin.buffer.read(), "standard in"
    try:
        return Path(path).read_bytes(), path
    except FileNotFoundError:
        raise UserError(f"Filen {path} finns inte.") from None
    except IsADirectoryError:
        raise UserError(f"{path} är en mapp, inte en fil.") from None
    except OSError as error:
        raise UserError(f"Kan inte läsa {path}: {error.strerror}.") from None


def read_input_text(path: str) -> str:
    """Read a text file or standard input ("-") as UTF-8, with a clear message when it fails."""
    data, name = read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{name} är inte text i UTF-8.") from None


_DOCUMENT_SUFFIXES = (".pdf", ".docx", ".txt")
_SHEET_SUFFIXES = (".xlsx", ".csv")


@cli.command("import")
@click.argument("source", type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    help="För en Styrdok-export: filens format (annars efter filändelsen).",
)
@click.option(
    "--register",
    "register_path",
    type=click.Path(dir_okay=False),
    help="Kommunens dokumentförteckning (XLSX eller CSV) som hör till filerna.",
)
@click.option(
    "--kolumn",
    "columns",
    multiple=True,
    metavar="RUBRIK=FÄLT",
    help="Ange själv vad en kolumn är, t.ex. ”Namn på dokumentet=titel” eller ”Anteckning=ingen”.",
)
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle hända utan att ändra något.")
def import_command(
    source: str, fmt: str | None, register_path: str | None, columns: tuple[str, ...], dry_run: bool
) -> None:
    """Importera dokument: en mapp med PDF/DOCX (och förteckningen), en enskild fil, kommunens
    förteckning (XLSX/CSV), eller en Styrdok-export (JSON/CSV). Samma import två gånger lägger
    inte till något."""
    path = Path(source)
    lowered = source.lower()
    is_export = fmt is not None or lowered.endswith(".json") or source == "-"
    if not is_export and lowered.endswith(".csv") and register_path is None and not columns:
        is_export = _is_styrdok_csv(path)
    if is_export:
        _import_export(source, fmt, dry_run)
        return
    if not path.exists():
        raise UserError(f"{source} finns inte.")
    documents: list[Path] = []
    register = Path(register_path) if register_path else None
    if path.is_dir():
        documents = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _DOCUMENT_SUFFIXES)
        sheets = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _SHEET_SUFFIXES)
        if register is None and len(sheets) == 1:
            register = sheets[0]
            click.echo(f"Förteckning: {register.name}", err=True)
        elif register is None and len(sheets) > 1:
            raise UserError(
                f"Mappen har flera kalkylblad ({', '.join(p.name for p in sheets)}); välj ett med --register."
            )
        if not documents and register is None:
            raise UserError(f"Mappen {source} har inga PDF-, DOCX- eller textfiler och ingen förteckning.")
    elif path.suffix.lower() in _SHEET_SUFFIXES and register is None:
        register = path
    else:
        documents = [path]
    _import_files(documents, register, columns, dry_run)


def _is_styrdok_csv(path: Path) -> bool:
    """A CSV in Styrdok's own document-list format (as ``styrdok export --format csv`` writes it),
    not a kommun's list; its unknown columns are then reported, not guessed at."""
    from registry.services.transfer import CSV_COLUMNS

    try:
        with path.open(encoding="utf-8-sig") as handle:
            header = handle.readline()
    except (OSError, UnicodeDecodeError):
        return False
    names = [c.strip() for c in header.strip().split(",")]
    # Styrdok's own column names are English ("title", "type"); a kommun's list is Swedish.
    return "title" in names and sum(n in CSV_COLUMNS for n in names) >= len(names) / 2


def _import_files(documents: list[Path], register: Path | None, columns: tuple[str, ...], dry_run: bool) -> None:
    from registry.ingest.extract import extract_file
    from registry.ingest.spreadsheet import parse_override, read_sheet
    from registry.services.findings import assessment_hook, register_ruleset
    from registry.services.ingest import apply_import, plan_import, read_sources

    rt = runtime()
    rt.require_schema()
    with user_errors():
        overrides = dict(parse_override(c) for c in columns)
        sheet = None
        if register is not None:
            data, name = read_bytes(str(register))
            sheet = read_sheet(extract_file(data, register.name), overrides)
            click.echo(sheet.describe_mapping(), err=True)
        elif overrides:
            raise UserError("--kolumn gäller förteckningen; ange den med --register.")
    from registry.archive.filestore import FileStore

    store = None if dry_run else FileStore(Path(rt.settings.instance_dir) / "files")  # originals are kept
    with _progress(len(documents), "Läser filer") as step:
        reads = read_sources(((p.name, p.read_bytes) for p in documents), progress=step, store=store)
    hook = assessment_hook(rt.settings)
    with user_errors(), rt.transaction(dry_run=dry_run) as session:
        ruleset = register_ruleset(session, rt.settings)
        proposals = plan_import(session, reads, sheet, ruleset)
        with _progress(len(proposals), "Sparar") as step:
            summary = apply_import(session, proposals, ruleset, actor=actor(), after_change=hook, progress=step)
    if dry_run:
        click.echo("Provkörning, inget sparades.")
    click.echo("\n".join(summary.lines()))


def _import_export(file: str, fmt: str | None, dry_run: bool) -> None:
    """A Styrdok export (JSON) or document list (CSV): all or nothing."""
    from registry.services.findings import assessment_hook
    from registry.services.transfer import import_csv, import_register, parse_json, total_records

    fmt = fmt or ("csv" if file.lower().endswith(".csv") else "json")
    text = read_input_text(file)
    rt = runtime()
    hook = assessment_hook(rt.settings)
    with user_errors():
        if fmt == "json":
            data = parse_json(text)
            total = total_records(data)
        else:
            data = text
            total = max(text.count("\n") - 1, 0)
        with rt.transaction(dry_run=dry_run) as session, _progress(total) as step:
            if fmt == "json":
                summary = import_register(session, data, actor=actor(), progress=step, after_change=hook)
            else:
                summary = import_csv(session, data, actor=actor(), progress=step, after_change=hook)
    prefix = "Provkörning, inget sparades. " if dry_run else ""
    click.echo(prefix + summary.line())


@contextlib.contextmanager
def _progress(total: int, label: str = "Importerar"):
    """A progress bar on stderr when it is a terminal; silent otherwise."""
    if not sys.stderr.isatty() or total < 1:
        yield lambda _n: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update
