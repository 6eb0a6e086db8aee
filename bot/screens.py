"""`python -m bot screens`: every screen of the bot, one reviewable file per language.

Drives the real bot through the fake Telegram server, as `bot.demo` does, over what a
participant and an organizer meet, in order: joining, each menu, each list empty and full,
refusals, notifications, the deadline, the organizer's commands and summaries, the timetable,
the fair day (reminders, cancellations, refill offers, outcome questions) and the survey.
Everyone speaks the file's language. The clock and the data are fixed, so the files change
only when a screen does: `docs/screens.ko.md` and `docs/screens.en.md`, which
tests/bot/test_screens.py regenerates and compares.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import tomllib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.demo import ADMIN_ID, fair_on_fake
from fake_telegram import Button, ChatMessage, FakeTelegram, FakeUser
from jobs.schedule import schedule_all
from locales import t, tn
from store import timetable as timetables
from store.db import Run, transaction
from store.event import get_event, parse_config, slots
from store.example_fair import Script, example_fair
from store.manual_matching import by_code
from store.reminders import slot_end
from views.vocabulary import vocabulary

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs"
COMMAND = "scripts/run screens"
TODAY = date(2026, 6, 1)  # the fixed day the files are written on: the deadline is a week later
START = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)  # 09:00 in Seoul
# Each wait ends as soon as what it waits for is there; the deadline is for a bot that never
# answers, and a loaded test machine took more than 30 s for one step.
WAIT = 120.0
PARTIAL = Path(tempfile.gettempdir()) / "screens.partial.md"
NAMES = {"ko": "한국어", "en": "English"}
USERS = {"S001": 1001, "S002": 1002, "S005": 1005, "B001": 2001, "B002": 2002, "B004": 2004}
# The hybrid fair: Saigon Imports (B002) needs a Vietnamese interpreter and, once the organizer
# says so (/attendance), meets online in the organizer's own rooms (fixed links, so the files
# stay the same from run to run); two interpreters speak Vietnamese.
ONLINE, NEEDS = "B002", "vi"
ROOMS = ["https://meet.jit.si/BoomUpKorea-room1", "https://meet.jit.si/BoomUpKorea-room2"]
INTERPRETERS = {"I001": (4001, "박지은"), "I002": (4002, "최민수")}
COLLEAGUE = 1101  # S001's colleague, named as a reader of the file's language would be
COLLEAGUE_NAMES = {"ko": "이수진", "en": "Emma Clarke"}


def path(language: str) -> Path:
    return DOCS / f"screens.{language}.md"


class Clock:
    """The bot's now, fixed; a chapter moves it (to a reminder, past the deadline, the fair)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


INVITE = re.compile(r"(\?start=)[\w-]+")


def steady(language: str) -> Callable[[str], str]:
    """What differs from run to run made constant: the solver's measured seconds, the random
    part of a colleague's invite link."""
    label = re.escape(t(language, "admin.compare_seconds").split("{")[0])
    line = re.compile(f"^{label}.*$", re.MULTILINE)

    def clean(text: str) -> str:
        text = line.sub(lambda m: re.sub(r"\d+\.\d+", "0.00", m.group()), text)
        return INVITE.sub(r"\1<invite>", text)

    return clean


def render(message: ChatMessage, edited: bool, clean: Callable[[str], str]) -> list[str]:
    """One message as a fenced block: its text, then its buttons row by row."""
    head = []
    if message.photo is not None:
        head.append("[image]")
    if message.document is not None:
        head.append(f"[file {message.document.file_name}]")
    if edited:
        head.append("[edited]")
    lines = ["```", *head, *clean(message.content).splitlines()]
    if message.buttons:
        lines.append("────")
        lines += ["  ".join(f"[{button.text}]" for button in row) for row in message.buttons]
    return [*lines, "```", ""]


class Book:
    """The file being written, and the actions that write it."""

    def __init__(self, fake: FakeTelegram, language: str) -> None:
        self.fake = fake
        self.language = language
        self.lines: list[str] = []
        self.shown: dict[int, set[int]] = {}  # chat → ids of messages already in the file
        self.clean = steady(language)

    def chapter(self, title: str) -> None:
        self.lines += [f"## {title}", ""]

    def screen(self, title: str) -> None:
        self.lines += [f"### {title}", ""]

    def note(self, text: str) -> None:
        self.lines += [f"*{text}*", ""]

    def user(self, telegram_id: int, name: str) -> FakeUser:
        return self.fake.user(telegram_id, name, language_code=self.language)

    def show(self, person: FakeUser, messages: list[ChatMessage]) -> list[ChatMessage]:
        seen = self.shown.setdefault(person.id, set())
        for message in messages:
            self.lines += render(message, message.message_id in seen, self.clean)
            seen.add(message.message_id)
        return messages

    def _said(self, person: FakeUser, action: str, answers_before: int) -> None:
        self.lines += [f"👤 **{person.first_name}**: {action}", ""]
        self._toast(person, answers_before)

    def _toast(self, person: FakeUser, answers_before: int) -> None:
        for answer in person.callback_answers[answers_before:]:
            if answer.text:
                kind = "alert" if answer.show_alert else "pop-up"
                self.lines += [f"> ({kind}) {answer.text}", ""]

    async def send(
        self,
        person: FakeUser,
        text: str,
        shown: str | None = None,
        until: Callable[[ChatMessage], bool] | None = None,
    ) -> list[ChatMessage]:
        """The user types `text` (written as `shown`, e.g. without a secret invite); with
        `until`, the replies go on until one meets it (a job's message that follows)."""
        replies = await person.ask(text, timeout=WAIT)
        if until is not None and not any(until(message) for message in replies):
            replies += await person.wait_for(until, timeout=WAIT)
        self._said(person, f"`{shown or text}`", len(person.callback_answers))
        return self.show(person, replies)

    async def press(self, person: FakeUser, message: ChatMessage, label: str) -> list[ChatMessage]:
        """Presses the first button whose label contains `label`."""
        labels = [button.text for row in message.buttons for button in row]
        full = next((text for text in labels if label in text), None)
        if full is None:
            raise LookupError(f"no button with {label!r} in {labels}")
        before = len(person.callback_answers)
        await person.press(message, full)
        replies = await person.wait_reply(timeout=WAIT)
        self._said(person, f"presses [{full}]", before)
        return self.show(person, replies)

    async def press_again(
        self, person: FakeUser, message: ChatMessage, button: Button
    ) -> list[ChatMessage]:
        """Presses a button the message had before its last edit (a double tap's second)."""
        assert button.callback_data is not None
        before = len(person.callback_answers)
        await person.press_data(message, button.callback_data, label=button.text)
        replies = await person.wait_reply(timeout=WAIT)
        self._said(person, f"presses [{button.text}] again (a double tap)", before)
        return self.show(person, replies)

    async def wait(
        self, person: FakeUser, condition: Callable[[ChatMessage], bool]
    ) -> list[ChatMessage]:
        """Messages the bot sends on its own (a notification, a job's), shown as they come."""
        messages = await person.wait_for(condition, timeout=WAIT)
        self.lines += [f"🔔 to **{person.first_name}**:", ""]
        return self.show(person, messages)

    async def arrives(self, person: FakeUser, condition: Callable[[ChatMessage], bool]) -> None:
        """Waits until the bot sent `person` a message meeting `condition` on its own, without
        showing it yet (it shows with their next step): a job's notices to everybody are out
        before the clock moves past the time they are of use."""
        if not await person.bot.changes.wait_for(
            lambda: any(condition(message) for message in person.messages), WAIT
        ):
            raise TimeoutError(f"{person.first_name} got no such message in {WAIT} s")


def says(fragment: str) -> Callable[[ChatMessage], bool]:
    return lambda message: fragment in message.content


def prepare(run: Run, language: str) -> dict[str, str]:
    """The example event on fixed dates, its participants all speaking `language`."""
    raw = tomllib.loads((EXAMPLES / "event.toml").read_text(encoding="utf-8"))
    raw["video_rooms"] = ROOMS
    script = Script(
        language=language,
        # one meeting a day: a request of S001's is left on standby for the fair day's refill
        daily_caps={"S001": 1},
        interpreter_languages={ONLINE: NEEDS},
        interpreters={code: name for code, (_, name) in INTERPRETERS.items()},
        interpreters_speak=NEEDS,
    )
    config = parse_config(raw, today=TODAY, now=START)
    return run(example_fair, config, EXAMPLES / "participants.xlsx", vocabulary(), script)


async def write_book(language: str, migrated: Path | None = None) -> str:
    """The book of `language`, played on a new database (a copy of `migrated` if given, see
    bot/demo.py `fair_on_fake`)."""
    clock = Clock(START)

    def prepared(run: Run) -> dict[str, str]:
        return prepare(run, language)

    stage_of = fair_on_fake(language, prepared, clock, migrated)
    async with stage_of as (fake, application, tokens, engine):
        book = Book(fake, language)
        stage = Stage(book, application, clock, tokens, engine)
        try:
            for chapter in CHAPTERS:
                await chapter(stage)
        finally:  # what was written so far shows where a failing chapter stopped
            PARTIAL.write_text("\n".join(book.lines), encoding="utf-8")
    header = [
        f"# Every screen ({NAMES[language]})",
        "",
        f"Written by `{COMMAND}` from the real bot; do not edit by hand. What each participant",
        "and the organizer see, in the order they meet it; `[...]` are buttons, `(pop-up)` the",
        "short answer to a press; the solver's measured seconds read 0.00.",
        "",
    ]
    return "\n".join(header + book.lines).rstrip() + "\n"


class Stage:
    """What the chapters share."""

    def __init__(self, book, application, clock: Clock, tokens: dict[str, str], engine) -> None:
        self.book = book
        self.application = application
        self.clock = clock
        self.tokens = tokens
        self.engine = engine
        self.people = {code: book.user(uid, code) for code, uid in USERS.items()}
        self.interpreters = {code: book.user(uid, code) for code, (uid, _) in INTERPRETERS.items()}
        self.admin = book.user(ADMIN_ID, "organizer")
        self.stranger = book.user(3001, "stranger")

    def t(self, key: str, **values: object) -> str:
        return t(self.book.language, key, **values)

    def deadline(self) -> datetime:
        with transaction(self.engine) as run:
            return run(get_event).deadline

    def first_meeting_start(self, code: str) -> datetime:
        with transaction(self.engine) as run:
            return run(timetables.timetable, run(by_code, code).id).meetings[0].start

    def last_slot_end(self) -> datetime:
        with transaction(self.engine) as run:
            return slot_end(run(slots)[-1], run(get_event).timezone)


async def joining(stage: Stage) -> None:
    book, me = stage.book, stage.people["S001"]
    book.chapter("1. Joining")
    book.screen("A stranger opens the bot")
    await book.send(stage.stranger, "/start")
    book.screen("A mistyped invite link")
    await book.send(stage.stranger, "/start abc", "/start abc")
    book.screen("The invite link")
    await book.send(me, f"/start {stage.tokens['S001']}", "/start <invite>")
    book.screen("Help")
    await book.send(me, "/help")
    book.screen("Language")
    [menu] = await book.send(me, "/language")
    await book.press(me, menu, "한국어" if book.language == "ko" else "English")
    book.screen("A text nobody asked for")
    await book.send(me, "hello")


async def profile(stage: Stage) -> None:
    book, me = stage.book, stage.people["S001"]
    book.chapter("2. Account and participation info")
    [menu] = await book.send(me, "/menu")
    [account] = await book.press(me, menu, stage.t("menu.account"))
    label = stage.t("field.phone")
    await book.press(me, account, stage.t("profile.edit", label=label))
    await book.send(me, "+82 10-1234-5678")
    [menu] = await book.send(me, "/menu")
    [company] = await book.press(me, menu, stage.t("menu.company"))
    label = stage.t("field.products")
    await book.press(me, company, stage.t("profile.edit", label=label))
    await book.send(me, "/cancel")


async def availability(stage: Stage) -> None:
    book, me = stage.book, stage.people["S001"]
    book.chapter("3. Available times")
    [menu] = await book.send(me, "/menu")
    grid = await book.press(me, menu, stage.t("menu.availability"))
    first_day = next(m for m in grid if m.buttons)
    await book.press(me, first_day, "09:00")


async def finding(stage: Stage) -> None:
    book, me = stage.book, stage.people["S001"]
    book.chapter("4. Find companies and request meetings")
    book.screen("My requests, before any")
    [menu] = await book.send(me, "/menu")
    await book.press(me, menu, stage.t("menu.requests"))
    book.screen("The list")
    [menu] = await book.send(me, "/menu")
    [companies] = await book.press(me, menu, stage.t("menu.find"))
    book.screen("A keyword that finds nothing")
    await book.press(me, companies, stage.t("find.keyword"))
    [companies] = await book.send(me, "zzz")
    [companies] = await book.press(me, companies, stage.t("find.clear_keyword"))
    book.screen("By industry")
    [choose] = await book.press(me, companies, stage.t("find.by_industry"))
    [companies] = await book.press(me, choose, stage.t("industry.cosmetics"))
    book.screen("A company's card, a request with a note")
    [card] = await book.press(me, companies, "Acme")
    [prompt] = await book.press(me, card, stage.t("card.request"))
    await book.send(me, "We will bring sheet mask samples to your booth.")
    [companies] = await book.press(me, me.last_message, stage.t("find.back_to_list"))
    book.screen("A second and a third request, without a note")
    for company in ("Dubai", "Nordic"):
        if company == "Nordic":
            [companies] = await book.press(me, companies, stage.t("find.by_industry"))
            [companies] = await book.press(me, companies, stage.t("find.all_i"))
        [card] = await book.press(me, companies, company)
        [prompt] = await book.press(me, card, stage.t("card.request"))
        await book.press(me, prompt, stage.t("card.skip_note"))
        [companies] = await book.press(me, me.last_message, stage.t("find.back_to_list"))


async def requests(stage: Stage) -> None:
    book, me = stage.book, stage.people["S001"]
    book.chapter("5. Requests received and answered")
    buyer = stage.people["B001"]
    await stage.book.send(buyer, f"/start {stage.tokens['B001']}", "/start <invite>")
    book.screen("A buyer hears of the request")
    await book.send(buyer, "/menu")
    [summary] = await book.press(buyer, buyer.last_message, stage.t("menu.requests"))
    [received] = await book.press(buyer, summary, "📥")
    await book.press(buyer, received, "✅")
    await book.wait(me, says("Acme"))
    book.screen("Another buyer requests me")
    other = stage.people["B002"]
    await stage.book.send(other, f"/start {stage.tokens['B002']}", "/start <invite>")
    [menu] = await book.send(other, "/menu")
    [companies] = await book.press(other, menu, stage.t("menu.find"))
    await book.press(other, companies, stage.t("find.keyword"))
    [companies] = await book.send(other, "한빛")
    [card] = await book.press(other, companies, "한빛화장품")
    [prompt] = await book.press(other, card, stage.t("card.request"))
    await book.press(other, prompt, stage.t("card.skip_note"))
    await book.wait(me, says("Saigon"))
    book.screen("My requests, full")
    [menu] = await book.send(me, "/menu")
    [summary] = await book.press(me, menu, stage.t("menu.requests"))
    [received] = await book.press(me, summary, "📥")
    [summary] = await book.press(me, received, stage.t("common.back"))
    [mine] = await book.press(me, summary, "📤")
    book.screen("Reordering, and a move that cannot go further")
    up = next(button.text for row in mine.buttons for button in row if "▲" in button.text)
    old = mine.button(up)
    [mine] = await book.press(me, mine, up)
    await book.press_again(me, mine, old)
    book.screen("Cancelling a request")
    await book.press(me, mine, "✖️")


APPLICATION = {
    "ko": (
        "seller",
        # The Korean name, then the English one (a buyer: English, then "-" for no Korean).
        (
            "새봄푸드",
            "Saebom Food",
            "식품",
            "김부각, 누룽지",
            "이서준",
            "sj@saebomfood.kr",
        ),
    ),
    "en": (
        "buyer",
        ("Andes Beauty", "-", "Chile", "cosmetics", "hair care", "Carlos Rojas", "carlos@andes.cl"),
    ),
}


async def applying(stage: Stage) -> None:
    book, stranger, admin = stage.book, stage.stranger, stage.admin
    book.chapter("6. Applying without an invite")
    book.screen("The organizer opens the bot")
    await book.send(admin, "/start")
    book.screen("The application")
    [welcome] = stranger.messages[:1]
    [form] = await book.press(stranger, welcome, stage.t("apply.button"))
    role, answers = APPLICATION[book.language]
    await book.press(stranger, form, stage.t(f"role.{role}"))
    for answer in answers:
        await book.send(stranger, answer)
    [application] = await book.wait(admin, says(answers[0]))
    await book.press(admin, application, stage.t("apply.approve"))
    await book.wait(stranger, lambda message: True)


async def deadline(stage: Stage) -> None:
    book, me, admin = stage.book, stage.people["S001"], stage.admin
    book.chapter("7. The deadline")
    book.screen("A company that never requests anything joins")
    await book.send(stage.people["S005"], f"/start {stage.tokens['S005']}", "/start <invite>")
    await book.send(stage.people["B004"], f"/start {stage.tokens['B004']}", "/start <invite>")
    book.screen("A day before")
    event_deadline = stage.deadline()
    stage.clock.now = event_deadline - timedelta(hours=24)
    await schedule_all(stage.application)
    await book.wait(me, says("⏰"))
    await book.wait(stage.people["B001"], says("⏰"))
    # B002 gets B001's reminder: read here, so that it does not open chapter 10
    await stage.people[ONLINE].wait_for(says("⏰"), timeout=WAIT)
    for late in ("S005", "B004"):  # shown later, but sent before the deadline passes
        await book.arrives(stage.people[late], says("⏰"))
    book.screen("The deadline passes: the organizer's summary")
    stage.clock.now = event_deadline + timedelta(seconds=1)
    await schedule_all(stage.application)
    await book.wait(admin, lambda message: True)
    book.screen("Requests are closed")
    [menu] = await book.send(me, "/menu")
    [companies] = await book.press(me, menu, stage.t("menu.find"))
    [card] = await book.press(me, companies, "Tokyo")
    [companies] = await book.press(me, card, stage.t("find.back_to_list"))
    await book.press(me, companies, "Saigon")
    [menu] = await book.send(me, "/menu")
    [summary] = await book.press(me, menu, stage.t("menu.requests"))
    await book.press(me, summary, "📥")
    [menu] = await book.send(me, "/menu")
    await book.press(me, menu, stage.t("menu.availability"))
    await book.send(me, "/help")
    [menu] = await book.send(me, "/menu")
    await book.press(me, menu, stage.t("menu.schedule"))


async def organizer(stage: Stage) -> None:
    book, admin = stage.book, stage.admin
    book.chapter("8. The organizer")
    for command in ("/help", "/stats", "/matchmode", "/match", "/lowcount", "/today"):
        book.screen(command)
        await book.send(admin, command)
    book.screen("Commands without what they need")
    for command in ("/assign", "/unassign", "/deadline", "/broadcast", "/results"):
        await book.send(admin, command)
    book.screen("/attendance: a buyer meets online")
    await book.send(admin, "/attendance")
    await book.send(admin, f"/attendance {ONLINE} online")
    book.screen("/interpreters")
    await book.send(admin, "/interpreters")
    book.screen("/export")
    await book.send(admin, "/export")
    book.screen("/announce")
    await book.send(admin, "/announce")
    done = tn(stage.book.language, "announce.done", 0, round=1, items="").split(":")[0]
    title = re.sub("<[^>]+>", "", done)
    await admin.wait_for(says(title), timeout=WAIT)
    book.show(admin, admin.messages[-1:])


async def timetable(stage: Stage) -> None:
    book, me = stage.book, stage.people["S001"]
    book.chapter("9. The timetable")
    book.screen("Announced")
    await book.wait(me, lambda message: True)
    book.screen("My schedule")
    pages = await book.send(me, "/schedule")
    last = pages[-1]
    await book.press(me, last, stage.t("schedule.image_button"))
    await book.press(me, last, stage.t("schedule.calendar_button"))
    book.screen("A meeting's card")
    [card] = await book.press(me, last, "Acme")
    [table] = await book.press(me, card, stage.t("schedule.back_button"))
    book.screen("Why not scheduled")
    await book.press(me, table, "❓")
    book.screen("A company with no requests")
    nobody = stage.people["S005"]
    await book.wait(nobody, lambda message: True)
    await book.send(nobody, "/schedule")


async def hybrid(stage: Stage) -> None:
    book, buyer, admin = stage.book, stage.people[ONLINE], stage.admin
    book.chapter("10. Online buyers and interpreters")
    book.screen("An online buyer's timetable, in their own time")
    await book.wait(buyer, lambda message: True)
    await book.send(buyer, "/schedule")
    book.screen("An interpreter joins")
    first, second = stage.interpreters["I001"], stage.interpreters["I002"]
    [home] = await book.send(first, f"/start {stage.tokens['I001']}", "/start <invite>")
    await book.send(second, f"/start {stage.tokens['I002']}", "/start <invite>")
    book.screen("An interpreter cannot come: another one takes the meeting")
    decline = next(b.text for row in home.buttons for b in row if "❌" in b.text)
    [asked] = await book.press(first, home, decline)
    await book.press(first, asked, stage.t("interp.decline_keep"))
    [asked] = await book.press(first, first.last_message, decline)
    await book.press(first, asked, stage.t("interp.decline_yes"))
    await schedule_all(stage.application)  # the changed schedules are pushed at once
    [theirs] = await book.wait(second, lambda message: True)
    book.screen("Nobody else can: the organizers are told")
    decline = next(b.text for row in theirs.buttons for b in row if "❌" in b.text)
    [asked] = await book.press(second, theirs, decline)
    await book.press(second, asked, stage.t("interp.decline_yes"))
    await book.wait(admin, lambda message: True)
    await book.send(admin, "/interpreters")


async def fair_day(stage: Stage) -> None:
    book, me, buyer = stage.book, stage.people["S001"], stage.people["B001"]
    book.chapter("11. The fair day")
    first = stage.first_meeting_start("S001")
    stage.clock.now = first - timedelta(minutes=10)
    book.screen("Ten minutes before: the reminder")
    await schedule_all(stage.application)
    [mine] = await book.wait(me, says("🔔"))
    theirs = (await book.wait(buyer, says("🔔")))[-1]
    await book.press(me, mine, stage.t("fairday.confirm_button"))
    await book.wait(buyer, lambda message: True)
    book.screen("The other side cannot come")
    [why] = await book.press(buyer, theirs, stage.t("fairday.cancel_button"))
    await book.press(buyer, why, stage.t("fairday.cause_cant_attend"))
    book.note("The freed place is offered to a pair on standby.")
    offer = (await book.wait(me, says("Dubai")))[-1]
    their_offer = (await book.wait(stage.people["B004"], says("한빛화장품")))[-1]
    await book.press(me, offer, stage.t("refill.accept_button"))
    await book.press(stage.people["B004"], their_offer, stage.t("refill.accept_button"))
    await book.wait(me, lambda message: message.document is not None)
    book.screen("After the meeting: how did it go?")
    stage.clock.now = first + timedelta(minutes=30)
    await schedule_all(stage.application)
    [prompt] = await book.wait(me, says("Dubai"))
    [summary] = await book.press(me, prompt, stage.t("outcome.result.follow_up"))
    await book.press(me, summary, stage.t("outcome.value_button"))
    [summary] = await book.send(me, "about fifteen")
    [summary] = await book.send(me, "15000")
    await book.press(me, summary, stage.t("outcome.note_button"))
    await book.send(me, "Samples by July")
    book.screen("Two hours later, to whoever has not answered")
    stage.clock.now = first + timedelta(minutes=30, hours=2)
    await schedule_all(stage.application)
    await book.wait(stage.people["B004"], says("🔔"))
    book.screen("The organizer's day")
    await book.send(stage.admin, "/today")
    await book.send(stage.admin, "/stats")


async def follow_up(stage: Stage) -> None:
    book, me = stage.book, stage.people["S001"]
    book.chapter("12. Weeks later: the survey and the results")
    stage.clock.now = stage.last_slot_end() + timedelta(weeks=4)
    await schedule_all(stage.application)
    questions = await book.wait(me, says("Dubai"))
    question = next(message for message in questions if "Dubai" in message.content)
    # The organizer hears when the questions start going out and, once all are sent, the
    # round's count: waited for before anyone answers, so that the count is always the same.
    done = stage.t("survey.done.other", count=0, items="")
    await book.wait(stage.admin, says(re.split("[,:.]", done)[0]))
    await book.press(me, question, stage.t("survey.contract"))
    await book.send(me, "50k")
    await book.send(stage.admin, "/results")


async def colleagues(stage: Stage) -> None:
    book, me = stage.book, stage.people["S001"]
    book.chapter("13. Colleagues")
    book.screen("The main contact invites a colleague")
    [menu] = await book.send(me, "/menu")
    [team] = await book.press(me, menu, stage.t("menu.colleagues"))
    replies = await book.press(me, team, stage.t("colleagues.invite_button"))
    token = INVITE.search(replies[-1].content)
    assert token is not None
    link = token.group()[len("?start=") :]
    book.screen(
        "The colleague opens the link: the company's My page, in their own language, then the"
        " company's timetable (announced before they joined)"
    )
    colleague = book.user(COLLEAGUE, COLLEAGUE_NAMES[book.language])
    [_, menu, _] = await book.send(
        colleague, f"/start {link}", "/start <invite>", lambda m: m.photo_bytes is not None
    )
    await book.press(colleague, menu, stage.t("menu.company"))
    await book.send(colleague, "/schedule")
    book.screen("The same link from another account")
    await book.send(stage.stranger, f"/start {link}", "/start <invite>")
    book.screen("The main contact revokes the colleague")
    [menu] = await book.send(me, "/menu")
    [team] = await book.press(me, menu, stage.t("menu.colleagues"))
    [asked] = await book.press(me, team, "✖️")
    await book.press(me, asked, stage.t("colleagues.revoke_yes"))
    await book.wait(colleague, lambda message: True)


CHAPTERS = (
    joining,
    profile,
    availability,
    finding,
    requests,
    applying,
    deadline,
    organizer,
    timetable,
    hybrid,
    fair_day,
    follow_up,
    colleagues,
)


def write(languages: tuple[str, ...] = ("ko", "en")) -> list[Path]:
    """Writes the files; returns their paths."""
    written = []
    for language in languages:
        text = asyncio.run(write_book(language))
        path(language).write_text(text, encoding="utf-8")
        written.append(path(language))
    return written


def main() -> None:
    for written in write():
        print(written.relative_to(ROOT))
