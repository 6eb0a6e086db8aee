"""Button presses under load: the real bot, polling over real HTTP against the fake Telegram
server, while simulated participants press buttons at once.

The database holds one fair of 4,200 participants (1,200 buyers, 3,000 sellers) and 30,000
meeting requests, written in bulk with SQLAlchemy core (not through the bot). The mix: open
📋 My requests (summary and lists), toggle an available time, accept or decline a received
request (which also notifies the requester). Two phases:

- saturation: `--concurrency` users press again as soon as the bot finished their last press,
  which gives the most updates per second the bot sustains;
- steady: presses arrive at `--rate` per second (each from a user with nothing pending), which
  gives the latency a user sees at that load.

The bot runs in a process of its own (as in production, where Telegram's servers are not on
the bot's machine), built by bot/app.py, polling the fake server in this process. Latency is
measured from queueing the update at the fake server to the end of the bot's handling of it
(answer and edit done; the other side's notice of an answer goes out beside it), and the bot
process's CPU time per update is printed too, as it varies less with other load on the
machine. `--no-flood-limit` builds the
same application but without PTB's AIORateLimiter, whose 30 requests/s per bot (Telegram's
broadcast limit) also applies to the edits of a menu, to show what the code itself sustains.

    .venv/bin/python -m bench.load [--database-url URL] [--seconds 10] [--rate 200]
        [--buyers B --sellers S --requests R]     # a smaller fair: a smoke run, no target
    scripts/with-postgres .venv/bin/python -m bench.load      # PostgreSQL (TEST_DATABASE_URL)
    scripts/with-postgres .venv/bin/python -m bench.load --processes 4 --webhook

`--processes N --webhook` runs N bot processes on the one database, each with the bot's own
webhook server (bot/webhook.py, as in production); the fake POSTs each update to the next
process in turn (a round-robin load balancer).

A given database is emptied first. Default: a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import random
import signal
import statistics
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel, select
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bench.fair import Size, add_size_options, size_of
from bot.app import build
from bot.runner import POLL_INTERVAL, collect_less
from bot.settings import Settings
from bot.webhook import serving
from fake_telegram import DEFAULT_TOKEN, FakeTelegram, FakeUser, pushing_to_webhooks
from fake_telegram.ports import listening_port
from handlers.services import Services
from store.db import make_engine, session_scope, upgrade
from store.event import parse_config, setup_event, slots
from store.models import MeetingRequest, Participant, RequestStatus, Role, Unavailability
from store.participants import new_invite_token

FIRST_TELEGRAM_ID = 100_000
INDUSTRIES = ("cosmetics", "food", "consumer-goods", "it", "medical", "fashion")
STATUSES = (
    (RequestStatus.pending, 0.75),
    (RequestStatus.accepted, 0.10),
    (RequestStatus.rejected, 0.10),
    (RequestStatus.cancelled, 0.05),
)
# After every update's handlers (group 0): notes when the bot finished with it.
DONE_GROUP = 10**9
SECRET = "load-benchmark"  # the webhook's secret token


def event_config(now: datetime) -> dict[str, Any]:
    return {
        "name": "Load fair",
        "timezone": "Asia/Seoul",
        "deadline": (now + timedelta(days=30)).isoformat(),
        "days": [(now + timedelta(days=40 + d)).date().isoformat() for d in range(3)],
        "start": "09:00",
        "end": "17:00",
        "slot_minutes": 30,
        "breaks": [["12:00", "13:00"]],
    }


# The fair in the database


@dataclass
class Person:
    id: int
    telegram_id: int
    role: Role
    received_pending: list[int] = field(default_factory=list)


def empty(engine: sa.Engine) -> None:
    upgrade(engine)
    tables = SQLModel.metadata.sorted_tables
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


def populate(engine: sa.Engine, rng: random.Random, size: Size) -> tuple[list[Person], list[tuple]]:
    """The fair of `size`, its participants, their requests and some switched-off slots, in
    bulk. Returns everyone, and the slot grid as (day, slot id) pairs."""
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        setup_event(session, parse_config(event_config(now)))
        grid = [(slot.day, slot.id) for slot in slots(session)]
    rows = []
    for number in range(size.buyers + size.sellers):
        buyer = number < size.buyers
        rows.append(
            {
                "code": f"B{number:05}" if buyer else f"S{number:05}",
                "role": Role.buyer if buyer else Role.seller,
                "company": f"Buyer {number} Trading" if buyer else f"한빛 {number} 주식회사",
                "country": rng.choice(("US", "VN", "DE", "JP")) if buyer else "KR",
                "industry": rng.choice(INDUSTRIES),
                "booth": f"T-{number:04}" if buyer else None,
                "invite_token": new_invite_token(),
                "telegram_id": FIRST_TELEGRAM_ID + number,
                "language": "en" if buyer else "ko",
                "active": True,
            }
        )
    with engine.begin() as connection:
        connection.execute(sa.insert(Participant), rows)
    with session_scope(engine) as session:
        people = [
            Person(p.id, p.telegram_id, p.role)
            for p in session.exec(select(Participant).order_by(Participant.id)).all()
        ]
    buyers = [p for p in people if p.role == Role.buyer]
    sellers = [p for p in people if p.role == Role.seller]
    pairs: set[tuple[int, int]] = set()
    requests, ranks = [], Counter()
    by_id = {p.id: p for p in people}
    sent = now - timedelta(days=5)
    while len(requests) < size.requests:
        buyer, seller = rng.choice(buyers), rng.choice(sellers)
        sender, target = (buyer, seller) if rng.random() < 0.5 else (seller, buyer)
        if (sender.id, target.id) in pairs:
            continue
        pairs.add((sender.id, target.id))
        status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
        ranks[sender.id] += 1
        sent += timedelta(seconds=10)
        requests.append(
            {
                "from_id": sender.id,
                "to_id": target.id,
                "sent_at": sent,
                "updated_at": sent,
                "status": status,
                "rank": ranks[sender.id],
                "note": rng.choice(("", "Looking forward to meeting you", "샘플 요청드립니다")),
            }
        )
    unavailable = [
        {"participant_id": p.id, "slot_id": slot_id}
        for p in rng.sample(people, len(people) // 5)
        for _, slot_id in rng.sample(grid, 5)
    ]
    with engine.begin() as connection:
        connection.execute(sa.insert(MeetingRequest), requests)
        connection.execute(sa.insert(Unavailability), unavailable)
        pending = connection.execute(
            sa.select(MeetingRequest.id, MeetingRequest.to_id).where(
                MeetingRequest.status == RequestStatus.pending
            )
        ).all()
    for request_id, to_id in pending:
        by_id[to_id].received_pending.append(request_id)
    return people, grid


# The bot, in a process of its own


@dataclass(frozen=True)
class BotOptions:
    flood_limit: bool
    webhook_port: int | None  # receive the fake's webhook POSTs there instead of polling
    poll_interval: float


def serve_bot(url: str, port: int, done: Connection, options: BotOptions) -> None:
    """The bot as production runs it, polling the fake server (or receiving its webhook
    POSTs); tells the benchmark, over `done`, the id of each button press it finished
    handling and when (time.monotonic)."""
    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(_serve(url, port, done, options))


async def _serve(url: str, port: int, done: Connection, options: BotOptions) -> None:
    settings = Settings(
        _env_file=None,
        telegram_bot_token=DEFAULT_TOKEN,
        telegram_api_base_url=f"http://127.0.0.1:{port}",
    )
    engine = make_engine(url)
    application = build(settings, Services(engine, frozenset(), "ko"))
    collect_less()  # as bot/runner.py does
    if not options.flood_limit:
        # The same bot without PTB's 30 requests/s overall limit (see the module docstring).
        application.bot._rate_limiter = None

    async def finished(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            done.send((update.callback_query.id, time.monotonic()))

    application.add_handler(TypeHandler(Update, finished), group=DONE_GROUP)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with application:
        await application.start()
        webhook_port = options.webhook_port
        if webhook_port is None:
            await application.updater.start_polling(poll_interval=options.poll_interval, timeout=10)
            done.send(("ready", time.monotonic()))
            await stop.wait()
            await application.updater.stop()
        else:
            # Production's webhook server (bot/webhook.py), behind the fake's balancer.
            listening = serving(
                application, listen="127.0.0.1", port=webhook_port, path="/hook", secret=SECRET
            )
            async with listening:
                hook = f"http://127.0.0.1:{webhook_port}/hook"
                await application.bot.set_webhook(hook, secret_token=SECRET)
                done.send(("ready", time.monotonic()))
                await stop.wait()
        await application.stop()
    engine.dispose()


# Simulated users


@dataclass
class Sample:
    kind: str
    latency: float


@dataclass
class Run:
    """The users pressing the buttons of the bot, and what the bot said it finished."""

    fake: FakeTelegram
    people: list[Person]
    grid: list[tuple]
    rng: random.Random
    idle: list[tuple[Person, FakeUser]] = field(default_factory=list)
    waiting: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    menus: dict[int, Any] = field(default_factory=dict)

    def press(self, person: Person) -> tuple[str, str]:
        """The next button a user presses: (kind, callback data)."""
        roll = self.rng.random()
        if roll < 0.25:
            return "summary", "reqs"
        if roll < 0.45:
            return "list", f"reqs:l:{self.rng.choice('mro')}:1"
        if roll < 0.80:
            day, slot_id = self.rng.choice(self.grid)
            return "toggle", f"avail:t:{day:%Y%m%d}:{slot_id}"
        if person.received_pending:
            action = self.rng.choice(("acc", "rej"))
            return "answer", f"reqs:a:{action}:{person.received_pending.pop()}:r:1"
        return "list", "reqs:l:r:1"

    async def one(self, person: Person, user: FakeUser) -> Sample:
        kind, data = self.press(person)
        started = time.monotonic()
        query_id = await user.press_data(self.menus[person.telegram_id], data)
        finished = self.waiting[query_id] = asyncio.get_running_loop().create_future()
        return Sample(kind, await finished - started)

    def listen(self, done: Connection) -> None:
        """Resolves the presses the bot reports finished."""

        def readable() -> None:
            while done.poll():
                query_id, at = done.recv()
                future = self.waiting.pop(query_id, None)
                if future is not None:
                    future.set_result(at)

        asyncio.get_running_loop().add_reader(done.fileno(), readable)


async def open_menus(run: Run, users: int) -> None:
    """Every participant has a chat with the bot; `users` of them open the menu (warm-up)."""
    bot = run.fake.bot()
    everyone = []
    for person in run.people:
        user = run.fake.user(person.telegram_id, f"P{person.id}", language_code="en")
        bot.open_chat(user.profile)
        everyone.append((person, user))
    active = run.rng.sample(everyone, users)
    for batch in range(0, len(active), 50):
        chunk = active[batch : batch + 50]
        for _, user in chunk:
            await user.send("/menu")
        for person, user in chunk:
            await user.wait_for(lambda m: m.reply_markup is not None, timeout=30)
            run.menus[person.telegram_id] = user.last_message
    run.idle = active


async def saturate(run: Run, concurrency: int, seconds: float) -> tuple[list[Sample], float]:
    samples: list[Sample] = []
    stop = time.monotonic() + seconds

    async def worker() -> None:
        while time.monotonic() < stop:
            person, user = run.idle.pop(run.rng.randrange(len(run.idle)))
            samples.append(await run.one(person, user))
            run.idle.append((person, user))

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return samples, time.monotonic() - started


async def steady(run: Run, rate: float, seconds: float) -> tuple[list[Sample], float, int]:
    """Presses arrive at `rate` per second, each from a user with nothing pending."""
    samples: list[Sample] = []
    tasks, skipped = [], 0

    async def press(person: Person, user: FakeUser) -> None:
        samples.append(await run.one(person, user))
        run.idle.append((person, user))

    started = time.monotonic()
    for number in range(int(rate * seconds)):
        delay = started + number / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if not run.idle:
            skipped += 1
            continue
        person, user = run.idle.pop(run.rng.randrange(len(run.idle)))
        tasks.append(asyncio.create_task(press(person, user)))
    await asyncio.gather(*tasks)
    return samples, time.monotonic() - started, skipped


# Reporting


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(title: str, samples: list[Sample], elapsed: float, cpu: float, note: str = "") -> None:
    latencies = [s.latency * 1000 for s in samples]
    print(
        f"{title:28} {len(samples) / elapsed:6.1f} updates/s  "
        f"p50 {statistics.median(latencies):6.1f} ms  p95 {percentile(latencies, 0.95):6.1f} ms  "
        f"p99 {percentile(latencies, 0.99):6.1f} ms  bot CPU {cpu * 1000 / len(samples):4.1f} ms"
        f"/update  ({len(samples)} updates{note})"
    )
    kinds = defaultdict(list)
    for sample in samples:
        kinds[sample.kind].append(sample.latency * 1000)
    for kind, values in sorted(kinds.items()):
        print(
            f"    {kind:8} {len(values):6} x  p50 {statistics.median(values):6.1f} ms  "
            f"p95 {percentile(values, 0.95):6.1f} ms"
        )


def polls(fake: FakeTelegram) -> int:
    """The getUpdates calls the fake answered so far."""
    return sum(call.method.lower() == "getupdates" for call in fake.calls)


def per_poll(updates: int, answered: int) -> str:
    """What the polls of a phase brought, for the report's note (nothing in webhook mode)."""
    return f", {answered} getUpdates, {updates / answered:.1f} updates each" if answered else ""


def refused(fake: FakeTelegram) -> None:
    """The Bot API calls the fake refused during the run, by method and description (none is
    expected: each is a press whose answer or edit failed)."""
    errors = Counter(f"{call.method}: {call.error}" for call in fake.calls if call.error)
    print(f"Bot API calls refused: {sum(errors.values())}")
    for error, count in errors.most_common():
        print(f"    {count:6} x {error}")


async def start_bots(
    args: argparse.Namespace, url: str, port: int
) -> tuple[list[multiprocessing.process.BaseProcess], list[Connection], list[int]]:
    """`--processes` bot processes; each says when it is ready."""
    spawn = multiprocessing.get_context("spawn")
    bots, pipes, hooks = [], [], []
    for _ in range(args.processes):
        done, bot_end = spawn.Pipe(duplex=False)
        hook = listening_port() if args.webhook else None
        options = BotOptions(args.flood_limit, hook, args.poll_interval)
        bot = spawn.Process(target=serve_bot, args=(url, port, bot_end, options))
        bot.start()
        bots.append(bot)
        pipes.append(done)
        if hook is not None:
            hooks.append(hook)
    for done in pipes:
        # The fake server must keep answering while the bots start: wait off the loop.
        if not await asyncio.to_thread(done.poll, 60):
            raise RuntimeError("a bot did not start")
        done.recv()  # ready
    return bots, pipes, hooks


async def drive(args: argparse.Namespace, url: str, people: list[Person], grid) -> None:
    async with FakeTelegram() as fake:
        bots, pipes, hooks = await start_bots(args, url, fake.port)
        urls = [f"http://127.0.0.1:{hook}/hook" for hook in hooks]
        try:
            async with AsyncExitStack() as stack:
                if urls:
                    await stack.enter_async_context(pushing_to_webhooks(fake, urls))
                run = Run(fake, people, grid, random.Random(args.seed + 1))
                for done in pipes:
                    run.listen(done)
                await open_menus(run, args.users)

                def cpu() -> float:
                    return sum(cpu_seconds(bot.pid) for bot in bots)

                before, polled = cpu(), polls(fake)
                samples, elapsed = await saturate(run, args.concurrency, args.seconds)
                after, polled_after = cpu(), polls(fake)
                note = per_poll(len(samples), polled_after - polled)
                title = f"saturation ({args.concurrency} at once)"
                report(title, samples, elapsed, after - before, note)
                samples, elapsed, skipped = await steady(run, args.rate, args.seconds)
                note = per_poll(len(samples), polls(fake) - polled_after)
                note += f", {skipped} arrivals found no idle user" if skipped else ""
                report(f"steady ({args.rate:g}/s offered)", samples, elapsed, cpu() - after, note)
                latencies = [sample.latency for sample in samples]
                met = (
                    len(samples) / elapsed >= 0.95 * args.rate and percentile(latencies, 0.95) < 0.1
                )
                verdict = "met" if met else "NOT met"
                print(f"target {args.rate:g} updates/s with p95 under 100 ms: {verdict}")
                refused(fake)
        finally:
            for done in pipes:
                asyncio.get_running_loop().remove_reader(done.fileno())
            for bot in bots:
                bot.terminate()  # and keep serving them while they stop
            for bot in bots:
                await asyncio.to_thread(bot.join, 30)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--database-url", help="default: TEST_DATABASE_URL, else temporary SQLite")
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase")
    parser.add_argument("--rate", type=float, default=200.0, help="steady phase, updates/s")
    parser.add_argument("--concurrency", type=int, default=16, help="saturation phase")
    parser.add_argument("--users", type=int, default=600, help="participants pressing buttons")
    parser.add_argument("--seed", type=int, default=7)
    add_size_options(parser)
    parser.add_argument(
        "--poll-interval",
        type=float,
        default=POLL_INTERVAL,
        help="seconds between a getUpdates answer and the next call; default: the bot's own "
        f"(bot/runner.py, {POLL_INTERVAL:g})",
    )
    parser.add_argument(
        "--processes", type=int, default=1, help="bot processes sharing the database"
    )
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="updates by webhook, round-robin over the processes (needed for more than one)",
    )
    parser.add_argument(
        "--flood-limit",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep PTB's AIORateLimiter (30 requests/s overall) as bot/app.py builds it",
    )
    args = parser.parse_args()
    if args.processes > 1 and not args.webhook:
        parser.error("--processes above 1 needs --webhook (one poller per bot token)")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or os.environ.get("TEST_DATABASE_URL")
        url = url or f"sqlite:///{folder}/load.db"
        engine = make_engine(url)
        empty(engine)
        started = time.perf_counter()
        people, grid = populate(engine, random.Random(args.seed), size_of(args))
        engine.dispose()
        pause = f"{args.poll_interval * 1000:g} ms"
        mode = "webhook" if args.webhook else f"polling with a {pause} pause after each answer"
        print(
            f"database: {engine.dialect.name}; {size_of(args)}, {len(grid)} slots; set up in "
            f"{time.perf_counter() - started:.1f} s; {args.users} users pressing, "
            f"flood limit {'on' if args.flood_limit else 'off'}; "
            f"{args.processes} bot process(es), {mode}; "
            f"{os.cpu_count()} CPU core(s) on this machine"
        )
        asyncio.run(drive(args, url, people, grid))


if __name__ == "__main__":
    main()
