"""Alembic environment: always run on the connection `migrations_runner` hands over."""

from alembic import context

from dps.adapters.db import tables  # noqa: F401  (registers every table)
from dps.adapters.db.metadata import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through dps.adapters.db.migrations_runner (`dps db upgrade`)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
