"""Serving and reading: the web, the OpenAPI document, what was in force on a day."""

from __future__ import annotations

import json
from pathlib import Path

import click

from registry.config import load_settings
from web.cli.base import (
    cli,
    runtime,
)


@cli.command("openapi")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="docs/openapi.json", show_default=True)
def openapi_command(output: str) -> None:
    """Skriv API:ets OpenAPI-dokument (det som ligger i docs/ och som en test jämför med)."""
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
    from registry.queries.history import in_force_on

    with runtime().transaction(dry_run=True) as session:
        documents = in_force_on(session, day.date())
    if fmt == "json":
        click.echo(json.dumps({"date": day.date().isoformat(), "documents": documents}, ensure_ascii=False, indent=2))
        return
    click.echo(f"Gällande {day.date().isoformat()}: {len(documents)} dokument")
    for document in documents:
        click.echo(f"  {document['title']} ({document['type']}, version {document['version']})")


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
