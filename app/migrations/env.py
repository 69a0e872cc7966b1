"""Alembic environment: migrations run on the connection the application hands over (see app.db)."""

from __future__ import annotations

from alembic import context

import app.models  # noqa: F401  (registers every table)
from app.db import include_object
from app.models.base import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("migrations run only through app.db with an open connection")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
