"""Databases for the tests: a fresh migrated SQLite file per test, or, with TEST_DATABASE_URL
set (postgresql+psycopg://...), that PostgreSQL database migrated once and emptied per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from store.db import make_engine, upgrade

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The migrated database every test starts from: a SQLite file, or the PostgreSQL URL."""
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(engine)
        engine.dispose()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "matchbot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return POSTGRES_URL
    path = tmp_path / "matchbot.db"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
