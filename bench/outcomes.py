"""Outcome prompts after each meeting, paced within Telegram's 30 messages/s.

`python -m bench.outcomes [--slots N] [--buyers B --sellers S --requests R]` stores the event M
(or the size given) of bench/refill.py (about 12,900
meetings over 2 days × 14 slots, 4,200 participants with Telegram accounts), starts the real
bot against `FakeTelegram(rate_limit_per_second=30)` (a strict rolling one-second window, like
Telegram), sets the bot's clock to the end of slot 1, 2, ... in turn and, each time, measures
how long after that slot's end its last "How did your meeting go?" prompt reaches the fake
server (both sides of every meeting of the slot). Default: the first 4 slots (the whole fair
is `--slots 28`, about 15 minutes of sending).

Slots end 30 minutes apart and no slot's prompts take two minutes to send (at most about
1,150 meetings in one slot, 2,300 prompts, 80 s at 29/s), so nothing carries over to the next
slot: the last prompt of the whole fair is as late as its own slot's burst.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlmodel import select

from bench.fair import Size, add_size_options, fresh_database, size_of
from bench.refill import fill
from bot.app import build
from bot.settings import Settings
from fake_telegram import DEFAULT_TOKEN, FakeTelegram, running_bot
from handlers.services import Services
from jobs.schedule import schedule_all
from store.db import session_scope
from store.models import Meeting, Participant, Slot
from store.outcomes import outcome_times

LIMIT = 30
PROMPT_MARKS = ("How did your meeting", "상담은 어떠셨습니까")


class Clock:
    def __init__(self) -> None:
        self.now = None

    def __call__(self):
        return self.now


def prompts_sent(fake: FakeTelegram) -> int:
    return sum(
        call.method == "sendMessage"
        and call.error_code is None
        and any(mark in str(call.params.get("text")) for mark in PROMPT_MARKS)
        for call in fake.calls
    )


async def run(slot_count: int, size: Size) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = fresh_database(url)
        fill(engine, size)
        with session_scope(engine) as session:
            chats = list(session.exec(select(Participant.telegram_id)).all())
            per_slot = Counter(session.exec(select(Meeting.slot_id)).all())
            total_meetings = sum(per_slot.values())
            times = outcome_times(session)
            codes = {s.id: s.code for s in session.exec(select(Slot)).all()}
        clock = Clock()
        async with FakeTelegram(rate_limit_per_second=LIMIT) as fake:
            for chat_id in chats:
                user = fake.user(chat_id, f"P{chat_id}")
                user.bot.open_chat(user.profile)
            settings = Settings(
                _env_file=None,
                telegram_bot_token=DEFAULT_TOKEN,
                telegram_api_base_url=f"http://127.0.0.1:{fake.port}",
                admin_ids=[9000],
                default_language="en",
            )
            clock.now = times[0].end.replace(hour=0)
            services = Services(engine, settings.admin_ids, "en", clock)
            async with running_bot(build(settings, services), fake) as application:
                print(
                    f"{size}: {total_meetings:,} meetings in {len(per_slot)} slots, "
                    f"{len(chats):,} chats"
                )
                print(f"{'slot':8} {'prompts':>8} {'last prompt after the slot ends':>32}")
                expected, worst = 0, 0.0
                for slot in times[:slot_count]:
                    expected += 2 * per_slot[slot.slot_id]
                    clock.now = slot.end
                    began = time.perf_counter()
                    await schedule_all(application)
                    while prompts_sent(fake) < expected:
                        await asyncio.sleep(0.1)
                    late = time.perf_counter() - began
                    worst = max(worst, late)
                    count = 2 * per_slot[slot.slot_id]
                    code = codes[slot.slot_id]
                    print(f"{code:8} {count:>8} {late:>10.1f} s ({count / late:.1f}/s)")
            flood = sum(call.error_code == 429 for call in fake.calls)
        busiest = 2 * max(per_slot.values())
        print(f"429 answers: {flood}")
        print(
            f"latest prompt measured: {worst:.1f} s after its slot ended; the busiest slot "
            f"({busiest} prompts) needs {busiest / 29:.1f} s at the bot's 29 messages/s"
        )
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.outcomes", description=__doc__)
    parser.add_argument("--slots", type=int, default=4)
    add_size_options(parser)
    args = parser.parse_args()
    asyncio.run(run(args.slots, size_of(args)))


if __name__ == "__main__":
    main()
