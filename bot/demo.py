"""`python -m bot demo`: the bot at work without a Telegram token.

Starts the fake Telegram server and the real bot on a temporary SQLite database with the
example event (`examples/`), plays scripted users through a fair, and prints every exchange
as a chat transcript.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from bot.app import build
from bot.fake_telegram import DEFAULT_TOKEN, FakeTelegram, FakeUser, printer, running_bot
from bot.settings import Settings
from handlers.services import Services, utc_now
from locales import t
from store.db import make_engine, session_scope, upgrade
from store.event import load_config, setup_event
from store.importer import import_participants
from store.models import Participant

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ADMIN_ID = 777


@dataclass
class Stage:
    """What the scenes share: the server, the admin, and each participant's invite token."""

    fake: FakeTelegram
    admin: FakeUser
    tokens: dict[str, str]
    language: str


Scene = Callable[[Stage], Awaitable[None]]


def prepare(session: Session) -> dict[str, str]:
    """The example event, its deadline a week from now, and its participants."""
    config = load_config(EXAMPLES / "event.toml")
    setup_event(session, replace(config, deadline=utc_now() + timedelta(days=7)))
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


SCENES: tuple[tuple[str, Scene], ...] = (
    ("demo.scene.seller_joins", seller_joins),
    ("demo.scene.buyer_joins", buyer_joins),
    ("demo.scene.stranger_applies", stranger_applies),
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
            services = Services(engine, settings.admin_ids, language)
            async with running_bot(build(settings, services), fake):
                admin = fake.user(ADMIN_ID, "Organizer", language_code=language)
                await admin.ask("/start")
                fake.on_event(printer(write))
                stage = Stage(fake, admin, tokens, language)
                for title, scene in SCENES:
                    write(f"\n=== {t(language, title)} ===")
                    await scene(stage)
        engine.dispose()


def main(language: str) -> None:
    asyncio.run(play(language=language))
