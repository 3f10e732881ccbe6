"""The ``styrdok`` command line. Each command is a thin edge: parse, call services, commit once.

Exit status: 0 when the command ran, 2 for bad usage or input (one Swedish line on stderr),
1 for an internal failure. One module per area; each registers its commands on ``cli``.
"""

from __future__ import annotations

import os
import sys

import click

from web.cli import checks, register, serving, trust, users  # noqa: F401  (commands register on cli)
from web.cli.base import Runtime, UserError, cli, runtime, user_errors

__all__ = ["Runtime", "UserError", "cli", "main", "register_commands", "runtime", "user_errors"]


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
