"""Shared fixtures.

Databases: a fresh migrated SQLite file per test, or, with TEST_DATABASE_URL set
(postgresql+psycopg://...), a PostgreSQL database migrated once and emptied per test: that
database itself, or under pytest-xdist (`-n`) one database per worker beside it
(`matchbot_test_gw0`, ...), copied here from one migrated for the run (`matchbot_test_template`),
so that workers never empty each other's tables.
The bot: the real Application polling over HTTP against the fake Telegram server.

Tiers (markers, pyproject.toml): a test marked `processes` starts other processes or several
bots; of the rest, a test that uses the fake Telegram server is `bot`, any other `usecase`.
`slow` is marked by hand on tests that take seconds. `scripts/test --fast` runs
`(usecase or bot) and not slow`."""

from __future__ import annotations

import gc

# Importing the project and the test modules makes some 600,000 objects that live as long as the
# run, and hardly any garbage: the cyclic collector would only walk them again and again, a
# third of a worker's CPU before its first test (docs/benchmarks.md, "the suite's processes").
# It is off until the collection is done (`resume_collector`), so the imports below come after.
# ruff: noqa: E402
gc.disable()

import fcntl
import os
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

# The project, SQLAlchemy and PTB are imported where a fixture or helper first needs them, not
# here: under xdist the controller loads this file too, runs no test, and importing them cost
# it 2 s of CPU a run; each worker imports them anyway as it collects the tests.
if TYPE_CHECKING:
    import sqlalchemy as sa
    from telegram.ext import Application

    from fake_telegram import FakeTelegram


XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def beside(url: str, suffix: str) -> str:
    """The URL of the PostgreSQL database named as `url`'s, with `_suffix`."""
    from sqlalchemy.engine import make_url

    base = make_url(url)
    return base.set(database=f"{base.database}_{suffix}").render_as_string(hide_password=False)


def worker_database(url: str | None) -> str | None:
    """This xdist worker's own PostgreSQL database next to `url` (`url` itself without xdist)."""
    if not url or not XDIST_WORKER:
        return url
    return beside(url, XDIST_WORKER)


POSTGRES_URL = worker_database(os.environ.get("TEST_DATABASE_URL"))

# Hypothesis times its input generation and each example: on a shared, loaded machine with
# several workers those times say more about the load than about the test.
settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("shared-machine")


# The order tests start in (scripts/test hands them to the workers one at a time, in this
# order): the longest kinds first, so that no long test starts last and holds up the end.
START_ORDER = ("processes", "slow", "bot", "usecase")
# At most this many tests that start processes run at once, whatever the workers: all at once,
# their bot processes outran their deadlines on the loaded machine.
PROCESS_SLOTS = 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks each test's tier and sorts the longest kinds first (START_ORDER), one test that
    starts processes between every two slow ones, so that few wait for a PROCESS_SLOTS."""
    for item in items:
        if item.get_closest_marker("processes") is None:
            item.add_marker("bot" if "fake" in item.fixturenames else "usecase")

    def rank(item: pytest.Item) -> int:
        return min(START_ORDER.index(m.name) for m in item.iter_markers() if m.name in START_ORDER)

    items.sort(key=rank)
    processes = [item for item in items if rank(item) == 0]
    slow = [item for item in items if rank(item) == 1]
    long: list[pytest.Item] = []
    while processes or slow:
        long += processes[:1] + slow[:2]
        processes, slow = processes[1:], slow[2:]
    items[: len(long)] = long


def resume_collector() -> None:
    """What was imported and collected lives as long as the run: frozen out of the cyclic
    collector's sight, which runs again as usual for what the tests make."""
    gc.freeze()
    gc.enable()


def pytest_configure(config: pytest.Config) -> None:
    if not XDIST_WORKER and config.getoption("numprocesses", None):
        resume_collector()  # xdist's controller: its workers collect, it never does


def pytest_collection_finish() -> None:
    resume_collector()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish() -> None:
    """An xdist worker collects its garbage before it says it is done, and then freezes what
    is left (all of it alive) out of the collector's sight.

    Once the last worker is done, the controller tells every worker to exit, and execnet
    interrupts one still running 5 s later with SIGINT (killed at 10 s). pytest's last step
    is a full collection, to report what finalizers raised: over a worker's ~600,000 objects
    it took 3-5 s on the loaded machine, and the SIGINT landed in it, inside a finalizer or
    hypothesis's gc callback: a PytestUnraisableExceptionWarning in a green run. Collected
    here (after the session's fixtures are torn down, before xdist reports the end, so that
    nothing waits on it), what finalizers raise is still reported; the final collection then
    has only what was made after to look at."""
    if XDIST_WORKER:
        gc.collect()
        gc.freeze()


@pytest.fixture(autouse=True)
def process_slot(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[None]:
    """Under xdist, a test marked `processes` waits for one of PROCESS_SLOTS (a lock file in
    the run's temporary folder, which all its workers share)."""
    if request.node.get_closest_marker("processes") is None or not XDIST_WORKER:
        yield
        return
    folder = run_folder(tmp_path_factory)
    while True:
        for n in range(PROCESS_SLOTS):
            slot = (folder / f"process-slot-{n}").open("a")
            try:
                fcntl.flock(slot, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                slot.close()
                continue
            try:
                yield
            finally:
                slot.close()  # and with it the lock
            return
        time.sleep(0.2)


def on_server(*statements: str) -> None:
    """Runs each of `statements` on its own, outside a transaction (as CREATE and DROP DATABASE
    must), on the PostgreSQL database TEST_DATABASE_URL names."""
    from store.db import make_engine

    server = make_engine(os.environ["TEST_DATABASE_URL"]).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    with server.connect() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    server.dispose()


def create_database(url: str, template: str | None = None) -> None:
    """(Re)creates the PostgreSQL database `url` names: empty, or a copy of the database the
    URL `template` names."""
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
    on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"{copy}')


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder, which all its xdist workers share (without xdist, this
    process's own: the one above it holds every run's)."""
    own = tmp_path_factory.getbasetemp()
    return own.parent if XDIST_WORKER else own


@contextmanager
def alone(lock: Path) -> Iterator[None]:
    """Inside, no other worker of the run is inside with the same `lock` file."""
    with lock.open("a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # released as the file closes
        yield


def migrated(url: str) -> None:
    from store.db import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()  # nobody may be connected to a database being copied


def migrated_worker_database(shared: Path) -> None:
    """Makes this xdist worker's database a copy of one migrated once for the run: the first
    worker migrates it, the others wait for it and copy it (`CREATE DATABASE ... TEMPLATE`:
    0.1-0.2 s, where the migrations took 2.7-2.9 s of a worker's start at a load of 18, four
    workers at once, 0.4 s of it CPU, ours and the server's; the rest waiting). `shared`: the
    run's temporary folder, which all its workers share."""
    template = beside(os.environ["TEST_DATABASE_URL"], "template")
    with alone(shared / "postgres-template.lock"):
        done = shared / "postgres-template"
        if not done.exists():
            create_database(template)
            migrated(template)
            done.touch()
        create_database(POSTGRES_URL, template)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The migrated database every test starts from: a SQLite file, or the PostgreSQL URL."""
    import sqlalchemy as sa

    from store.db import make_engine

    if POSTGRES_URL and os.environ["TEST_DATABASE_URL"] != POSTGRES_URL:
        migrated_worker_database(run_folder(tmp_path_factory))
        return POSTGRES_URL
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        migrated(POSTGRES_URL)
        return POSTGRES_URL
    # One file for all the xdist workers, migrated by the first (0.34 s of CPU each); the tests
    # only copy it.
    shared = run_folder(tmp_path_factory)
    path = shared / "sqlite-template.db"
    with alone(shared / "sqlite-template.lock"):
        if not path.exists():
            part = shared / "sqlite-template.db.part"  # whole or not there, for a later worker
            migrated(f"sqlite:///{part}")
            part.rename(path)
    return str(path)


def empty_postgres() -> str:
    """Empties every table, children first, and starts every id sequence at 1 again, as
    `TRUNCATE ... RESTART IDENTITY` would: TRUNCATE makes new files for each table and index,
    many times what deleting the few rows a test wrote costs."""
    from sqlmodel import SQLModel

    tables = reversed(SQLModel.metadata.sorted_tables)
    return "; ".join(
        [f'DELETE FROM "{table.name}"' for table in tables]
        + ["SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"]
    )


@pytest.fixture(scope="session")
def postgres(database_template: str) -> Iterator[sa.Engine | None]:
    """The engine that empties the worker's PostgreSQL database before each test."""
    from store.db import make_engine

    if not POSTGRES_URL:
        yield None
        return
    engine = make_engine(POSTGRES_URL)
    yield engine
    engine.dispose()


def clean_database(database_template: str, postgres: sa.Engine | None, folder: Path) -> str:
    """The URL of a migrated database with nothing in it: the worker's PostgreSQL database,
    emptied, or a copy of the SQLite template in `folder`."""
    if postgres is not None:
        with postgres.begin() as connection:
            connection.exec_driver_sql(empty_postgres())
        return POSTGRES_URL
    path = folder / "matchbot.db"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def database_url(database_template: str, postgres: sa.Engine | None, tmp_path: Path) -> str:
    return clean_database(database_template, postgres, tmp_path)


# The first test engine of each database kind in this worker: its dialect and compiled-SQL cache.
_COMPILING: dict[str, sa.Engine] = {}


def compiling_once(engine: sa.Engine) -> sa.Engine:
    """`engine`, compiling its SQL into the cache of this worker's first engine of its kind.

    SQLAlchemy caches each statement's compiled SQL per engine, keyed on the engine's dialect:
    with a new engine per test, every test compiled every statement it ran again (a fifth of
    the CPU the use-case and bot tests spent). The engines stay distinct (their own pool,
    connections and events; store/event.py keeps its copies per engine), only the dialect,
    alike for every database of the kind, and the cache are shared."""
    if engine.dialect.name not in _COMPILING:
        # Connected once, so that the dialect the later engines share is initialized (its
        # server version, read on an engine's first connection, which a test that only runs
        # the command line never makes: a later engine's inspector then failed).
        with engine.connect():
            pass
    first = _COMPILING.setdefault(engine.dialect.name, engine)
    engine.dialect, engine._compiled_cache = first.dialect, first._compiled_cache
    return engine


# This worker's PostgreSQL connections, kept from one test's engine to the next.
_POSTGRES_POOL: list[sa.pool.Pool] = []


def connecting_once(engine: sa.Engine) -> sa.Engine:
    """`engine` (PostgreSQL), taking its connections from the pool this worker's test engines
    share. Each test's engine opened its own: a server process started and a log-in for each,
    20-25 ms of waiting a test, most of the time a PostgreSQL use-case test took. Only the
    `engine` fixture's engines share it; an engine a test makes itself (another process's)
    has its own connections. The connections are rolled back as they come back, and none
    holds state of its own between transactions (no session settings, locks or listeners)."""
    if not _POSTGRES_POOL:
        _POSTGRES_POOL.append(engine.pool)
    elif engine.pool is not _POSTGRES_POOL[0]:
        engine.pool.dispose()  # never connected
        engine.pool = _POSTGRES_POOL[0]
    return engine


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    from store.db import make_engine

    engine = compiling_once(make_engine(database_url))
    if engine.dialect.name != "postgresql":
        yield engine
        engine.dispose()
        return
    yield connecting_once(engine)
    if engine.pool is not _POSTGRES_POOL[0] or engine.pool.checkedout():
        # The test disposed of the pool, or left a connection out (a thread still at work):
        # the next test starts from a new one.
        _POSTGRES_POOL.clear()
        engine.dispose()


class Clock:
    """The bot's notion of now; tests move it, e.g. past the deadline."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def small_fair(engine) -> None:
    """Three buyers, three sellers, one meeting a day each: greedy places 5 meetings
    (1 mutual, 4 seller), optimal 6 (1 mutual, 5 seller)."""
    import builders
    from store.db import session_scope

    with session_scope(engine) as session:
        builders.fair(session, buyers=3, sellers=3, daily_cap=1)


@pytest.fixture
def clock() -> Clock:
    from builders import NOW

    return Clock(NOW)


# The pause between two paced messages to one chat while the bot runs against the fake server
# (jobs/sending.py PER_CHAT: 1.05 s, Telegram's one message a second into one chat).
FAKE_PER_CHAT = 0.05


@pytest.fixture
def fake_pace(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake Telegram server does not hold a chat to one message a second, so the bot of
    this process pauses FAKE_PER_CHAT between paced messages to one chat: a timetable's text,
    picture and calendar file arrive 0.1 s apart, not 2.1 s. A test of that pause keeps
    Telegram's (`per_chat` marker); bots started as processes keep it too."""
    from jobs import sending

    if request.node.get_closest_marker("per_chat") is None:
        monkeypatch.setattr(sending, "PER_CHAT", FAKE_PER_CHAT)


@pytest.fixture
async def fake(fake_pace: None) -> AsyncIterator[FakeTelegram]:
    from fake_telegram import FakeTelegram

    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def lease() -> timedelta:
    """The bot's delivery lease (DELIVERY_LEASE_SECONDS); its quarter, at most 10 s, is how
    often the jobs that look for work run (jobs/schedule.py): a test that waits for one of
    them gives a shorter one (`@pytest.mark.parametrize("lease", [...])`)."""
    return timedelta(minutes=2)


@pytest.fixture
def build_bot(
    fake: FakeTelegram, engine, clock: Clock, lease: timedelta
) -> Callable[[], Application]:
    """Builds the bot as production does, against the fake server and the test database;
    each call gives a new Application (a restarted bot)."""
    from bot.app import build
    from bot.settings import Settings
    from builders import ADMIN
    from fake_telegram import DEFAULT_TOKEN
    from handlers.services import Services

    def build_one() -> Application:
        settings = Settings(
            _env_file=None,
            telegram_bot_token=DEFAULT_TOKEN,
            telegram_api_base_url=f"http://127.0.0.1:{fake.port}",
            admin_ids=[ADMIN],
        )
        services = Services(engine, settings.admin_ids, settings.default_language, clock, lease)
        return build(settings, services)

    return build_one


@pytest.fixture
async def bot(fake: FakeTelegram, build_bot) -> AsyncIterator[Application]:
    from fake_telegram import running_bot

    async with running_bot(build_bot(), fake) as application:
        yield application
