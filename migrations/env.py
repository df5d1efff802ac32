"""Alembic environment: the URL comes from clinic.store.migrate (DATABASE_URL)."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from clinic.store.models import metadata

config = context.config


def run_migrations() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
        future=True,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
