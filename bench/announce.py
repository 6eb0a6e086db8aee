"""/announce to a whole fair through the fake Telegram at Telegram's pace.

`python -m bench.announce [--participants N] [--colleagues C] [--processes P] [--paid]
[--database-url URL]` (default 4,200 participants: half buyers, half sellers, 8 meetings a day
over 3 days each; with C, the first C companies have a colleague who joined, who gets a copy
of their own: one message more each)
builds the event (a temporary SQLite database unless a URL is given), starts P bot processes
of their own against `FakeTelegram(rate_limit_per_second=30)` (a strict rolling one-second
window, like Telegram's ~30 messages/s; with 20,000 Stars for paid broadcasts) in this
process, sends /announce as the admin, chooses the free pace (or, with `--paid`, Telegram's
paid one) and waits for the final report. The first process receives the updates by
webhook; the others join the round as production's do, through their repeating job that
looks for deliveries nobody sends (every 10 s).

Printed: elapsed time from the choice of pace to the last timetable and to the final report,
people (main contacts and colleagues: one chat each) reached and reached more than once, 429
answers, the busiest rolling second (what the limit counts: at most 30 may arrive within any
second), and messages per second
over the whole run (the target: the budget used evenly from the first second to the last),
all counted when each message arrived at the fake server; the bot processes' CPU per message
(their drawing processes included); and the load average before and after (the machine is
shared). Target: 4,200 participants reached within 150 s, nobody twice.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import multiprocessing
import os
import resource
import signal
import tempfile
import time
import warnings
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

from sqlmodel import SQLModel, select

from bench.timetable import EVENT, PER_DAY
from bot.app import build
from bot.runner import collect_less
from bot.settings import Settings
from fake_telegram import DEFAULT_TOKEN, FakeTelegram, pushing_to_webhooks
from fake_telegram.ports import listening_port
from handlers.services import Services
from store.db import make_engine, session_scope, upgrade
from store.event import parse_config, setup_event, slots
from store.models import Colleague, Event, Meeting, Participant, Phase, Role, Tier, utcnow
from store.participants import new_invite_token

ADMIN = 9000
LIMIT = 30
STARS = 20_000  # the bot's balance, enough for paid broadcasts
TARGET = 150.0


def build_fair(database_url: str, participants: int, colleagues: int = 0) -> list[int]:
    """The event, N participants with Telegram accounts and a full schedule, the first
    `colleagues` of them with a colleague who joined; everyone's Telegram ids."""
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.begin() as connection:  # a given database is emptied first
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    half = participants // 2
    with session_scope(engine) as session:
        setup_event(session, parse_config(EVENT))
        event = session.exec(select(Event)).one()
        event.phase = Phase.matched
        people = []
        for number in range(participants):
            buyer = number < half
            people.append(
                Participant(
                    code=f"{'B' if buyer else 'S'}{number:05}",
                    role=Role.buyer if buyer else Role.seller,
                    company=f"{'Acme Trading' if buyer else '한빛화장품'} {number}",
                    country="US" if buyer else "KR",
                    industry="cosmetics",
                    booth=f"T-{number:04}" if buyer else None,
                    invite_token=new_invite_token(),
                    telegram_id=100_000 + number,
                    language="en" if buyer else "ko",
                )
            )
        session.add_all(people)
        session.flush()
        buyers, sellers = people[:half], people[half:]
        grid = slots(session)
        by_day: dict[object, list] = {}
        for slot in grid:
            by_day.setdefault(slot.day, []).append(slot)
        chosen = [s for day in by_day.values() for s in day[:PER_DAY]]
        session.add_all(
            Meeting(
                buyer_id=buyer.id,
                seller_id=sellers[(i + k) % len(sellers)].id,
                slot_id=slot.id,
                booth=buyer.booth,
                tier=Tier.mutual,
            )
            for i, buyer in enumerate(buyers)
            for k, slot in enumerate(chosen)
        )
        joined = [
            Colleague(
                participant_id=company.id,
                seat=1,
                invite_token=new_invite_token(),
                telegram_id=900_000 + number,
                name=f"Colleague {number}",
                language="en",
                created_at=utcnow(),
                joined_at=utcnow(),
            )
            for number, company in enumerate(people[:colleagues])
        ]
        session.add_all(joined)
        ids = [p.telegram_id for p in people] + [c.telegram_id for c in joined]
    engine.dispose()
    return ids


def serve_bot(url: str, port: int, ready: Connection, webhook_port: int | None) -> None:
    """One bot process as production runs it: its jobs (the repeating one that takes up
    unsent deliveries included), and a webhook server if it receives the updates."""
    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(_serve(url, port, ready, webhook_port))


async def _serve(url: str, port: int, ready: Connection, webhook_port: int | None) -> None:
    settings = Settings(
        _env_file=None,
        telegram_bot_token=DEFAULT_TOKEN,
        telegram_api_base_url=f"http://127.0.0.1:{port}",
        admin_ids=[ADMIN],
        default_language="en",
    )
    engine = make_engine(url)
    # The pace is always offered, so that the benchmark chooses it whatever the fair's size.
    services = Services(engine, settings.admin_ids, "en", paid_offer_after=0)
    application = build(settings, services)
    collect_less()  # as bot/runner.py does
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with application:
        await application.post_init(application)
        await application.start()
        if webhook_port is not None:
            hook = f"http://127.0.0.1:{webhook_port}/hook"
            await application.updater.start_webhook(
                "127.0.0.1", webhook_port, url_path="hook", webhook_url=hook
            )
        ready.send(os.getpid())
        await stop.wait()
        if webhook_port is not None:
            await application.updater.stop()
        await application.stop()
    engine.dispose()


def busiest_second(times: list[float]) -> int:
    """The most messages that arrived within any one second (a rolling window)."""
    ordered = sorted(times)
    most = first = 0
    for last, at in enumerate(ordered):
        while ordered[first] <= at - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def per_second(times: list[float], start: float) -> list[int]:
    """Messages sent in each second since `start`."""
    counts = Counter(int(at - start) for at in times)
    return [counts.get(second, 0) for second in range(max(counts) + 1)] if counts else []


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def run(participants: int, processes: int, paid: bool, url: str, colleagues: int) -> None:
    print(f"load average        {load()} (before)")
    started = time.perf_counter()
    chat_ids = build_fair(url, participants, colleagues)
    built = time.perf_counter() - started
    print(f"fair built: {participants} participants, {colleagues} colleagues in {built:.1f} s")
    people = set(chat_ids)
    async with FakeTelegram(rate_limit_per_second=LIMIT, stars=STARS) as fake:
        for chat_id in chat_ids:
            user = fake.user(chat_id, f"P{chat_id}")
            user.bot.open_chat(user.profile)
        admin = fake.user(ADMIN, "Organizer")
        admin.bot.open_chat(admin.profile)
        # The fake counts a message when its event loop gets to it: a full garbage collection
        # over the fair set up here would hold every arrival back and count them together.
        gc.freeze()
        spawn = multiprocessing.get_context("spawn")
        hook = listening_port()
        bots, pipes = [], []
        for number in range(processes):
            ready, bot_end = spawn.Pipe(duplex=False)
            webhook = hook if number == 0 else None
            bot = spawn.Process(target=serve_bot, args=(url, fake.port, bot_end, webhook))
            bot.start()
            bots.append(bot)
            pipes.append(ready)
        try:
            for ready in pipes:
                # The fake must keep answering while the bots start: wait off the loop.
                if not await asyncio.to_thread(ready.poll, 120):
                    raise RuntimeError("a bot process did not start")
                ready.recv()
            async with pushing_to_webhooks(fake, [f"http://127.0.0.1:{hook}/hook"]):
                await admin.send("/announce")
                # "Preparing…" first, then the same message turns into the choice of pace.
                question = (await admin.wait_for(lambda m: bool(m.buttons), timeout=60))[-1]
                pace = "Paid pace" if paid else "Free pace"
                start = time.monotonic()
                await admin.press(
                    question, next(b.text for r in question.buttons for b in r if pace in b.text)
                )
                await admin.wait_for(
                    lambda m: "done" in (m.text or ""), timeout=len(people) * 0.5 + 60
                )
                reported = time.monotonic() - start
        finally:
            for bot in bots:
                bot.terminate()  # and keep serving them while they stop
            for bot in bots:
                await asyncio.to_thread(bot.join, 30)
        # The bot processes were joined (reaped): their CPU, the drawing pool's included.
        bot_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        flood = sum(c.error_code == 429 for c in fake.calls)
        charged = fake.bot().failures.paid_messages
        bulk = ("sendphoto", "sendmessage")
        sent = [
            (c.arrived, c.chat_id)
            for c in fake.calls
            if c.error is None and c.method.lower() in bulk and c.chat_id in people
        ]
    times = [at for at, _ in sent]
    reached = Counter(chat for _, chat in sent)
    last = max(times) - start if times else 0.0
    seconds = per_second(times, start)
    inner = seconds[1:-1] or seconds
    pace = "paid" if paid else "free"
    print(f"participants        {participants} in {processes} process(es), {pace} pace")
    print(f"messages sent       {len(sent)}")
    twice = sum(n > 1 for n in reached.values())
    print(f"people reached      {len(reached)} of {len(people)}; more than once: {twice}")
    print(f"last timetable      {last:.1f} s after /announce (target {TARGET:.0f} s)")
    print(f"final report        {reported:.1f} s after /announce")
    print(f"pace                {len(sent) / last if last else 0:.1f} messages/s overall")
    print(f"429 answers         {flood}")
    cpu = bot_cpu.ru_utime + bot_cpu.ru_stime
    each = cpu * 1000 / len(sent) if sent else 0.0
    print(f"bot CPU             {cpu:.1f} s, {each:.1f} ms per message (all processes)")
    if paid:
        stars = f"{charged / 10:g} Stars"
        print(f"charged             {charged} messages beyond the free 30 a second: {stars}")
    low, high = min(inner, default=0), max(inner, default=0)
    limit = f"{LIMIT}, paid up to 1,000" if paid else f"{LIMIT}"
    print(f"busiest second      {busiest_second(times)} messages (rolling; the limit: {limit})")
    print(f"per second          min {low}, max {high} (between the first and the last second)")
    for first in range(0, len(seconds), 20):
        row = " ".join(f"{n:2d}" for n in seconds[first : first + 20])
        print(f"  {first:4d}s  {row}")
    met = len(reached) == len(people) and last <= TARGET and max(reached.values(), default=0) == 1
    print(f"target: everyone once within {TARGET:.0f} s: {'met' if met else 'NOT met'}")
    print(f"load average        {load()} (after)")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.announce", description=__doc__)
    parser.add_argument("--participants", type=int, default=4200)
    parser.add_argument(
        "--colleagues", type=int, default=0, help="companies with a colleague who joined"
    )
    parser.add_argument("--processes", type=int, default=1, help="bot processes")
    parser.add_argument("--paid", action="store_true", help="Telegram's paid broadcast pace")
    parser.add_argument(
        "--database-url", help="default: TEST_DATABASE_URL, else a temporary SQLite file"
    )
    args = parser.parse_args()
    meetings = len(EVENT["days"]) * PER_DAY  # each buyer meets as many different sellers
    if args.participants < 2 * meetings:
        parser.error(f"--participants: at least {2 * meetings} (each buyer meets {meetings})")
    url = args.database_url or os.environ.get("TEST_DATABASE_URL")
    if url:
        asyncio.run(run(args.participants, args.processes, args.paid, url, args.colleagues))
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(run(args.participants, args.processes, args.paid, url, args.colleagues))


if __name__ == "__main__":
    main()
