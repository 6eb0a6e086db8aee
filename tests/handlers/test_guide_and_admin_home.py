"""An organizer's /start leads to the organizer's tools; /help answers everyone with a short
guide in their language."""

from admin_helpers import organizer
from sqlmodel import select
from telegram import BotCommandScopeChat

import builders
from bot.app import FEATURES
from handlers.feature import admin_commands
from locales import t
from store.db import session_scope
from store.models import Participant


async def test_an_admins_start_opens_the_organizer_tools_not_the_application(bot, fake, engine):
    with session_scope(engine) as session:
        builders.fair(session, buyers=2, sellers=2)
    admin = organizer(fake)
    [home] = await admin.ask("/start")
    assert "Organizer tools" in home.text and "Boom Up Korea 2024" in home.text
    assert "Participants: 4, of whom 4 opened the bot" in home.text
    assert "/announce" in home.text and "/deadline" in home.text
    assert "apply" not in str(home.keyboard).lower()
    [again] = await admin.ask("/menu")
    assert "Organizer tools" in again.text


async def test_an_admin_who_also_takes_part_reaches_both(bot, fake, engine):
    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1)
        b1 = session.exec(select(Participant).where(Participant.code == "B1")).one()
        b1.telegram_id, b1.language = builders.ADMIN, "en"
        session.add(b1)
    admin = organizer(fake)
    [menu] = await admin.ask("/menu")
    assert "My page" in menu.text
    await admin.press(menu, "🛠 Organizer tools")
    [home] = await admin.wait_reply()
    assert "Organizer tools" in home.text
    await admin.press(home, "👤 My page as a participant")
    [back] = await admin.wait_reply()
    assert "My page" in back.text


async def test_before_any_event_the_admin_is_told_how_to_set_one_up(bot, fake):
    admin = organizer(fake)
    [home] = await admin.ask("/start")
    assert "setup-event" in home.text


async def test_help_gives_participants_the_faq_and_admins_the_steps(bot, fake, engine):
    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1)
    korean = fake.user(2001, "Kim", language_code="ko")
    [guide] = await korean.ask("/help")
    assert "자주 하는 질문" in guide.text and "1일 상담횟수" in guide.text
    english = fake.user(1001, "Ann", language_code="en")
    [guide] = await english.ask("/help")
    assert "Can I choose the time of a meeting?" in guide.text
    stranger = fake.user(4242, "Stranger", language_code="en")
    [guide] = await stranger.ask("/help")
    assert "How the fair works" in guide.text
    [steps] = await organizer(fake).ask("/help")
    assert "Organizer's guide" in steps.text and "/announce" in steps.text


async def test_the_admins_commands_come_from_the_features_in_help_home_and_menu(bot, fake, engine):
    """One list, the features' `ADMINS` commands: /help and the tools list each with its
    menu description; the admin's command menu marks them as the admins'."""
    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1)
    names = admin_commands(FEATURES)
    lines = [f"/{name} {t('en', f'command.{name}')}" for name in names]
    admin = organizer(fake)
    [home] = await admin.ask("/start")  # also sets the admin's own command menu
    [steps] = await admin.ask("/help")
    for text in (steps.text, home.text):
        assert [line for line in text.split("\n") if line in lines] == lines
    menu = await bot.bot.get_my_commands(scope=BotCommandScopeChat(builders.ADMIN))
    own = {c.command: c.description for c in menu if c.command in names}
    assert list(own) == list(names)
    for name in names:
        described = t("en", f"command.{name}")
        assert own[name] == t("en", "command.for_admins", description=described)


async def test_after_the_deadline_help_first_says_what_is_left(bot, fake, engine, clock):
    with session_scope(engine) as session:
        builders.event(session)
    ann = fake.user(1001, "Ann", language_code="en")
    [before] = await ann.ask("/help")
    assert before.text.startswith("How the fair works")
    clock.now = builders.DEADLINE
    [after] = await ann.ask("/help")
    assert after.text.startswith("🔒 Requests are closed, so steps 1–3 below no longer apply")
    assert "My schedule (/schedule)" in after.text
