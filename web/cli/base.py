"""The command line's frame: the group, one Runtime per invocation, the Swedish error line."""

from __future__ import annotations

import contextlib
import getpass
import os
from collections.abc import Iterator
from pathlib import Path

import click
from sqlalchemy.orm import Session

from registry import migrate
from registry.config import Settings, load_settings
from registry.db import make_engine, make_session_factory
from registry.errors import RegistryError


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
            from registry.archive.checkpoints import checkpoint_if_due

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
