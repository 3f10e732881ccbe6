"""People and keys: accounts, API keys, unlocking."""

from __future__ import annotations

import click

from web.cli.base import (
    actor,
    cli,
    runtime,
    user_errors,
)


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
