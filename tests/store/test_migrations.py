from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from store.db import alembic_config, at_head, head_revision


def test_the_migrations_build_exactly_the_models_tables(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_the_head_that_a_start_compares_with_is_alembics(engine):
    script = ScriptDirectory.from_config(alembic_config(engine))
    assert head_revision() == script.get_current_head()
    assert at_head(engine)
