"""Keeping the record: the audit trail, database roles, gallring, files, backup and restore."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from web.cli.base import (
    UserError,
    actor,
    cli,
    runtime,
    user_errors,
)


@cli.group("audit")
def audit_group() -> None:
    """Händelseloggen: kontrollera att ingen rad har ändrats i efterhand."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Gå igenom hashkedjan och håll den mot de signerade kontrollpunkterna; exit 3 och första
    ändrade rad om den är bruten, omskriven eller kortad."""
    from registry.archive.checkpoints import verify_with_checkpoints

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
    from registry.archive.checkpoints import write_checkpoint

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

    from registry.archive.filestore import FileStore
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


@cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Säkerhetskopiera registret medan det används (SQLite: online backup; PostgreSQL: pg_dump)."""
    from registry.archive.backup import backup
    from registry.archive.checkpoints import write_checkpoint
    from registry.archive.filestore import write_manifest

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
    from registry.archive.backup import restore, verify_register
    from registry.archive.checkpoints import RESTORE_MARKER, write_checkpoint
    from registry.archive.filestore import restore_manifest

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
