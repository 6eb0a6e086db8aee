"""/announce to a whole fair through the fake Telegram at Telegram's pace.

`python -m bench.announce [--participants N]` (default 4,200: half buyers, half sellers, 8
meetings a day over 3 days each) builds the event in a temporary SQLite database, starts the
real bot against `FakeTelegram(rate_limit_per_second=30)` (a strict rolling one-second window,
like Telegram's ~30 messages/s), sends /announce as the admin and waits for the final report.

Counting: every participant gets their timetable as text plus a picture, so the pace the limit
allows is (messages sent) / 30 per second; for 4,200 participants with one text message each
that is 8,400 / 30 = 280 s (140 s would be one message each). The figures printed: elapsed time
from /announce to the final report, that pace, the ratio, 429 answers, and the time spent
preparing (database snapshot) and rendering (text + PNG), which overlap the paced sending.
Target: elapsed within 10 % of the pace.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import select

import handlers.admin_announce as announce_module
from bench.timetable import EVENT, PER_DAY
from bot.app import build
from bot.settings import Settings
from fake_telegram import DEFAULT_TOKEN, FakeTelegram, running_bot
from handlers.services import Services
from store.db import make_engine, session_scope, upgrade
from store.event import parse_config, setup_event, slots
from store.models import Event, Meeting, Participant, Phase, Role, Tier
from store.participants import new_invite_token

ADMIN = 9000
LIMIT = 30


def build_fair(database_url: str, participants: int) -> list[int]:
    """The event, N participants with Telegram accounts and a full schedule; their ids."""
    engine = make_engine(database_url)
    upgrade(engine)
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
        ids = [p.telegram_id for p in people]
    engine.dispose()
    return ids


def timed(totals: dict[str, float], name: str, work: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return work(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - start

    return wrapper


async def run(participants: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        chat_ids = build_fair(url, participants)
        print(f"fair built: {participants} participants in {time.perf_counter() - started:.1f} s")
        totals = {"prepare": 0.0, "render": 0.0}
        # Measuring only: the job looks these up in its module at each delivery.
        announce_module.render = timed(totals, "render", announce_module.render)
        announce_module.prepare = timed(totals, "prepare", announce_module.prepare)
        async with FakeTelegram(rate_limit_per_second=LIMIT) as fake:
            for chat_id in chat_ids:
                user = fake.user(chat_id, f"P{chat_id}")
                user.bot.open_chat(user.profile)
            admin = fake.user(ADMIN, "Organizer")
            settings = Settings(
                _env_file=None,
                telegram_bot_token=DEFAULT_TOKEN,
                telegram_api_base_url=f"http://127.0.0.1:{fake.port}",
                admin_ids=[ADMIN],
                default_language="en",
            )
            engine = make_engine(url)
            services = Services(engine, settings.admin_ids, settings.default_language)
            async with running_bot(build(settings, services), fake):
                start = time.perf_counter()
                await admin.ask("/announce")
                await admin.wait_for(
                    lambda m: "done" in (m.text or ""), timeout=participants * 0.5 + 60
                )
                elapsed = time.perf_counter() - start
            engine.dispose()
            people = set(chat_ids)
            sent = [c for c in fake.calls if c.chat_id in people and c.error_code is None]
            messages = sum(c.method.lower() in ("sendmessage", "sendphoto") for c in sent)
            flood = sum(c.error_code == 429 for c in fake.calls)
            photos = sum(c.method.lower() == "sendphoto" for c in sent)
        pace = messages / LIMIT
        print(f"participants        {participants}  (pictures sent: {photos})")
        print(f"messages sent       {messages}  ({messages / participants:.2f} per participant)")
        print(f"limit's pace        {pace:.1f} s  ({messages} / {LIMIT} per second)")
        print(f"elapsed             {elapsed:.1f} s  ({elapsed / pace * 100 - 100:+.1f} % vs pace)")
        print(f"429 answers         {flood}")
        print(f"preparing (DB)      {totals['prepare']:.1f} s in total (overlaps sending)")
        print(f"rendering           {totals['render']:.1f} s in total (overlaps sending)")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.announce", description=__doc__)
    parser.add_argument("--participants", type=int, default=4200)
    asyncio.run(run(parser.parse_args().participants))


if __name__ == "__main__":
    main()
