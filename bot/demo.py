"""`python -m bot demo`: the bot at work without a Telegram token.

Starts the fake Telegram server and the real bot on a temporary SQLite database with the
example event (`examples/`), plays scripted users through a fair, and prints every exchange
as a chat transcript.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import tomllib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select
from telegram.ext import Application

from bot.app import build
from bot.settings import Settings
from fake_telegram import (
    DEFAULT_TOKEN,
    ChatMessage,
    FakeTelegram,
    FakeUser,
    printer,
    running_bot,
)
from handlers.admin_jobs import schedule_all
from handlers.services import Services, utc_now
from locales import t
from store.db import make_engine, session_scope, upgrade
from store.event import get_event, parse_config, setup_event
from store.importer import import_participants
from store.models import Participant

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ADMIN_ID = 777


class DemoClock:
    """The bot's now: real time, until a scene jumps past the deadline."""

    def __init__(self) -> None:
        self.jump = timedelta()

    def __call__(self) -> datetime:
        return utc_now() + self.jump


@dataclass
class Stage:
    """What the scenes share: the server, the running bot, its clock, the admin, and each
    participant's invite token."""

    fake: FakeTelegram
    application: Application
    clock: DemoClock
    admin: FakeUser
    tokens: dict[str, str]
    language: str


async def tap(user: FakeUser, message: ChatMessage, label: str) -> list[ChatMessage]:
    """Presses the first button whose label contains `label` (lists add marks to names)."""
    full = next(text for row in message.keyboard for text, _ in row if label in text)
    await user.press(message, full)
    return await user.wait_reply()


Scene = Callable[[Stage], Awaitable[None]]


def prepare(session: Session) -> dict[str, str]:
    """The example event moved to the coming weeks (deadline in 7 days, the fair in 14),
    and its participants."""
    raw = tomllib.loads((EXAMPLES / "event.toml").read_text(encoding="utf-8"))
    today = utc_now().date()
    raw["deadline"] = (utc_now() + timedelta(days=7)).isoformat(timespec="minutes")
    raw["days"] = [str(today + timedelta(days=14)), str(today + timedelta(days=15))]
    setup_event(session, parse_config(raw))
    import_participants(session, EXAMPLES / "participants.xlsx")
    return {p.code: p.invite_token for p in session.exec(select(Participant)).all()}


async def seller_joins(stage: Stage) -> None:
    kim = stage.fake.user(1001, "김민지", language_code="ko")
    _, menu = await kim.ask(f"/start {stage.tokens['S001']}")
    await kim.press(menu, t("ko", "menu.account"))
    [account] = await kim.wait_reply()
    await kim.press(account, t("ko", "profile.edit", label=t("ko", "field.phone")))
    await kim.wait_reply()
    await kim.ask("+82 10-1234-5678")


async def buyer_joins(stage: Stage) -> None:
    john = stage.fake.user(2001, "John", language_code="en")
    _, menu = await john.ask(f"/start {stage.tokens['B001']}")
    await john.press(menu, t("en", "menu.company"))
    [company] = await john.wait_reply()
    await john.press(company, t("en", "profile.edit", label=t("en", "field.products")))
    await john.wait_reply()
    await john.ask("sheet masks, sun care, 비건 화장품")
    await john.ask("/language")


async def stranger_applies(stage: Stage) -> None:
    carlos = stage.fake.user(3001, "Carlos", language_code="en")
    [welcome] = await carlos.ask("/start")
    await carlos.press(welcome, t("en", "apply.button"))
    [form] = await carlos.wait_reply()
    await carlos.press(form, t("en", "role.buyer"))
    await carlos.wait_reply()
    for answer in ("Andes Beauty", "Chile", "cosmetics", "hair care", "Carlos Rojas"):
        await carlos.ask(answer)
    await carlos.ask("carlos@andesbeauty.cl")
    [application] = await stage.admin.wait_for(lambda m: "Andes Beauty" in m.text)
    await stage.admin.press(application, t(stage.language, "apply.approve"))
    await stage.admin.wait_reply()
    await carlos.wait_for(1)


async def buyer_requests(stage: Stage) -> None:
    john = stage.fake.user(2001, "John")
    [menu] = await john.ask("/menu")
    [companies] = await tap(john, menu, t("en", "menu.find"))
    for company in ("한빛화장품", "그린뷰티랩", "닥터스킨"):
        [card] = await tap(john, companies, company)
        [prompt] = await tap(john, card, t("en", "card.request"))
        if company == "한빛화장품":
            await john.ask("We sell to 300 drugstores in the US — keen to meet!")
        else:
            await tap(john, prompt, t("en", "card.skip_note"))
        [companies] = await tap(john, john.last_message, t("en", "find.back_to_list"))


async def seller_accepts(stage: Stage) -> None:
    kim = stage.fake.user(1001, "김민지")
    notice = next(m for m in reversed(kim.messages) if "John" in m.text or "Acme" in m.text)
    await tap(kim, notice, t("ko", "requests.notice.button.acc"))
    await stage.fake.user(2001, "John").wait_for(1)


async def buyer_reorders(stage: Stage) -> None:
    john = stage.fake.user(2001, "John")
    [menu] = await john.ask("/menu")
    [summary] = await tap(john, menu, t("en", "menu.requests"))
    [mine] = await tap(john, summary, "📤")
    await tap(john, mine, t("en", "requests.button.up", number=2))


async def deadline_passes(stage: Stage) -> None:
    event_deadline = await stage.application.bot_data["services"].run(get_event)
    stage.clock.jump = event_deadline.deadline - utc_now() + timedelta(seconds=1)
    await schedule_all(stage.application)
    await stage.admin.wait_for(1, timeout=30)
    await stage.admin.ask("/announce")
    done = t(
        stage.language, "announce.done", round=1, sent=0, unchanged=0, failed=0, blocked=0, total=0
    )
    title = re.sub("<[^>]+>", "", done).split(":")[0]  # "📣 Announcement 1 done"
    await stage.admin.wait_for(lambda m: m.text.startswith(title), timeout=60)


async def buyer_reads_timetable(stage: Stage) -> None:
    john = stage.fake.user(2001, "John")
    [menu] = await john.ask("/menu")
    await tap(john, menu, t("en", "menu.schedule"))


SCENES: tuple[tuple[str, Scene], ...] = (
    ("demo.scene.seller_joins", seller_joins),
    ("demo.scene.buyer_joins", buyer_joins),
    ("demo.scene.stranger_applies", stranger_applies),
    ("demo.scene.buyer_requests", buyer_requests),
    ("demo.scene.seller_accepts", seller_accepts),
    ("demo.scene.buyer_reorders", buyer_reorders),
    ("demo.scene.deadline_passes", deadline_passes),
    ("demo.scene.buyer_reads_timetable", buyer_reads_timetable),
)


async def play(write: Callable[[str], object] = print, language: str = "en") -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/demo.db")
        upgrade(engine)
        with session_scope(engine) as session:
            tokens = prepare(session)
        async with FakeTelegram() as fake:
            settings = Settings(
                _env_file=None,
                telegram_bot_token=DEFAULT_TOKEN,
                telegram_api_base_url=f"http://127.0.0.1:{fake.port}",
                admin_ids=[ADMIN_ID],
                default_language=language,
            )
            clock = DemoClock()
            services = Services(engine, settings.admin_ids, language, clock)
            async with running_bot(build(settings, services), fake) as application:
                admin = fake.user(ADMIN_ID, "Organizer", language_code=language)
                await admin.ask("/start")
                fake.on_event(printer(write))
                stage = Stage(fake, application, clock, admin, tokens, language)
                for title, scene in SCENES:
                    write(f"\n=== {t(language, title)} ===")
                    await scene(stage)
        engine.dispose()


def main(language: str) -> None:
    asyncio.run(play(language=language))
