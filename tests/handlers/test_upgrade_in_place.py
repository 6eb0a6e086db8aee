"""Upgrades in place: a database written by each earlier schema, with live data in it (pending
requests, a stored matching, a half-sent announcement, saved per-user state), is brought to the
newest schema and the bot carries on with it."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from admin_helpers import organizer, process, users
from alembic import command
from alembic.script import ScriptDirectory
from conftest import (
    POSTGRES_URL,
    alone,
    beside,
    clean_database,
    compiling_once,
    create_database,
    on_server,
    run_folder,
)
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel, select

import builders
from builders import ADMIN, DEADLINE
from fake_telegram import DEFAULT_TOKEN
from jobs import schedule as jobs_schedule
from store.announce import part_sent, prepare, start_round
from store.db import alembic_config, make_engine, session_scope, upgrade
from store.matching_run import close_at_deadline
from store.models import (
    AnnouncementDelivery,
    DeliveryStatus,
    MeetingRequest,
    Participant,
    UserState,
)

Rows = dict[str, list[dict]]
# Generous for a loaded machine: each wait ends as soon as its message is there.
WAIT = 60.0


pytestmark = pytest.mark.slow


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    return sorted(revision.revision for revision in script.walk_revisions())


SENT_BEFORE = ("B1", "S1")  # their timetables went out before the upgrade


def live_fair(engine: sa.Engine) -> None:
    """What a fair looks like mid-way: requests (some pending), the matching stored, the
    announcement half sent, and a participant's saved per-user state."""
    with session_scope(engine) as session:
        builders.fair(session, buyers=3, sellers=3, daily_cap=1)
    with session_scope(engine) as session:
        close_at_deadline(session, DEADLINE)
    with session_scope(engine) as session:
        start_round(session, ADMIN, ADMIN, 1)
    with session_scope(engine) as session:
        for code in SENT_BEFORE:
            person = session.exec(select(Participant).where(Participant.code == code)).one()
            delivery = session.exec(
                select(AnnouncementDelivery).where(AnnouncementDelivery.participant_id == person.id)
            ).one()
            prepare(session, [delivery.id])  # what a worker reads and records before sending
            part_sent(session, delivery.id, 1, True, DEADLINE, "")  # "": nobody's claim
        # A participant's saved per-user state, as this schema keeps it (JSON); schemas before
        # 0012 kept pickles in `savedstate`, which the upgrade drops unread.
        session.add(UserState(telegram_id=1002, data=json.dumps({"find": {"page": 2}})))


def tables(engine: sa.Engine) -> dict[str, sa.TableClause]:
    """The database's tables, each with its columns' names and types as the database has them
    (reflected, no model types): all that reading and writing rows takes. Reflecting the rest
    too (keys, indexes, constraints) into whole `Table`s took 80 ms of CPU a revision on
    SQLite, this 7 ms."""
    return {
        name: sa.table(name, *(sa.column(c["name"], c["type"]) for c in columns))
        for (_schema, name), columns in sa.inspect(engine).get_multi_columns().items()
    }


def dump(engine: sa.Engine) -> Rows:
    """Every row of every table, as the database returns it."""
    with engine.connect() as connection:
        return {
            name: [dict(row._mapping) for row in connection.execute(sa.select(table))]
            for name, table in tables(engine).items()
            if name != "alembic_version"
        }


def load(engine: sa.Engine, rows: Rows) -> None:
    """Writes `rows` into an older schema: only its tables, only the columns it has."""
    old = tables(engine)
    with engine.begin() as connection:
        for model_table in SQLModel.metadata.sorted_tables:  # parents before children
            table = old.get(model_table.name)
            if table is None or not rows.get(table.name):
                continue
            kept = [{k: v for k, v in row.items() if k in table.c} for row in rows[table.name]]
            connection.execute(table.insert(), kept)
            if engine.dialect.name == "postgresql" and "id" in table.c:
                connection.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                        f' (SELECT max(id) FROM "{table.name}"))'
                    )
                )


REVISIONS = revisions()


def copy_database(template: str | None, url: str) -> None:
    """Makes the database `url` names a copy of the one `template` names (empty without)."""
    if POSTGRES_URL:
        create_database(url, template)
    elif template:
        shutil.copyfile(make_url(template).database, make_url(url).database)


def kept_at(revision: str, shared: Path) -> str:
    """The URL of the empty database at `revision` that the run keeps in `shared` (SQLite), or
    beside TEST_DATABASE_URL (PostgreSQL), built now if no worker did yet: a copy of the one
    at the revision before, brought one step further. The migrations up to each revision run
    once for the run, where each test ran them all from the start (half its CPU on SQLite).
    The caller holds `shared`'s lock on it."""
    if POSTGRES_URL:
        url = beside(os.environ["TEST_DATABASE_URL"], f"at_{revision}")
    else:
        url = f"sqlite:///{shared / f'at-{revision}.db'}"
    built = shared / f"at-{revision}.built"
    if not built.exists():
        index = REVISIONS.index(revision)
        copy_database(kept_at(REVISIONS[index - 1], shared) if index else None, url)
        engine = make_engine(url)
        command.upgrade(alembic_config(engine), revision)
        engine.dispose()  # nobody may be connected to a database being copied
        built.touch()
    return url


@contextmanager
def database_at(revision: str, shared: Path, tmp_path: Path) -> Iterator[sa.Engine]:
    """An empty database at `revision`, a copy of the one the run keeps (`kept_at`): a new
    SQLite file, or a new PostgreSQL database beside the test one (which stays at the newest
    schema, as the other tests expect: rebuilding it afterwards ran all the migrations a
    second time)."""
    with alone(shared / "at.lock"):
        kept = kept_at(revision, shared)
    url = f"sqlite:///{tmp_path / f'at-{revision}.db'}"
    if POSTGRES_URL:
        url = beside(POSTGRES_URL, "at")
    copy_database(kept, url)
    engine = compiling_once(make_engine(url))  # the bot's SQL, compiled once for the worker
    try:
        yield engine
    finally:
        engine.dispose()
        if POSTGRES_URL:
            on_server(f'DROP DATABASE "{make_url(url).database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def live_rows(
    tmp_path_factory: pytest.TempPathFactory, database_template: str, postgres: sa.Engine | None
) -> Rows:
    """The live fair's rows (`live_fair`, `dump`), which never change: built once for the run,
    by the first worker that needs them, and kept in the run's folder for the others."""
    shared = run_folder(tmp_path_factory)
    kept = shared / "live-rows.pickle"
    with alone(shared / "live-rows.lock"):
        if not kept.exists():
            folder = tmp_path_factory.mktemp("live")
            engine = make_engine(clean_database(database_template, postgres, folder))
            live_fair(engine)
            kept.write_bytes(pickle.dumps(dump(engine)))
            engine.dispose()
    return pickle.loads(kept.read_bytes())


@pytest.mark.parametrize("revision", REVISIONS)
async def test_a_live_database_of_each_revision_upgrades_and_the_bot_carries_on(
    revision, live_rows, fake, clock, tmp_path, tmp_path_factory, monkeypatch
):
    # The jobs that look for unsent deliveries run first at the start, then only after an hour:
    # the timetables arrive only if the first run is not dropped, however slow the machine
    # (measured against the usual 10 s, a loaded machine took longer than that to start).
    monkeypatch.setattr(jobs_schedule, "resume_interval", lambda svc: 3600.0)
    with database_at(revision, run_folder(tmp_path_factory), tmp_path) as old:
        load(old, live_rows)
        upgrade(old)  # what the bot does at every start
        with session_scope(old) as session:
            pending = session.exec(
                select(MeetingRequest).where(MeetingRequest.status == "pending")
            ).all()
        assert len(pending) == 8  # nine requests, one accepted
        people = users(fake, 3, 3)
        clock.now = DEADLINE + timedelta(hours=1)
        async with process(fake, old, clock, DEFAULT_TOKEN):
            # The announcement resumes where it stopped: the four not yet sent get theirs (the
            # picture, the timetable its caption), the two sent before the upgrade nothing.
            for code, person in people.items():
                if code not in SENT_BEFORE:
                    [timetable] = await person.wait_for(1, timeout=WAIT)
                    assert timetable.photo and "Company" in timetable.caption
            await asyncio.sleep(0.5)
            assert [people[code].messages for code in SENT_BEFORE] == [[], []]
            # Pending requests are still there to answer (B2 reads English, S3 Korean).
            assert "📥 Received: 3" in (await requests_of(people["B2"])).text
            assert "📤 나의 신청: 3" in (await requests_of(people["S3"])).text
            [schedule] = await people["B1"].ask("/schedule", timeout=WAIT)
            assert "2 confirmed meetings" in schedule.text
            # A new round after the upgrade: its deliveries do not collide with the old ones,
            # and nobody's timetable changed, so nobody gets it again.
            admin = organizer(fake)
            # One status message, edited until the round is done (a progress line may already
            # count some unchanged ones before the rest are checked).
            [status] = await admin.ask("/announce", timeout=WAIT)
            assert await fake.changes.wait_for(lambda: "done" in (status.text or ""), WAIT)
        with session_scope(old) as session:
            rounds = {(d.round, d.status) for d in session.exec(select(AnnouncementDelivery)).all()}
        assert rounds == {(1, DeliveryStatus.sent), (2, DeliveryStatus.unchanged)}


async def requests_of(person):
    """The participant's "My requests" summary, from the menu."""
    [menu] = await person.ask("/menu", timeout=WAIT)
    await person.press_data(menu, "reqs")
    [summary] = await person.wait_reply(timeout=WAIT)
    return summary
