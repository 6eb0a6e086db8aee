"""A restart in the middle of a typed step: the participant carries on where they were."""

from sqlmodel import select

import builders
from fake_telegram import running_bot
from store.db import session_scope
from store.models import Participant


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
        assert "new E-mail" in prompt.text
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
