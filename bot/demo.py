"""`python -m bot demo`: the bot at work without a Telegram token.

Starts the fake Telegram server and the real bot on a temporary SQLite database with the
example event (`examples/`), plays scripted users through a fair, and prints every exchange
as a chat transcript.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
import tomllib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
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
from handlers.services import Services, utc_now
from jobs.schedule import schedule_all
from locales import t, tn
from store.db import Run, make_engine, transaction, upgrade
from store.event import get_event, parse_config
from store.example_fair import example_fair
from store.manual_matching import by_code
from views.vocabulary import vocabulary

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ADMIN_ID = 777
T = TypeVar("T")


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


def prepare(run: Run) -> dict[str, str]:
    """The example event moved to the coming weeks (deadline in 7 days, the fair in 14),
    and its participants."""
    raw = tomllib.loads((EXAMPLES / "event.toml").read_text(encoding="utf-8"))
    today = utc_now().date()
    raw["deadline"] = (utc_now() + timedelta(days=7)).isoformat(timespec="minutes")
    raw["days"] = [str(today + timedelta(days=14)), str(today + timedelta(days=15))]
    return run(example_fair, parse_config(raw), EXAMPLES / "participants.xlsx", vocabulary())


@dataclass(frozen=True)
class Person:
    """A scripted participant: Telegram id and name, language, code in the example file."""

    user_id: int
    name: str
    language: str
    code: str


@dataclass(frozen=True)
class Cast:
    """Who plays what in one language's demo. `me` is followed the whole way: joins, sets
    available times, finds and requests companies, answers a request, reorders, reads the
    timetable. `asked` answers my first request; `asker` requests me; `stranger` applies
    without an invite; the other fields are what they type."""

    me: Person
    asked: Person
    asker: Person
    stranger: Person
    edit_field: str
    edit_value: str
    keyword: str
    note: str
    application: tuple[str, ...]  # the answers to the form, in the order it asks


CASTS = {
    # a Korean company's representative, through the Korean screens
    "ko": Cast(
        me=Person(1001, "김민지", "ko", "S001"),
        asked=Person(2001, "John", "en", "B001"),
        asker=Person(2002, "Nguyen", "en", "B002"),
        stranger=Person(3001, "이서준", "ko", ""),
        edit_field="phone",
        edit_value="+82 10-1234-5678",
        keyword="화장품",
        note="Hello from Hanbit Cosmetics! We will bring sheet mask samples to your booth.",
        application=(
            "새봄푸드",
            "Saebom Food",
            "식품",
            "김부각, 누룽지",
            "이서준",
            "sj@saebomfood.kr",
        ),
    ),
    # an overseas buyer, through the English screens
    "en": Cast(
        me=Person(2001, "John", "en", "B001"),
        asked=Person(1001, "김민지", "ko", "S001"),
        asker=Person(1004, "Donghoon", "en", "S004"),
        stranger=Person(3001, "Carlos", "en", ""),
        edit_field="products",
        edit_value="sheet masks, sun care, 비건 화장품",
        keyword="cosmetics",
        note="We sell to 300 drugstores in the US — keen to meet!",
        application=(
            "Andes Beauty",
            "-",
            "Chile",
            "cosmetics",
            "hair care",
            "Carlos Rojas",
            "carlos@andesbeauty.cl",
        ),
    ),
}


def cast(stage: Stage) -> Cast:
    return CASTS[stage.language]


def user(stage: Stage, person: Person) -> FakeUser:
    return stage.fake.user(person.user_id, person.name, language_code=person.language)


async def join(stage: Stage, person: Person) -> list[ChatMessage]:
    return await user(stage, person).ask(f"/start {stage.tokens[person.code]}")


async def me_joins(stage: Stage) -> None:
    me, lang = cast(stage).me, cast(stage).me.language
    menu = (await join(stage, me))[-1]
    person = user(stage, me)
    screen = "menu.account" if cast(stage).edit_field == "phone" else "menu.company"
    [profile] = await tap(person, menu, t(lang, screen))
    label = t(lang, "field." + cast(stage).edit_field)
    await tap(person, profile, t(lang, "profile.edit", label=label))
    await person.ask(cast(stage).edit_value)


async def me_sets_availability(stage: Stage) -> None:
    person, lang = user(stage, cast(stage).me), cast(stage).me.language
    [menu] = await person.ask("/menu")
    grid = await tap(person, menu, t(lang, "menu.availability"))
    first_day = next(m for m in grid if m.keyboard)
    await tap(person, first_day, "09:00")


async def stranger_applies(stage: Stage) -> None:
    stranger = cast(stage).stranger
    person, lang = user(stage, stranger), stranger.language
    [welcome] = await person.ask("/start")
    [form] = await tap(person, welcome, t(lang, "apply.button"))
    side = "seller" if lang == "ko" else "buyer"
    await tap(person, form, t(lang, f"role.{side}"))
    for answer in cast(stage).application:
        await person.ask(answer)
    company = cast(stage).application[0]
    [application] = await stage.admin.wait_for(lambda m: company in m.text)
    await stage.admin.press(application, t(stage.language, "apply.approve"))
    await stage.admin.wait_reply()
    await person.wait_for(1)


async def me_requests(stage: Stage) -> None:
    """Searches by keyword (an industry's name finds its companies) and requests three
    companies, the first with a note; when the search finds fewer, the rest come from the
    whole list."""
    person, lang = user(stage, cast(stage).me), cast(stage).me.language
    [menu] = await person.ask("/menu")
    [companies] = await tap(person, menu, t(lang, "menu.find"))
    await tap(person, companies, t(lang, "find.keyword"))
    [companies] = await person.ask(cast(stage).keyword)
    for number in range(3):
        fresh = [text for row in companies.keyboard for text, data in row if ":o:" in data]
        fresh = [label for label in fresh if "📤" not in label]
        if not fresh:
            [companies] = await tap(person, companies, t(lang, "find.clear_keyword"))
            fresh = [text for row in companies.keyboard for text, data in row if ":o:" in data]
            fresh = [label for label in fresh if "📤" not in label]
        [card] = await tap(person, companies, fresh[0])
        [prompt] = await tap(person, card, t(lang, "card.request"))
        if number == 0:
            await person.ask(cast(stage).note)
        else:
            await tap(person, prompt, t(lang, "card.skip_note"))
        [companies] = await tap(person, person.last_message, t(lang, "find.back_to_list"))


async def asked_accepts(stage: Stage) -> None:
    asked = cast(stage).asked
    person = user(stage, asked)
    me = cast(stage).me
    company = (await stage.application.bot_data["services"].run(by_code, me.code)).company
    notice = next(m for m in reversed(person.messages) if company in m.text)
    await tap(person, notice, t(asked.language, "requests.notice.button.acc"))
    await user(stage, me).wait_for(1)


async def asker_requests_me(stage: Stage) -> None:
    asker = cast(stage).asker
    person, lang = user(stage, asker), asker.language
    services = stage.application.bot_data["services"]
    company = (await services.run(by_code, cast(stage).me.code)).company
    [menu] = await person.ask("/menu")
    [companies] = await tap(person, menu, t(lang, "menu.find"))
    await tap(person, companies, t(lang, "find.keyword"))
    [companies] = await person.ask(company)
    [card] = await tap(person, companies, company)
    [prompt] = await tap(person, card, t(lang, "card.request"))
    await tap(person, prompt, t(lang, "card.skip_note"))
    await user(stage, cast(stage).me).wait_for(1)


async def me_answers_and_reorders(stage: Stage) -> None:
    person, lang = user(stage, cast(stage).me), cast(stage).me.language
    [menu] = await person.ask("/menu")
    [summary] = await tap(person, menu, t(lang, "menu.requests"))
    [received] = await tap(person, summary, "📥")
    [received] = await tap(person, received, "✅")
    [summary] = await tap(person, received, t(lang, "common.back"))
    [mine] = await tap(person, summary, "📤")
    await tap(person, mine, "▲")


async def deadline_passes(stage: Stage) -> None:
    event_deadline = await stage.application.bot_data["services"].run(get_event)
    stage.clock.jump = event_deadline.deadline - utc_now() + timedelta(seconds=1)
    await schedule_all(stage.application)
    await stage.admin.wait_for(1, timeout=30)
    await stage.admin.ask("/announce")
    done = tn(stage.language, "announce.done", 0, round=1, items="")
    title = re.sub("<[^>]+>", "", done).split(":")[0]  # "📣 Announcement 1 done"
    await stage.admin.wait_for(lambda m: m.text.startswith(title), timeout=60)


async def me_reads_timetable(stage: Stage) -> None:
    person, lang = user(stage, cast(stage).me), cast(stage).me.language
    [menu] = await person.ask("/menu")
    pages = await tap(person, menu, t(lang, "menu.schedule"))
    last = pages[-1]
    await tap(person, last, t(lang, "schedule.image_button"))
    await tap(person, last, t(lang, "schedule.calendar_button"))


SCENES: tuple[tuple[str, Scene], ...] = (
    ("demo.scene.me_joins", me_joins),
    ("demo.scene.me_sets_availability", me_sets_availability),
    ("demo.scene.stranger_applies", stranger_applies),
    ("demo.scene.me_requests", me_requests),
    ("demo.scene.asked_accepts", asked_accepts),
    ("demo.scene.asker_requests_me", asker_requests_me),
    ("demo.scene.me_answers", me_answers_and_reorders),
    ("demo.scene.deadline_passes", deadline_passes),
    ("demo.scene.me_reads_timetable", me_reads_timetable),
)


@asynccontextmanager
async def fair_on_fake(
    language: str,
    prepare: Callable[[Run], T],
    clock: Callable[[], datetime],
    migrated: Path | None = None,
) -> AsyncIterator[tuple[FakeTelegram, Application, T, sa.Engine]]:
    """A fresh fair's database in a temporary folder, filled by `prepare`, and the real bot
    running on `clock` against our fake Telegram, ADMIN_ID its admin: the stage of the demo
    and of the screens (bot/screens.py). The database starts as a copy of `migrated` (an
    empty SQLite file at the newest schema, as the tests keep one) if given: running the
    migrations takes 0.3 s of CPU."""
    with tempfile.TemporaryDirectory() as folder:
        if migrated is not None:
            shutil.copyfile(migrated, f"{folder}/fair.db")
        engine = make_engine(f"sqlite:///{folder}/fair.db")
        try:
            upgrade(engine)  # nothing to do on a copy of a current one
            with transaction(engine) as run:
                prepared = prepare(run)
            async with FakeTelegram() as fake:
                settings = Settings(
                    _env_file=None,
                    telegram_bot_token=DEFAULT_TOKEN,
                    telegram_api_base_url=f"http://127.0.0.1:{fake.port}",
                    admin_ids=[ADMIN_ID],
                    default_language=language,
                )
                services = Services(engine, settings.admin_ids, language, clock)
                async with running_bot(build(settings, services), fake) as application:
                    yield fake, application, prepared, engine
        finally:
            engine.dispose()


async def play(write: Callable[[str], object] = print, language: str = "en") -> None:
    clock = DemoClock()
    async with fair_on_fake(language, prepare, clock) as (fake, application, tokens, _):
        admin = fake.user(ADMIN_ID, "Organizer", language_code=language)
        await admin.ask("/start")
        stage = Stage(fake, application, clock, admin, tokens, language)
        # the companies `me` deals with have opened their invite links beforehand
        for person in (cast(stage).asked, cast(stage).asker):
            await join(stage, person)
        fake.on_event(printer(write))
        for title, scene in SCENES:
            write(f"\n=== {t(language, title)} ===")
            await scene(stage)


def main(language: str) -> None:
    asyncio.run(play(language=language))
