"""The ``styrdok`` command line. Each command is a thin edge: parse, call services, commit once.

Exit status: 0 when the command ran, 2 for bad usage or input (one Swedish line on stderr),
1 for an internal failure.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from sqlalchemy.orm import Session

from registry import migrate
from registry.config import Settings, load_settings
from registry.db import make_engine, make_session_factory
from registry.errors import RegistryError
from registry.limits import MAX_ANALYSED_CHARS, too_long_message


class UserError(click.ClickException):
    """Printed as one line, exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"styrdok: fel: {self.message}", err=True)


class Runtime:
    """Settings and database for one CLI invocation, built lazily."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._engine = None

    @property
    def engine(self):
        if self._engine is None:
            url = self.settings.database_url
            if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
                folder = Path(url.removeprefix("sqlite:///")).parent
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise UserError(
                        f"Mappen {folder} för databasen kan inte skapas ({error.strerror}); "
                        "ange en mapp Styrdok får skriva i med STYRDOK_INSTANCE_DIR."
                    ) from None
            self._engine = make_engine(url)
        return self._engine

    @contextlib.contextmanager
    def transaction(self, *, dry_run: bool = False) -> Iterator[Session]:
        """One transaction for the whole command: commit at the end, or change nothing."""
        self.require_schema()
        session = make_session_factory(self.engine, writes=not dry_run)()
        try:
            yield session
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        if not dry_run:
            from registry.checkpoints import checkpoint_if_due

            checkpoint_if_due(make_session_factory(self.engine, writes=False)(), self.settings)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def require_schema(self) -> None:
        from sqlalchemy.exc import OperationalError

        heads = migrate.head_revisions()
        try:
            current = migrate.current_revision(self.engine)
        except OperationalError as error:
            reason = str(getattr(error, "orig", error)).splitlines()[0]
            raise UserError(
                f"Databasen kan inte öppnas ({reason}). Finns mappen, och får Styrdok skriva i den "
                "(en SQLite-databas behöver skriva sin logg bredvid filen)? Ange en annan med "
                "STYRDOK_INSTANCE_DIR eller STYRDOK_DATABASE_URL."
            ) from None
        if current not in heads:
            raise UserError("Databasen saknar registrets schema eller har ett äldre; kör ”styrdok init” först.")


def actor() -> str:
    return os.environ.get("STYRDOK_ACTOR") or f"cli:{getpass.getuser()}"


def runtime() -> Runtime:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if not isinstance(root.obj, Runtime):
        with user_errors():
            root.obj = Runtime(load_settings())
        root.call_on_close(root.obj.close)
    return root.obj


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn domain errors into one Swedish line and exit status 2."""
    from sqlalchemy.exc import DBAPIError

    try:
        yield
    except RegistryError as error:
        raise UserError(error.message) from None
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        raise UserError(
            "Databasrollen saknar behörighet för det här (appens roll får bara läsa och skriva rader); "
            "schemaändringar och roller görs som ägarrollen."
        ) from None


@click.group()
def cli() -> None:
    """Styrdok: register över styrdokument med kommunens egna typdefinitioner."""


DEMO_PASSWORD_HINT = "styrdok-demo-2025"


@cli.command("init")
@click.option("--demo", is_flag=True, help="Läs in demoregistret (Vallentuna, KS 2025.032).")
def init_command(demo: bool) -> None:
    """Skapa eller uppdatera databasens schema (alembic upgrade head)."""
    rt = runtime()
    with user_errors():
        migrate.upgrade(rt.engine)
    click.echo(f"Databasen har senaste schemat ({migrate.current_revision(rt.engine)}).")
    from registry.related_store import ensure_current
    from registry.search import index_missing

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
    with user_errors(), rt.transaction(dry_run=True) as session, _open_output(output) as out:
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
def _open_output(path: str | None):
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


def _read_bytes(path: str) -> tuple[bytes, str]:
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
    data, name = _read_bytes(path)
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
    from registry.extract import extract_file
    from registry.ingest.spreadsheet import parse_override, read_sheet
    from registry.services.findings import assessment_hook, register_ruleset
    from registry.services.ingest import apply_import, plan_import, read_sources

    rt = runtime()
    rt.require_schema()
    with user_errors():
        overrides = dict(parse_override(c) for c in columns)
        sheet = None
        if register is not None:
            data, name = _read_bytes(str(register))
            sheet = read_sheet(extract_file(data, register.name), overrides)
            click.echo(sheet.describe_mapping(), err=True)
        elif overrides:
            raise UserError("--kolumn gäller förteckningen; ange den med --register.")
    from registry.filestore import FileStore

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
    from registry.extract import extract_text

    data, name = _read_bytes(path)
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
    from registry.related_store import StoredRelatedIndex
    from registry.rules.engine import type_lexicon

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
    with _open_output(output) as out:
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


@cli.group("audit")
def audit_group() -> None:
    """Händelseloggen: kontrollera att ingen rad har ändrats i efterhand."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Gå igenom hashkedjan och håll den mot de signerade kontrollpunkterna; exit 3 och första
    ändrade rad om den är bruten, omskriven eller kortad."""
    from registry.checkpoints import verify_with_checkpoints

    rt = runtime()
    with rt.transaction(dry_run=True) as session:
        report, stored = verify_with_checkpoints(session, rt.settings)
    if report.intact:
        click.echo(f"Händelseloggen är oförändrad: {report.checked} rader kontrollerade.")
        if stored.checkpoints:
            click.echo(
                f"Den stämmer med {len(stored.checkpoints)} signerade kontrollpunkter "
                f"(den senaste {stored.checkpoints[-1].at}, {stored.checkpoints[-1].rows} rader)."
            )
        else:
            click.echo(
                "Inga signerade kontrollpunkter ännu, så en kortad eller omräknad logg syns inte: "
                "kör ”styrdok audit checkpoint”."
            )
        return
    where = f" vid rad {report.broken_at}" if report.broken_at is not None else ""
    click.echo(
        f"styrdok: händelseloggen är ändrad{where}: {report.reason} ({report.checked} rader före den stämmer).",
        err=True,
    )
    sys.exit(3)


@audit_group.command("checkpoint")
def audit_checkpoint() -> None:
    """Signera loggens nuvarande huvud (antal rader och sista hash) och lägg det i kontrollpunktsfilen;
    raden skrivs också ut, för arkivet."""
    from registry.checkpoints import write_checkpoint

    rt = runtime()
    with rt.transaction(dry_run=True) as session:
        line = write_checkpoint(
            session, key_path=rt.settings.audit_key_path, file_path=rt.settings.audit_checkpoint_path
        )
    click.echo(f"Kontrollpunkt skriven till {rt.settings.audit_checkpoint_path}:")
    click.echo(line)


@cli.group("db")
def db_group() -> None:
    """Databasen: roller i PostgreSQL."""


@db_group.command("app-role")
@click.argument("role")
@click.option("--password", default=None, help="Lösenord för rollen (behövs inte med trust- eller peer-inloggning).")
def db_app_role(role: str, password: str | None) -> None:
    """Ge appens PostgreSQL-roll rätt att läsa och skriva rader och inget mer (den kan inte ta bort
    eller stänga av historikens triggrar). Körs som ägarrollen, igen efter varje ”styrdok init”."""
    from registry.roles import grant_app_role

    rt = runtime()
    rt.require_schema()
    with user_errors():
        statements = grant_app_role(rt.engine, role, password)
    click.echo(f"Rollen {role} får läsa och skriva rader i registret, men äger inget:")
    for statement in statements:
        click.echo(f"  {statement};")
    click.echo(f"Kör appen med den: STYRDOK_DATABASE_URL=postgresql+psycopg://{role}@värd/databas")


@cli.command("gallra")
@click.argument("document_id")
@click.option(
    "--beslut",
    "decision_reference",
    required=True,
    help="Gallringsbeslutet, t.ex. ”KS 2024-05-06 § 88 (dnr KS 2024/99)”.",
)
@click.option("--skal", "reason", help="Varför dokumentet gallras (valfritt).")
@click.option("--ja", "confirmed", is_flag=True, help="Bekräfta utan att frågas (för skript).")
def cull_command(document_id: str, decision_reference: str, reason: str | None, confirmed: bool) -> None:
    """Gallra (förstör) ett upphävt, ersatt eller avpublicerat dokument enligt ett gallringsbeslut.
    Kvar blir en gravsten: vad, enligt vilket beslut, av vem och när."""
    from registry.services.culling import cull_document

    if not confirmed and not click.confirm(f"Dokumentet {document_id} förstörs och kan inte återställas. Fortsätta?"):
        raise UserError("Avbrutet; inget gallrades.")
    with user_errors(), runtime().transaction() as session:
        tombstone = cull_document(
            session, document_id, {"decision_reference": decision_reference, "reason": reason}, actor=actor()
        )
        click.echo(
            f"Gallrat: ”{tombstone.title}” ({tombstone.version_count} versioner) enligt "
            f"{tombstone.decision_reference}. Kontrollsumma för sista versionen: {tombstone.content_sha256}."
        )


@cli.command("rensa-filer")
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle tas bort utan att ta bort något.")
def sweep_command(dry_run: bool) -> None:
    """Ta bort lagrade filer som inget dokument hänvisar till (avbrutna importer, uppladdningar som
    aldrig bekräftades och äldre än en vecka, gallrade original). Filer yngre än en timme rörs inte."""
    import datetime as dt

    from registry.filestore import FileStore
    from registry.services.files import sweep_orphans
    from registry.timeutil import utcnow

    rt = runtime()
    instance = Path(rt.settings.instance_dir)
    with rt.transaction(dry_run=True) as session:
        removed = sweep_orphans(
            session,
            FileStore(instance / "files"),
            instance / "imports",
            keep_pending_for=dt.timedelta(days=7),
            now=utcnow(),
            dry_run=dry_run,
        )
    verb = "Skulle ta bort" if dry_run else "Tog bort"
    click.echo(f"{verb} {len(removed)} filer som inget dokument hänvisar till.")


@cli.command("openapi")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="docs/openapi.json", show_default=True)
def openapi_command(output: str) -> None:
    """Skriv API:ets OpenAPI-dokument (det som ligger i docs/ och som en test jämför med)."""
    from registry.config import load_settings
    from web import create_app
    from web.api.spec import build_spec

    app = create_app(load_settings())
    Path(output).write_text(
        json.dumps(build_spec(app), ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    app.extensions["styrdok"]["engine"].dispose()
    click.echo(f"Skrev {output}.")


@cli.command("in-force")
@click.option("--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="Dagen, ÅÅÅÅ-MM-DD.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def in_force_command(day, fmt: str) -> None:
    """Vilka styrdokument var gällande en viss dag, enligt versionshistoriken."""
    from registry.history import in_force_on

    with runtime().transaction(dry_run=True) as session:
        documents = in_force_on(session, day.date())
    if fmt == "json":
        click.echo(json.dumps({"date": day.date().isoformat(), "documents": documents}, ensure_ascii=False, indent=2))
        return
    click.echo(f"Gällande {day.date().isoformat()}: {len(documents)} dokument")
    for document in documents:
        click.echo(f"  {document['title']} ({document['type']}, version {document['version']})")


@cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Säkerhetskopiera registret medan det används (SQLite: online backup; PostgreSQL: pg_dump)."""
    from registry.backup import backup
    from registry.checkpoints import write_checkpoint
    from registry.filestore import write_manifest

    rt = runtime()
    rt.require_schema()
    with user_errors():
        backup(rt.settings.database_url, Path(path))
    # The originals after the database: every file a row in the copy refers to is already stored.
    files = write_manifest(Path(rt.settings.instance_dir) / "files", Path(f"{path}.filer"))
    with rt.transaction(dry_run=True) as session:
        write_checkpoint(
            session,
            key_path=rt.settings.audit_key_path,
            file_path=rt.settings.audit_checkpoint_path,
            note=f"säkerhetskopia {Path(path).name}",
        )
    click.echo(
        f"Säkerhetskopian är skriven till {path} med sin kontrollsumma i {path}.sha256 "
        f"(och {files} originalfiler med kontrollsummor till {path}.filer)."
    )


@cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
def restore_command(path: str) -> None:
    """Återställ registret från en säkerhetskopia och kontrollera resultatet."""
    from registry.backup import restore, verify_register
    from registry.checkpoints import RESTORE_MARKER, write_checkpoint
    from registry.filestore import restore_manifest

    rt = runtime()
    with user_errors():
        # checked in a staging copy first (files against their manifest too); live is untouched on failure
        restore(rt.settings.database_url, Path(path), files=Path(f"{path}.filer"))
    files = 0
    if Path(f"{path}.filer", "MANIFEST.sha256").exists():
        try:
            files = restore_manifest(Path(f"{path}.filer"), Path(rt.settings.instance_dir) / "files")
        except OSError as error:
            raise UserError(str(error)) from None
    with rt.transaction(dry_run=True) as session:
        report = verify_register(session)
        if report.chain_intact:
            # The trail is now the backup's: later checkpoints are held against it from here on.
            write_checkpoint(
                session,
                key_path=rt.settings.audit_key_path,
                file_path=rt.settings.audit_checkpoint_path,
                kind=RESTORE_MARKER,
                note=f"återställt från {Path(path).name}",
            )
    click.echo(
        f"Återställt: {report.documents} dokument, {files} originalfiler, {report.audit_rows} händelser; "
        f"händelseloggen {'är oförändrad' if report.chain_intact else 'är BRUTEN'}."
    )
    if not report.chain_intact:
        sys.exit(3)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adress att lyssna på.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port.")
def serve_command(host: str, port: int) -> None:
    """Starta webben på den inbäddade SQLite-databasen (för produktion: gunicorn, se README)."""
    from web import create_app

    rt = runtime()
    rt.require_schema()
    app = create_app(rt.settings)
    click.echo(f"Styrdok svarar på http://{host}:{port}/  (avsluta med Ctrl+C)", err=True)
    app.run(host=host, port=port, debug=False, use_reloader=False)


@cli.group("users")
def users_group() -> None:
    """Användare: skapa konton och API-nycklar."""


@users_group.command("add")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Namnet som visas.")
@click.option("--role", type=click.Choice(["registrator", "revisor", "admin"]), required=True)
@click.password_option("--password", help="Minst 12 tecken (frågas efter om det inte anges).")
def users_add(username: str, display_name: str, role: str, password: str) -> None:
    """Skapa en användare."""
    from registry.services.users import create_user

    with user_errors(), runtime().transaction() as session:
        create_user(
            session,
            {"username": username, "display_name": display_name, "role": role, "password": password},
            actor=actor(),
        )
    click.echo(f"Användaren {username} ({role}) är skapad.")


@users_group.command("token")
@click.argument("username")
@click.option("--name", required=True, help="Vad nyckeln är till för, t.ex. ”diariet”.")
def users_token(username: str, name: str) -> None:
    """Skapa en API-nyckel för en användare; den visas bara en gång."""
    from registry.services.users import create_api_token, get_user

    with user_errors(), runtime().transaction() as session:
        token = create_api_token(session, get_user(session, username), name, actor=actor())
    click.echo(token)


@users_group.command("revoke-token")
@click.argument("username")
@click.option("--name", required=True, help="Namnet nyckeln fick när den skapades.")
def users_revoke_token(username: str, name: str) -> None:
    """Återkalla en användares API-nyckel; den slutar gälla genast."""
    from registry.services.users import revoke_api_tokens

    with user_errors(), runtime().transaction() as session:
        count = revoke_api_tokens(session, username, name, actor=actor())
    click.echo(f"Återkallade {count} API-nyckel{'' if count == 1 else 'ar'} ”{name}” för {username}.")


@users_group.command("unlock")
@click.argument("username")
def users_unlock(username: str) -> None:
    """Häv ett konto som låsts efter för många felaktiga lösenord."""
    from registry.services.users import unlock_user

    with user_errors(), runtime().transaction() as session:
        unlock_user(session, username, actor=actor())
    click.echo(f"Kontot {username} är upplåst.")


def register_commands(app) -> None:
    """Make every command available as ``flask --app web <command>`` too."""
    for command in cli.commands.values():
        app.cli.add_command(command)


def main() -> None:
    """Console-script entry point with the exit-status contract."""
    try:
        cli.main(prog_name="styrdok", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as error:  # an internal failure: one line, exit 1
        if os.environ.get("STYRDOK_DEBUG"):
            raise
        click.echo(f"styrdok: internt fel ({type(error).__name__}): {error}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
