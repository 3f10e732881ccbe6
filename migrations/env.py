"""Alembic environment: metadata from registry.models, URL from registry.config.

A caller may pass an open connection in ``config.attributes["connection"]`` (tests and
``styrdok init`` do), so migrations run inside the caller's engine with its SQLite pragmas.
"""

from __future__ import annotations

from alembic import context

import registry.models  # noqa: F401  (fills Base.metadata)
from registry.config import load_settings
from registry.db import Base, make_engine
from registry.migrate import include_object

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        compare_type=True,
        # SQLite cannot ALTER most things in place; batch mode copies the table.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or load_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline-migreringar stöds inte; kör mot en databas.")
run_migrations_online()
