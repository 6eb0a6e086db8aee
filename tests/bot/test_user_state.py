"""Per-user state kept in the database: a restart in the middle of a typed step carries on;
saved state that can't be read, or pickles of an older version naming classes that no
longer exist, never stop the bot: the user starts again from the menu."""

import json
import pickle

import sqlalchemy as sa
from alembic import command
from sqlmodel import select

import builders
from fake_telegram import running_bot
from store.db import alembic_config, session_scope, upgrade
from store.models import Participant, UserState


async def test_a_half_typed_edit_survives_a_restart(fake, build_bot, engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", telegram_id=1001, language="en")
    kim = fake.user(1001, "Kim")
    async with running_bot(build_bot(), fake):
        [menu] = await kim.ask("/menu")
        await kim.press(menu, "👤 Account info")
        [section] = await kim.wait_reply()
        await kim.press(section, "✏️ E-mail")
        [prompt] = await kim.wait_reply()
        assert "E-mail: send the new value" in prompt.text
    async with running_bot(build_bot(), fake):
        saved, view = await kim.ask("kim@hanbit.kr")
        assert "E-mail saved" in saved.text and "kim@hanbit.kr" in view.text
    with session_scope(engine) as session:
        assert session.exec(select(Participant)).one().email == "kim@hanbit.kr"


async def test_without_a_typed_step_a_restart_changes_nothing_for_the_user(fake, build_bot, engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", telegram_id=1001, language="en")
    kim = fake.user(1001, "Kim")
    async with running_bot(build_bot(), fake):
        await kim.ask("/menu")
    async with running_bot(build_bot(), fake):
        [stray] = await kim.ask("kim@hanbit.kr")
        assert "/menu" in stray.text


def sent_to_menu(replies) -> bool:
    return any("/menu" in (reply.text or "") for reply in replies)


async def test_unreadable_saved_state_sends_the_user_to_the_menu(fake, build_bot, engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", telegram_id=1001, language="en")
        builders.participant(session, "S2", telegram_id=1002, language="en")
        # Garbage, and a shape no code of ours wrote: an unknown step, a search of another form.
        session.add(UserState(telegram_id=1001, data="\x80\x04garbage{"))
        odd = {
            "find": {"key": "abc123", "filters": {"region": "EU"}},
            "awaiting": {"step": "a_step_that_was_renamed", "field": "email"},
        }
        session.add(UserState(telegram_id=1002, data=json.dumps(odd)))
    kim, lee = fake.user(1001, "Kim"), fake.user(1002, "Lee")
    async with running_bot(build_bot(), fake):
        assert sent_to_menu(await kim.ask("kim@hanbit.kr"))
        assert sent_to_menu(await lee.ask("lee@hanbit.kr"))
        [menu] = await lee.ask("/menu")
        await lee.press_data(menu, "fd:abc123:p:8")  # a button of the search it can't read
        await lee.wait_reply()
        assert "out of date" in lee.callback_answers[-1].text
        [menu] = await kim.ask("/menu")
        assert "My page" in menu.text
    with session_scope(engine) as session:
        assert json.loads(session.get(UserState, 1001).data) == {}


class Vanished:
    """Stands for a class the bot once pickled into its saved state and no longer has."""


async def test_old_pickled_state_naming_a_vanished_class_does_not_stop_the_start(
    fake, build_bot, engine
):
    # The database as the previous version left it: pickles in `savedstate`.
    command.downgrade(alembic_config(engine), "0005")
    stale = pickle.dumps({"find": Vanished()}, protocol=0).replace(
        f"{__name__}\nVanished".encode(), b"handlers.gone\nOldSearch"
    )
    assert b"handlers.gone" in stale
    with engine.begin() as connection:
        for kind, key, value in (
            ("user", "1001", stale),
            ("user", "1002", b"not a pickle"),
            ("conversation:profile_edit", "[1001, 1001]", pickle.dumps(1)),
        ):
            connection.execute(
                sa.text("INSERT INTO savedstate (kind, key, value) VALUES (:k, :key, :v)"),
                {"k": kind, "key": key, "v": value},
            )
    upgrade(engine)  # what the bot does when it starts
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", telegram_id=1001, language="en")
    kim = fake.user(1001, "Kim")
    async with running_bot(build_bot(), fake):
        assert sent_to_menu(await kim.ask("kim@hanbit.kr"))
        [menu] = await kim.ask("/menu")
        assert "My page" in menu.text
