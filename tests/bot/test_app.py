"""The assembled application: command menus, error reports, per-user ordering."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import builders
from bot.processing import PerUserProcessor
from builders import ADMIN
from fake_telegram import running_bot
from handlers.commands import PARTICIPANT_COMMANDS
from store.db import session_scope

ADMIN_MENU_ORDER = [
    "deadline",
    "match",
    "matchmode",
    "lowcount",
    "assign",
    "unassign",
    "withdraw",
    "restore",
    "announce",
    "broadcast",
    "stats",
    "export",
    "today",
    "results",
    "attendance",
    "interpreters",
]


def scope_commands(fake, scope, language=""):
    return [c["command"] for c in fake.bot().commands.get((json.dumps(scope), language), [])]


async def test_command_menus_per_language_without_admin_commands(bot, fake):
    participant = ["start", "menu", "schedule", "language", "help", "cancel"]
    assert scope_commands(fake, {"type": "default"}, "ko") == participant
    assert scope_commands(fake, {"type": "default"}, "en") == participant
    english = fake.bot().commands[(json.dumps({"type": "default"}), "en")]
    assert english[1]["description"] == "My page"
    assert "match" not in scope_commands(fake, {"type": "default"}, "")


async def test_an_admin_who_opens_the_bot_later_gets_the_admin_menu(bot, fake):
    admin_scope = {"chat_id": ADMIN, "type": "chat"}
    assert scope_commands(fake, admin_scope) == []  # the chat did not exist at start-up
    await fake.user(ADMIN, "Organizer", language_code="en").ask("/start")
    admin_menu = [*PARTICIPANT_COMMANDS, *ADMIN_MENU_ORDER]  # the features' ADMINS commands
    assert scope_commands(fake, admin_scope) == admin_menu
    await fake.user(1001, "Kim").ask("/start")
    assert not any(key[0].startswith('{"chat_id": 1001') for key in fake.bot().commands)


async def test_at_start_up_the_admin_menu_is_in_the_language_the_admin_reads(fake, build_bot):
    """A Korean bot (the default) restarted: its English admin's menu stays English."""
    admin_scope = json.dumps({"chat_id": ADMIN, "type": "chat"})
    async with running_bot(build_bot(), fake):
        await fake.user(ADMIN, "Organizer", language_code="en").ask("/start")
    del fake.bot().commands[(admin_scope, "")]  # what /start set: only start-up's is looked at
    async with running_bot(build_bot(), fake):
        menu = fake.bot().commands[(admin_scope, "")]
    assert menu[1]["description"] == "My page"


async def test_a_failing_handler_tells_the_user_and_reports_to_admins(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", telegram_id=1001, language="en")
    admin = fake.user(ADMIN, "Organizer", language_code="ko")
    await admin.ask("/start")
    kim = fake.user(1001, "Kim")
    fake.fail_next(1001, code=400, description="Bad Request: something broke", method="sendMessage")
    replies = await kim.ask("/menu")
    assert "something went wrong" in replies[-1].text
    [report] = await admin.wait_for(lambda m: "요청을 처리하지 못했습니다" in m.text)
    assert "BadRequest" in report.text


async def test_an_invite_used_by_someone_else_is_refused(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
        token = builders.participant(session, "S1", telegram_id=1001).invite_token
    [refusal] = await fake.user(1002, "Mallory").ask(f"/start {token}")
    assert "already linked to another Telegram account" in refusal.text


async def test_one_users_updates_run_in_order_while_others_run_alongside():
    processor = PerUserProcessor(8)
    events: list[str] = []

    class User:
        def __init__(self, user_id):
            self.id = user_id

    def update(user_id):
        from telegram import Update

        value = Update(update_id=user_id)
        value._effective_user = User(user_id)  # what PTB computes from a message's sender
        return value

    async def work(name, delay):
        events.append(f"{name} start")
        await asyncio.sleep(delay)
        events.append(f"{name} end")

    await asyncio.gather(
        processor.do_process_update(update(1), work("a1", 0.05)),
        processor.do_process_update(update(1), work("a2", 0)),
        processor.do_process_update(update(2), work("b1", 0)),
    )
    assert events.index("a1 end") < events.index("a2 start")
    assert events.index("b1 end") < events.index("a1 end")


async def test_a_job_runs_however_late_the_process_gets_to_it(bot):
    """APScheduler's default skips a run more than a second late; a busy process would then never
    close the applications at its deadline."""
    ran = asyncio.Event()

    async def job(context) -> None:
        ran.set()

    late = datetime.now(UTC) - timedelta(seconds=30)
    bot.job_queue.run_once(job, when=late, name="late")
    await asyncio.wait_for(ran.wait(), timeout=10)
